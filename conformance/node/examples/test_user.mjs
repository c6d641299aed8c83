import DescopeClient from "@descope/node-sdk";

const client = DescopeClient({
  projectId: process.env.DESCOPE_PROJECT_ID,
  managementKey: process.env.DESCOPE_MANAGEMENT_KEY,
  baseUrl: process.env.DESCOPE_BASE_URL,
});
await client.management.user.createTestUser("tom@example.com", { roles: ["admin"] });
const { data } = await client.management.user.generateOTPForTestUser("email", "tom@example.com");
const { data: signedIn } = await client.otp.verify.email("tom@example.com", data.code);
const session = await client.validateSession(signedIn.sessionJwt);
if (!client.validateRoles(session, ["admin"])) throw new Error("no admin role");
await client.management.user.deleteAllTestUsers();
