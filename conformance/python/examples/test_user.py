import os
from descope import DeliveryMethod, DescopeClient

client = DescopeClient(project_id=os.environ["DESCOPE_PROJECT_ID"],
                       management_key=os.environ["DESCOPE_MANAGEMENT_KEY"],
                       base_url=os.environ["DESCOPE_BASE_URL"])
client.mgmt.user.create_test_user("tess@example.com", role_names=["admin"])
code = client.mgmt.user.generate_otp_for_test_user(DeliveryMethod.EMAIL, "tess@example.com")["code"]
signed_in = client.otp.verify_code(DeliveryMethod.EMAIL, "tess@example.com", code)
claims = client.validate_session(signed_in["sessionToken"]["jwt"])
assert client.validate_roles(claims, ["admin"])
client.mgmt.user.delete_all_test_users()
