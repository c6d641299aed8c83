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
  const kept = refreshed.refreshJwt ?? refreshed.cookies?.find((c) => c.startsWith("DSR="))?.slice(4).split(";")[0];
  assert.equal(kept, refreshJwt, "without rotation, a Descope project's default, the refresh token stays");

  const me = await client.me(kept);
  assert.equal(me.ok, true);
  assert.equal(me.data.email, email);
  assert.equal(me.data.name, "Node User");

  const logout = await client.logout(kept);
  assert.equal(logout.ok, true);
  await assert.rejects(client.refreshSession(kept), "refresh after logout fails");
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

/** The newest message in the local server's development inbox for `to`. */
async function newestMessage(to) {
  const answer = await fetch(`${baseUrl}/inbox.json?to=${encodeURIComponent(to)}`);
  return (await answer.json()).messages[0];
}

test("an email code signs up or in", async () => {
  const address = `node-otp-${Date.now()}@example.com`;
  const sent = await client.otp.signUpOrIn.email(address);
  assert.equal(sent.ok, true, JSON.stringify(sent.error));
  const { code } = await newestMessage(address);
  const wrong = await client.otp.verify.email(address, code === "000000" ? "111111" : "000000");
  assert.equal(wrong.code, 401);
  const verified = await client.otp.verify.email(address, code);
  assert.equal(verified.ok, true, JSON.stringify(verified.error));
  assert.equal(verified.data.user.email, address);
  await client.validateSession(verified.data.sessionJwt);
});

test("a magic link signs in once, and only points at approved origins", async () => {
  const address = `node-link-${Date.now()}@example.com`;
  const sent = await client.magicLink.signUpOrIn.email(address, "http://127.0.0.1:3000/verify");
  assert.equal(sent.ok, true, JSON.stringify(sent.error));
  const token = new URL((await newestMessage(address)).link).searchParams.get("t");
  const verified = await client.magicLink.verify(token);
  assert.equal(verified.ok, true, JSON.stringify(verified.error));
  assert.equal((await client.magicLink.verify(token)).code, 401);
  const elsewhere = await client.magicLink.signUpOrIn.email(address, "https://evil.test/verify");
  assert.equal(elsewhere.code, 400);
});

test("an email update by code, then by link, moves the user's address", async () => {
  const address = `node-move-${Date.now()}@example.com`;
  const signUp = await client.password.signUp(address, password, { name: "Mover" });
  const moved = `moved-${address}`;
  const sent = await client.otp.update.email(address, moved, signUp.data.refreshJwt, {
    addToLoginIDs: true,
  });
  assert.equal(sent.ok, true, JSON.stringify(sent.error));
  const verified = await client.otp.verify.email(address, (await newestMessage(moved)).code);
  assert.equal(verified.ok, true, JSON.stringify(verified.error));
  assert.equal(verified.data.user.email, moved);
  assert.deepEqual(verified.data.user.loginIds, [address, moved]);
  const again = `again-${address}`;
  const linked = await client.magicLink.update.email(
    address,
    again,
    "http://127.0.0.1:3000/verify",
    verified.data.refreshJwt,
  );
  assert.equal(linked.ok, true, JSON.stringify(linked.error));
  const token = new URL((await newestMessage(again)).link).searchParams.get("t");
  assert.equal((await client.magicLink.verify(token)).data.user.email, again);
});

test("a password update ends the other sessions, and replace signs in", async () => {
  const address = `node-change-${Date.now()}@example.com`;
  const signUp = await client.password.signUp(address, password, { name: "Changer" });
  const other = await client.password.signIn(address, password);
  const updated = await client.password.update(address, "second password", signUp.data.refreshJwt);
  assert.equal(updated.ok, true, JSON.stringify(updated.error));
  await assert.rejects(client.refreshSession(other.data.refreshJwt), "the other session ended");
  const replaced = await client.password.replace(address, "second password", "third password");
  assert.equal(replaced.ok, true, JSON.stringify(replaced.error));
  assert.equal((await client.password.signIn(address, "third password")).ok, true);
});

test("too many wrong passwords answer 429 with the SDK's retryAfter", async () => {
  const address = `node-limit-${Date.now()}@example.com`;
  await client.password.signUp(address, password, { name: "Limited" });
  for (let i = 0; i < 10; i++) {
    assert.equal((await client.password.signIn(address, "wrong password")).code, 401);
  }
  const limited = await client.password.signIn(address, "wrong password");
  assert.equal(limited.code, 429);
  assert.equal(limited.error.errorCode, "E130429");
  assert.ok(limited.error.retryAfter > 0 && limited.error.retryAfter <= 600, JSON.stringify(limited.error));
});
