// Descope's official Node SDK against the local Descope-compatible server.
// Run by conformance/run.sh, which starts the server and sets DESCOPE_BASE_URL,
// DESCOPE_PROJECT_ID and the seeded admin's credentials.
import { test } from "node:test";
import assert from "node:assert/strict";
import DescopeClient from "@descope/node-sdk";

const projectId = process.env.DESCOPE_PROJECT_ID;
const baseUrl = process.env.DESCOPE_BASE_URL;
const client = DescopeClient({ projectId, baseUrl });
const email = `node-${Date.now()}@example.com`;
const password = "correct horse battery";

test("sign up, validate, refresh, me, logout, and refresh after logout fails", async () => {
  const signUp = await client.password.signUp(email, password, { name: "Node User" });
  assert.equal(signUp.ok, true, JSON.stringify(signUp.error));
  const { sessionJwt, refreshJwt } = signUp.data;

  const session = await client.validateSession(sessionJwt);
  assert.equal(session.token.drn, "DS");
  assert.equal(session.token.iss, projectId);

  const refreshed = await client.refreshSession(refreshJwt);
  assert.ok(refreshed.jwt, "a new session token");
  const rotated = refreshed.refreshJwt ?? refreshed.cookies?.find((c) => c.startsWith("DSR="))?.slice(4).split(";")[0];
  assert.ok(rotated && rotated !== refreshJwt, "the refresh token rotates");

  const me = await client.me(rotated);
  assert.equal(me.ok, true);
  assert.equal(me.data.email, email);
  assert.equal(me.data.name, "Node User");

  const logout = await client.logout(rotated);
  assert.equal(logout.ok, true);
  await assert.rejects(client.refreshSession(rotated), "refresh after logout fails");
});

test("sign in checks the password", async () => {
  const wrong = await client.password.signIn(email, "wrong password");
  assert.equal(wrong.ok, false);
  assert.equal(wrong.code, 401);
  const right = await client.password.signIn(email, password);
  assert.equal(right.ok, true);
});

test("roles of a seeded user", async () => {
  const admin = await client.password.signIn(process.env.SEED_ADMIN_EMAIL, process.env.SEED_ADMIN_PASSWORD);
  assert.equal(admin.ok, true, JSON.stringify(admin.error));
  const info = await client.validateSession(admin.data.sessionJwt);
  assert.equal(client.validateRoles(info, ["admin"]), true);
  assert.equal(client.validateRoles(info, ["owner"]), false);
  assert.equal(client.validateTenantRoles(info, "T1", ["editor"]), true);
});

test("a forged token is refused", async () => {
  const signIn = await client.password.signIn(email, password);
  const [h, p] = signIn.data.sessionJwt.split(".");
  await assert.rejects(client.validateSession(`${h}.${p}.AAAA`));
});
