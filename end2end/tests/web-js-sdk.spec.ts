import path from "node:path";
import type { Page } from "@playwright/test";
import { test, expect, delivery, refreshToken, withoutFavicon } from "./fixtures";

// Descope's own browser SDK against the embedded local server, as a browser app would use it.
// - Body mode: from another origin (the page on localhost, Descope on 127.0.0.1), as with real
//   Descope; every call is a credentialed CORS request (the server allows http://localhost:3001).
// - Cookie mode: from the server's own origin, as a Descope custom domain under the app's
//   domain makes it; the refresh token stays in the httpOnly cookie, never in storage.
// The end-to-end server runs with a 30 s session lifetime (scripts/test.sh), so autoRefresh
// must refresh (at the server's nextRefreshSeconds, 21 s) for the session to outlive its first
// token.

const PROJECT_ID = "P2LocalDescopeCompatible0000";

/** Opens a page that is not the app (its session logic would share the SDK's storage keys) and
 * loads the SDK into it: cross-origin in body mode, same-origin in cookie mode. */
async function sdkPage(page: Page, descopeOrigin: string) {
  const origin = delivery() === "body" ? descopeOrigin.replace("127.0.0.1", "localhost") : descopeOrigin;
  await withoutFavicon(page);
  await page.goto(`${origin}/healthz`);
  await page.addScriptTag({ path: path.join(__dirname, "../node_modules/@descope/web-js-sdk/dist/index.umd.js") });
}

// This page stands in for another app that loads the SDK itself, so the app's own CSP (which
// allows neither that script nor a second Descope origin) is not in force here.
test.use({ bypassCSP: true });

test("web-js-sdk with persistTokens and autoRefresh keeps a session alive", async ({ page, consoleErrors }) => {
  test.setTimeout(120_000);
  const descopeOrigin = new URL(test.info().project.use.baseURL ?? "http://127.0.0.1:3000").origin;
  await sdkPage(page, descopeOrigin);
  const first = await page.evaluate(async ({ projectId, descopeOrigin }) => {
    const w = window as unknown as { sdk: any; Descope: any };
    w.sdk = w.Descope({ projectId, baseUrl: `${descopeOrigin}/descope`, persistTokens: true, autoRefresh: true });
    const email = `webjs-${Date.now()}@example.com`;
    const res = await w.sdk.password.signUp(email, "correct horse battery", { name: "Web JS" });
    if (!res.ok) throw new Error(JSON.stringify(res.error));
    return { session: localStorage.getItem("DS"), refresh: localStorage.getItem("DSR"), exp: res.data.sessionExpiration };
  }, { projectId: PROJECT_ID, descopeOrigin });
  expect(first.session).toBeTruthy();
  // Body mode stores the refresh token; cookie mode leaves it in the httpOnly cookie.
  expect(!!first.refresh).toBe(delivery() === "body");
  const firstRefresh = await refreshToken(page);
  expect(firstRefresh).toBeTruthy();

  // autoRefresh replaces the stored session token before it expires.
  await expect
    .poll(() => page.evaluate(() => localStorage.getItem("DS")), { timeout: 45_000, intervals: [500] })
    .not.toBe(first.session);

  // Past the first token's expiry, the session still opens the secret.
  await expect
    .poll(() => Date.now() / 1000, { timeout: 60_000, intervals: [1000] })
    .toBeGreaterThan(first.exp + 1);
  const secret = await page.evaluate(async () => {
    const w = window as unknown as { sdk: any };
    const token = w.sdk.getSessionToken();
    const res = await fetch("/get_secret_message", { headers: { Authorization: `Bearer ${token}` } });
    return { status: res.status, body: await res.json() };
  });
  expect(secret).toEqual({ status: 200, body: { secret_msg: "This is the secret message. Congrats!" } });

  const me = await page.evaluate(async () => (await (window as any).sdk.me()).data);
  expect(me.name).toBe("Web JS");

  if (delivery() === "cookies") {
    expect(await page.evaluate(() => localStorage.getItem("DSR")), "no refresh token ever reached storage").toBeNull();
  }
  await page.evaluate(async () => (window as any).sdk.logout());
  expect(await refreshToken(page)).toBeNull();
  const reuse = await page.request.post(`${descopeOrigin}/descope/v1/auth/refresh`, {
    headers: { Authorization: `Bearer ${PROJECT_ID}:${firstRefresh}` },
    data: {},
  });
  expect(reuse.status()).toBe(401);
  expect(consoleErrors).toEqual([]);
});

test("web-js-sdk reads and selects tenants, and its session survives every call", async ({ page, request, consoleErrors }) => {
  // scripts/test.sh gives the embedded server this management key.
  const managementKey = process.env.DESCOPE_LOCAL_MANAGEMENT_KEY;
  expect(managementKey, "DESCOPE_LOCAL_MANAGEMENT_KEY is set for the end-to-end run").toBeTruthy();
  const descopeOrigin = new URL(test.info().project.use.baseURL ?? "http://127.0.0.1:3000").origin;
  const mgmt = { Authorization: `Bearer ${PROJECT_ID}:${managementKey}` };
  const email = `webjs-tenant-${Date.now()}@example.com`;
  const tenantId = `T${Date.now()}`;

  await sdkPage(page, descopeOrigin);
  await page.evaluate(async ({ projectId, descopeOrigin, email }) => {
    const w = window as unknown as { sdk: any; Descope: any };
    w.sdk = w.Descope({ projectId, baseUrl: `${descopeOrigin}/descope`, persistTokens: true, autoRefresh: true });
    const res = await w.sdk.password.signUp(email, "correct horse battery", { name: "Web Tenant" });
    if (!res.ok) throw new Error(JSON.stringify(res.error));
  }, { projectId: PROJECT_ID, descopeOrigin, email });

  for (const [route, data] of [
    ["tenant/create", { id: tenantId, name: `Web tenant ${tenantId}` }],
    ["user/update/tenant/add", { loginId: email, tenantId }],
  ] as const) {
    const answer = await request.post(`${descopeOrigin}/descope/v1/mgmt/${route}`, { headers: mgmt, data });
    expect(answer.status(), await answer.text()).toBe(200);
  }

  const seen = await page.evaluate(async (tenantId) => {
    const sdk = (window as any).sdk;
    const claims = (jwt: string) => JSON.parse(atob(jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")));
    const listed = await sdk.myTenants([tenantId]);
    const selected = await sdk.selectTenant(tenantId);
    const current = await sdk.myTenants(true);
    const history = await sdk.history();
    const me = await sdk.me();
    return {
      listed: listed.ok && listed.data.tenants.map((t: any) => t.id),
      selected: selected.ok && claims(selected.data.sessionJwt).dct,
      stored: claims(localStorage.getItem("DS") ?? "").dct,
      current: current.ok && current.data.tenants.map((t: any) => t.name),
      history: history.ok && history.data.length,
      me: me.ok && me.data.userTenants.map((t: any) => t.tenantId),
    };
  }, tenantId);
  expect(seen).toMatchObject({
    listed: [tenantId],
    selected: tenantId,
    stored: tenantId,
    current: [`Web tenant ${tenantId}`],
    history: 1,
    me: [tenantId],
  });
  expect(await refreshToken(page), "the session is kept").toBeTruthy();
  expect(consoleErrors).toEqual([]);
});
