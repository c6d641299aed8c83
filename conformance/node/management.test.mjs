// Descope's official Node SDK management client against the local server, as an app's test
// suite drives it. Run by conformance/run.sh, which starts the server with
// DESCOPE_LOCAL_MANAGEMENT_KEY and sets DESCOPE_MANAGEMENT_KEY to the same key.
import { test } from "node:test";
import assert from "node:assert/strict";
import DescopeClient from "@descope/node-sdk";

const projectId = process.env.DESCOPE_PROJECT_ID;
const baseUrl = process.env.DESCOPE_BASE_URL;
const managementKey = process.env.DESCOPE_MANAGEMENT_KEY;
const client = DescopeClient({ projectId, baseUrl, managementKey });
const loginId = `node-test-${Date.now()}@example.com`;

const ok = (response) => {
  assert.equal(response.ok, true, JSON.stringify(response.error));
  return response.data;
};

test("a test user signs in with a generated code, with its roles and tenant in the token", async () => {
  const user = ok(
    await client.management.user.createTestUser(loginId, {
      displayName: "Node Test",
      roles: ["admin"],
      userTenants: [{ tenantId: "T1", roleNames: ["editor"] }],
    }),
  );
  assert.equal(user.test, true);
  const { code } = ok(await client.management.user.generateOTPForTestUser("email", loginId));
  const signedIn = ok(await client.otp.verify.email(loginId, code));
  const session = await client.validateSession(signedIn.sessionJwt);
  assert.equal(session.token.sub, user.userId);
  assert.ok(client.validateRoles(session, ["admin"]));
  assert.ok(client.validateTenantRoles(session, "T1", ["editor"]));
});

test("a generated magic link signs in", async () => {
  const { link } = ok(
    await client.management.user.generateMagicLinkForTestUser("email", loginId, "http://127.0.0.1:3000/verify"),
  );
  const token = new URL(link).searchParams.get("t");
  const signedIn = ok(await client.magicLink.verify(token));
  assert.ok(await client.validateSession(signedIn.sessionJwt));
});

test("load by login ID or user ID, patch, search and status", async () => {
  const user = ok(await client.management.user.load(loginId));
  assert.equal(ok(await client.management.user.loadByUserId(user.userId)).userId, user.userId);
  const patched = ok(await client.management.user.patch(loginId, { givenName: "Nodey" }));
  assert.equal(patched.givenName, "Nodey");
  assert.equal(patched.name, "Node Test");
  const found = ok(await client.management.user.searchTestUsers({ loginIds: [loginId] }));
  assert.deepEqual(found.users.map((u) => u.userId), [user.userId]);
  assert.equal(found.total, 1);
  assert.equal(ok(await client.management.user.deactivate(loginId)).status, "disabled");
  const { code } = ok(await client.management.user.generateOTPForTestUser("email", loginId));
  const refused = await client.otp.verify.email(loginId, code);
  assert.equal(refused.ok, false, "a disabled user cannot sign in");
  assert.equal(ok(await client.management.user.activate(loginId)).status, "enabled");
});

test("roles expand to permissions, and selecting a tenant sets dct", async () => {
  const suffix = Date.now();
  const tenant = `T${suffix}`;
  const tenantLogin = `node-tenant-${suffix}@example.com`;
  ok(await client.management.permission.create(`read-${suffix}`, "Read things"));
  ok(await client.management.role.create(`reader-${suffix}`, "Reads", [`read-${suffix}`]));
  ok(await client.management.tenant.createWithId(tenant, `Tenant ${suffix}`));
  ok(
    await client.management.user.createTestUser(tenantLogin, {
      roles: [`reader-${suffix}`],
      userTenants: [{ tenantId: tenant, roleNames: [`reader-${suffix}`] }],
    }),
  );
  const roles = ok(await client.management.role.loadAll());
  assert.ok(roles.some((r) => r.name === `reader-${suffix}` && r.permissionNames.includes(`read-${suffix}`)));

  const { code } = ok(await client.management.user.generateOTPForTestUser("email", tenantLogin));
  const signedIn = ok(await client.otp.verify.email(tenantLogin, code));
  const session = await client.validateSession(signedIn.sessionJwt);
  assert.ok(client.validatePermissions(session, [`read-${suffix}`]));
  assert.ok(client.validateTenantPermissions(session, tenant, [`read-${suffix}`]));

  const selected = ok(await client.selectTenant(tenant, signedIn.refreshJwt));
  const selectedSession = await client.validateSession(selected.sessionJwt);
  assert.equal(selectedSession.token.dct, tenant);
  const mine = ok(await client.myTenants(true, selected.refreshJwt ?? signedIn.refreshJwt));
  assert.deepEqual(mine.tenants.map((t) => t.name), [`Tenant ${suffix}`]);
  ok(await client.management.tenant.delete(tenant));
});

test("a machine exchanges an access key for a session token", async () => {
  const created = ok(await client.management.accessKey.create(`ci-${Date.now()}`, 0, ["admin"]));
  assert.ok(created.cleartext);
  const info = await client.exchangeAccessKey(created.cleartext);
  assert.equal(info.token.sub, created.key.id);
  assert.ok(client.validateRoles(info, ["admin"]));
  const found = ok(await client.management.accessKey.searchAll([]));
  assert.ok(found.some((k) => k.id === created.key.id));
  ok(await client.management.accessKey.delete(created.key.id));
  await assert.rejects(client.exchangeAccessKey(created.cleartext));
});

test("delete all test users, and a wrong key is refused", async () => {
  ok(await client.management.user.deleteAllTestUsers());
  const gone = await client.management.user.load(loginId);
  assert.equal(gone.ok, false);
  assert.equal(gone.error.errorCode, "E112102");

  const wrong = DescopeClient({ projectId, baseUrl, managementKey: "K2NotTheKeyOfThisServerAtAll" });
  const refused = await wrong.management.user.load(loginId);
  assert.equal(refused.ok, false);
  assert.equal(refused.code, 401);
});
