import { test, expect, expectHydrated, refreshToken, signUp } from "./fixtures";
import type { APIRequestContext, Page } from "@playwright/test";

// The session keeper against an identity service that fails, driven by the local server's
// development controls (README: "Tests can move the local server's clock", faults): injected
// 503s, a dropped network, a tab hidden past its session's expiry, a user away for longer than
// the refresh token lives, and a key endpoint that is down. Sessions last 30 s here
// (DESCOPE_LOCAL_SESSION_TTL), and the keeper refreshes them 20 s before they expire.

const SECRET = "This is the secret message. Congrats!";

function uniqueEmail(label: string) {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Arms a fault on the server (`POST /descope/_dev/faults`). */
async function fault(request: APIRequestContext, body: object) {
  const armed = await request.post("/descope/_dev/faults", { data: body });
  expect(armed.ok(), await armed.text()).toBe(true);
}

/** Faults still waiting on the server. */
async function waitingFaults(request: APIRequestContext): Promise<unknown[]> {
  return (await (await request.get("/descope/_dev/faults")).json()).faults;
}

/** A test leaves the server as it found it: no fault waiting, the clock on real time. */
test.afterEach(async ({ request }) => {
  expect((await request.delete("/descope/_dev/faults")).ok()).toBe(true);
  expect((await request.post("/descope/_dev/clock", { data: { reset: true } })).ok()).toBe(true);
});

/** Shows or hides the page as a browser does when its tab is switched away or back. */
async function setHidden(page: Page, hidden: boolean) {
  await page.evaluate((hidden) => {
    Object.defineProperty(document, "hidden", { configurable: true, get: () => hidden });
    Object.defineProperty(document, "visibilityState", {
      configurable: true,
      get: () => (hidden ? "hidden" : "visible"),
    });
    document.dispatchEvent(new Event("visibilitychange"));
  }, hidden);
}

test("refresh answered 503 three times: the session survives by back-off", async ({ page, request, consoleErrors }) => {
  test.setTimeout(90_000);
  await signUp(page, "Barbara Liskov", uniqueEmail("unavailable"));
  const first = await refreshToken(page);
  await fault(request, { target: "refresh", status: 503, times: 3 });
  // Due 10 s in and refused, refused again after 2 and 4 s of back-off; the fourth try, 8 s
  // later, succeeds before the session expires at 30 s.
  await expect.poll(() => refreshToken(page), { timeout: 60_000, intervals: [500] }).not.toBe(first);
  expect(await waitingFaults(request), "all three failures were met").toEqual([]);
  await page.reload();
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
  // Chromium reports each 503 itself; nothing else may appear.
  expect(consoleErrors.filter((e) => !e.includes("503"))).toEqual([]);
  consoleErrors.length = 0;
});

test("the network drops during a refresh: the session recovers when it returns", async ({ page, consoleErrors }) => {
  test.setTimeout(90_000);
  await signUp(page, "Radia Perlman", uniqueEmail("offline"));
  const first = await refreshToken(page);
  let dropped = 0;
  await page.route("**/descope/v1/auth/refresh", (route) =>
    dropped++ < 2 ? route.abort("internetdisconnected") : route.fallback(),
  );
  await expect.poll(() => refreshToken(page), { timeout: 60_000, intervals: [500] }).not.toBe(first);
  expect(dropped).toBeGreaterThanOrEqual(3);
  await page.reload();
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
  expect(consoleErrors.filter((e) => !e.includes("ERR_INTERNET_DISCONNECTED"))).toEqual([]);
  consoleErrors.length = 0;
});

test("a tab hidden past its session's expiry refreshes when it is shown again", async ({ page }) => {
  test.setTimeout(90_000);
  await signUp(page, "Frances Allen", uniqueEmail("hidden"));
  const first = await refreshToken(page);
  await setHidden(page, true);
  // Past the refresh's due time (10 s) and the session's expiry (30 s): a hidden tab waits.
  await page.waitForTimeout(32_000);
  expect(await refreshToken(page), "no refresh while hidden").toBe(first);
  await setHidden(page, false);
  await expect.poll(() => refreshToken(page), { timeout: 10_000, intervals: [250] }).not.toBe(first);
  await page.getByRole("button", { name: "Ask the server again" }).click();
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
});

test("away longer than the refresh token lives (clock moved 29 days): back to login with next", async ({
  page,
  request,
  consoleErrors,
}) => {
  await signUp(page, "Grace Hopper", uniqueEmail("away"));
  const moved = await request.post("/descope/_dev/clock", { data: { advanceSeconds: 29 * 24 * 3600 } });
  expect(moved.ok()).toBe(true);
  const refused = page.waitForResponse(
    (r) => r.url().includes("/descope/v1/auth/refresh") && r.status() === 401,
    { timeout: 30_000 },
  );
  await page.reload();
  await expect(page).toHaveURL(/\/login\?next=\/profile$/);
  await expectHydrated(page);
  // The refresh due 10 s after sign-in finds the refresh token expired, and the session ends.
  await refused;
  await expect.poll(() => page.evaluate(() => localStorage.getItem("DS"))).toBeNull();
  await expect(page).toHaveURL(/\/login\?next=\/profile$/);
  await expect(page.locator("[type=submit]")).toHaveText("Sign in");
  // Chromium reports the 401 itself; nothing else may appear.
  expect(consoleErrors.filter((e) => !e.includes("401"))).toEqual([]);
  consoleErrors.length = 0;
});

test("the key endpoint fails: the app keeps validating sessions with the keys it holds", async ({ page, request }) => {
  await signUp(page, "Jean Sammet", uniqueEmail("keys"));
  await fault(request, { target: "keys", status: 503, times: 1 });
  // A token signed with a key the app does not hold makes it fetch the key set, which fails
  // (the app fetches for an unknown key at most once per 30 s: asked until it does).
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const unknownKey = [
    b64({ alg: "RS256", typ: "JWT", kid: "a-key-the-app-never-saw" }),
    b64({ sub: "U1", drn: "DS", iss: "P2LocalDescopeCompatible0000", iat: now, exp: now + 60 }),
    "A".repeat(342), // the length of an RSA-2048 signature
  ].join(".");
  await expect
    .poll(
      async () => {
        await request.get("/get_secret_message", { headers: { authorization: `Bearer ${unknownKey}` } });
        return (await waitingFaults(request)).length;
      },
      { timeout: 40_000, intervals: [1_000] },
    )
    .toBe(0);
  // The session still validates, on the key set the app fetched before.
  await page.reload();
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
  await page.getByRole("button", { name: "Ask the server again" }).click();
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
});
