"""Sets up a Descope project from a descope-local project document (`descope-local export`,
or a seed file) with Descope's own Python SDK: permissions, tenants, roles, then users.

    DESCOPE_PROJECT_ID=P2... DESCOPE_MANAGEMENT_KEY=K2... python import_project.py project.json

Password hashes (argon2id) are not importable into Descope; users with a password in clear
(seed files) get it as an active password, the others sign in by code or link.
"""

import json
import os
import sys

from descope import AssociatedTenant, DescopeClient

client = DescopeClient(project_id=os.environ["DESCOPE_PROJECT_ID"],
                       management_key=os.environ["DESCOPE_MANAGEMENT_KEY"],
                       base_url=os.environ.get("DESCOPE_BASE_URL"))
with open(sys.argv[1]) as file:
    document = json.load(file)
if isinstance(document, list):  # a seed file of the first form: users only
    document = {"users": document}

for permission in document.get("permissions", []):
    client.mgmt.permission.create(permission["name"], permission.get("description"))
for tenant in document.get("tenants", []):
    client.mgmt.tenant.create(tenant["name"], id=tenant["id"],
                              self_provisioning_domains=tenant.get("selfProvisioningDomains"),
                              custom_attributes=tenant.get("customAttributes") or None)
for role in document.get("roles", []):
    client.mgmt.role.create(role["name"], role.get("description"), role.get("permissionNames"),
                            tenant_id=role.get("tenantId") or None)
for user in document.get("users", []):
    login_id = user.get("loginId") or user["email"]
    tenants = [AssociatedTenant(tenant_id, membership.get("roles", []))
               for tenant_id, membership in user.get("tenants", {}).items()]
    create = client.mgmt.user.create_test_user if user.get("test") else client.mgmt.user.create
    create(login_id, email=user.get("email") or login_id, display_name=user.get("name") or None,
           role_names=user.get("roles", []), user_tenants=tenants,
           verified_email=user.get("verifiedEmail", True))
    if user.get("password"):
        client.mgmt.user.set_active_password(login_id, user["password"])
    if user.get("disabled"):
        client.mgmt.user.deactivate(login_id)
print(f"imported {len(document.get('users', []))} users from {sys.argv[1]}")
