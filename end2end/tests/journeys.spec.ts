import { test, expect, delivery, expectHydrated, PASSWORD, refreshToken, signIn, signUp } from "./fixtures";
import type { Page } from "@playwright/test";

// The whole journey through the UI against the embedded local Descope server.
// The end-to-end server runs with 30 s session tokens (scripts/test.sh).

const PROJECT_ID = "P2LocalDescopeCompatible0000";
const SECRET = "This is the secret message. Congrats!";

function uniqueEmail(label: string) {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

/** Logs out from the profile page and waits for the login page. */
async function logOut(page: Page) {
  await page.locator("section.profile").getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

async function expectProfile(page: Page, name: string, email: string) {
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Profile");
  await expect(page.getByTestId("name")).toHaveText(name);
  await expect(page.getByTestId("email")).toHaveText(email);
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
}

test("sign up shows the profile with name, email and the secret", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("signup");
  await signUp(page, "Ada Lovelace", email);
  await expectProfile(page, "Ada Lovelace", email);
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("button", { name: "Log out" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Log in" })).toHaveCount(0);
  // The session token is in storage; the refresh token only in body mode.
  expect(await page.evaluate(() => [!!localStorage.getItem("DS"), !!localStorage.getItem("DSR")])).toEqual([
    true,
    delivery() === "body",
  ]);
  expect(consoleErrors).toEqual([]);
});

test("a reload keeps the session and the first HTML already shows the profile", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("reload");
  await signUp(page, "Grace Hopper", email);
  await expectProfile(page, "Grace Hopper", email);

  const response = await page.reload();
  expect(response?.status()).toBe(200);
  const html = await response!.text();
  expect(html).toContain("<h1>Profile</h1>");
  expect(html).toContain("Log out");
  expect(html).not.toContain(">Log in<");
  // The finished page: details and secret in the HTML, no loading state to replace.
  for (const shown of ["Grace Hopper", email, SECRET]) expect(html).toContain(shown);
  expect(html).not.toContain("Loading your details");
  await expectHydrated(page);
  await expectProfile(page, "Grace Hopper", email);
  expect(consoleErrors).toEqual([]);
});

test("sign out: Back does not reveal the profile and the old refresh token is dead", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("logout");
  await signUp(page, "Alan Turing", email);
  await expectProfile(page, "Alan Turing", email);
  const refresh = await refreshToken(page);

  await logOut(page);
  expect(await refreshToken(page)).toBeNull();
  expect(await page.evaluate(() => document.cookie)).not.toContain("DS=");

  await page.goBack();
  await expect(page).toHaveURL(/\/login/);
  await expect(page.getByTestId("secret")).toHaveCount(0);

  const reuse = await page.request.post("/descope/v1/auth/refresh", {
    headers: { Authorization: `Bearer ${PROJECT_ID}:${refresh}` },
    data: {},
  });
  expect(reuse.status()).toBe(401);
  expect(consoleErrors).toEqual([]);
});

test("a sign-out that cannot reach Descope says so, and Try again ends the session there", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("offline");
  await signUp(page, "Hedy Lamarr", email);
  await expectProfile(page, "Hedy Lamarr", email);
  const refresh = await refreshToken(page);
  await page.route("**/descope/v1/auth/logout", (route) => route.abort("internetdisconnected"));

  await logOut(page);
  const notice = page.getByTestId("unrevoked");
  await expect(notice).toContainText("could not reach the sign-in service");
  // Signed out here all the same; in cookie mode the cookie stays until Descope expires it.
  expect(await page.evaluate(() => localStorage.getItem("DS"))).toBeNull();
  if (delivery() === "body") expect(await refreshToken(page)).toBeNull();
  const me = () =>
    page.request.get("/descope/v1/auth/me", { headers: { Authorization: `Bearer ${PROJECT_ID}:${refresh}` } });
  expect((await me()).status(), "the refresh token outlives the failed sign-out").toBe(200);

  await page.unroute("**/descope/v1/auth/logout");
  await notice.getByRole("button", { name: "Try again" }).click();
  await expect(notice).toHaveCount(0);
  expect((await me()).status()).toBe(401);
  expect(await refreshToken(page)).toBeNull();
  // Chromium reports the aborted request itself; nothing else may appear.
  expect(consoleErrors.filter((e) => !e.includes("ERR_INTERNET_DISCONNECTED"))).toEqual([]);
  consoleErrors.length = 0;
});

test("a wrong password shows an error and stays on the login page", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("wrong");
  await signUp(page, "Barbara Liskov", email);
  await logOut(page);
  await expectHydrated(page);

  await signIn(page, email, "not the password");
  await expect(page.getByRole("alert")).toHaveText("Wrong email or password.");
  await expect(page).toHaveURL(/\/login/);
  // Chromium logs the 401 of the failed sign-in itself; nothing else may appear.
  expect(consoleErrors.filter((e) => !e.includes("401"))).toEqual([]);
  consoleErrors.length = 0;
});

test("sign up or in with a one-time code from the development inbox", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("otp");
  await page.goto("/login");
  await expectHydrated(page);
  await page.getByRole("tab", { name: "Email code" }).click();
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/We sent a 6-digit code to/)).toBeVisible();

  const inbox = await (await page.request.get(`/descope/inbox.json?to=${encodeURIComponent(email)}`)).json();
  const code: string = inbox.messages[0].code;
  expect(code).toMatch(/^\d{6}$/);
  await page.getByLabel("Code", { exact: true }).fill(code);
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByTestId("email")).toHaveText(email);
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
  expect(consoleErrors).toEqual([]);
});

test("sign up or in with a link from the development inbox, and go on to next", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("link");
  await page.goto("/login?next=/profile");
  await expectHydrated(page);
  await page.getByRole("tab", { name: "Email link" }).click();
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Send link" }).click();
  await expect(page.getByText(/We sent a sign-in link to/)).toBeVisible();

  const inbox = await (await page.request.get(`/descope/inbox.json?to=${encodeURIComponent(email)}`)).json();
  const link: string = inbox.messages[0].link;
  expect(new URL(link).pathname).toBe("/verify");
  await page.goto(link);
  await expect(page).toHaveURL(/\/profile$/);
  await expect(page.getByTestId("email")).toHaveText(email);
  await expect(page.getByTestId("secret")).toHaveText(SECRET);

  // The link is used up: opened again, it says so and leads back to sign-in.
  await logOut(page);
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "This link did not work" })).toBeVisible();
  await expect(page.getByRole("alert")).toContainText("expired");
  await expect(page.getByRole("link", { name: "Back to sign in" })).toHaveAttribute("href", "/login?next=/profile");
  expect(consoleErrors.filter((e) => !e.includes("401"))).toEqual([]);
  consoleErrors.length = 0;
});

test("an unauthenticated /profile redirects to login and returns after it", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("next");
  await signUp(page, "Edsger Dijkstra", email);
  await logOut(page);

  const response = await page.goto("/profile");
  expect(response?.url()).toMatch(/\/login\?next=\/profile$/);
  await expectHydrated(page);
  await signIn(page, email, PASSWORD);
  await expect(page).toHaveURL(/\/profile$/);
  await expectProfile(page, "Edsger Dijkstra", email);
  expect(consoleErrors).toEqual([]);
});

test("a next path with percent-encoded non-ASCII never breaks the login page", async ({ page, consoleErrors }) => {
  for (const next of ["/%C3%A9", "/%FF", "/%E2%80%AE", "%2F%2Fevil.test"]) {
    const response = await page.goto(`/login?next=${next}`);
    expect(response?.status(), next).toBe(200);
    await expectHydrated(page);
  }
  const email = uniqueEmail("nonascii");
  await signUp(page, "Ada Yonath", email);
  for (const next of ["/%C3%A9", "/%FF"]) {
    const response = await page.request.get(`/login?next=${next}`, { maxRedirects: 0 });
    expect(response.status(), next).toBe(303);
    expect(response.headers()["location"], next).toBe("/profile");
  }
  expect(consoleErrors).toEqual([]);
});

test("logging out in one tab logs the other out", async ({ page, context, consoleErrors }) => {
  const email = uniqueEmail("tabs");
  await signUp(page, "Margaret Hamilton", email);
  const other = await context.newPage();
  await other.goto("/profile");
  await expectHydrated(other);
  await expect(other.getByTestId("secret")).toHaveText(SECRET);

  await page.locator("section.profile").getByRole("button", { name: "Log out" }).click();
  await expect(other).toHaveURL(/\/login/);
  expect(await other.evaluate(() => localStorage.getItem("DS"))).toBeNull();
  expect(consoleErrors).toEqual([]);
});

test("three tabs at expiry refresh once per rotation and nobody is logged out", async ({ page, context, consoleErrors }) => {
  test.setTimeout(120_000);
  const email = uniqueEmail("three");
  await signUp(page, "Katherine Johnson", email);
  const tabs = [page, await context.newPage(), await context.newPage()];
  for (const tab of tabs.slice(1)) {
    await tab.goto("/profile");
    await expectHydrated(tab);
  }
  const refreshes: string[] = [];
  for (const tab of tabs) {
    tab.on("request", (r) => {
      if (r.url().endsWith("/descope/v1/auth/refresh")) refreshes.push(r.url());
    });
  }
  const first = await refreshToken(page);

  // All three tabs' timers fire around the same moment; the Web Lock lets one refresh.
  await expect
    .poll(() => refreshToken(page), { timeout: 45_000, intervals: [500] })
    .not.toBe(first);
  // Give the other tabs' timers (due at the same instant) time to run and adopt.
  await expect.poll(() => refreshes.length, { timeout: 5_000 }).toBe(1);
  await page.waitForTimeout(3_000); // a window in which a duplicate refresh would show up
  expect(refreshes).toHaveLength(1);

  for (const tab of tabs) {
    await tab.reload();
    await expect(tab.getByTestId("secret")).toHaveText(SECRET);
  }
  expect(consoleErrors).toEqual([]);
});

test("a refresh answered 429 keeps the session, which refreshes after the back-off", async ({ page, consoleErrors }) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("limited");
  await signUp(page, "Radia Perlman", email);
  const first = await refreshToken(page);
  let limited = 0;
  await page.route("**/descope/v1/auth/refresh", async (route) => {
    if (limited++ > 0) return route.fallback();
    await route.fulfill({
      status: 429,
      headers: { "retry-after": "2", "access-control-expose-headers": "Retry-After" },
      json: { errorCode: "E130429", errorDescription: "Rate limit exceeded", errorMessage: "rate limited" },
    });
  });
  // The 30 s session is refreshed 10 s in; the first attempt is refused, the retry goes through.
  await expect
    .poll(() => refreshToken(page), { timeout: 45_000, intervals: [500] })
    .not.toBe(first);
  expect(limited).toBeGreaterThanOrEqual(2);
  await page.reload();
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
  // Chromium reports the 429 itself; nothing else may appear.
  expect(consoleErrors.filter((e) => !e.includes("429"))).toEqual([]);
  consoleErrors.length = 0;
});

test("a browser clock an hour ahead still refreshes once per session lifetime", async ({ page, context, consoleErrors }) => {
  test.setTimeout(90_000);
  await context.clock.install({ time: Date.now() + 3_600_000 });
  const email = uniqueEmail("skew");
  await signUp(page, "Leslie Lamport", email);
  const refreshes: string[] = [];
  page.on("request", (r) => {
    if (r.url().endsWith("/descope/v1/auth/refresh")) refreshes.push(r.url());
  });
  // A 30 s session refreshes 10 s after it arrives, by the token's own lifetime: in 15 s,
  // once. Judged by the token's `exp` against the skewed clock, it would look expired and
  // refresh without end.
  await page.waitForTimeout(15_000);
  expect(refreshes.length).toBeGreaterThanOrEqual(1);
  expect(refreshes.length).toBeLessThanOrEqual(2);
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
  expect(consoleErrors).toEqual([]);
});

test("the profile still loads the secret after 90 s without a new login", async ({ page, consoleErrors }) => {
  test.setTimeout(150_000);
  const email = uniqueEmail("long");
  await signUp(page, "Frances Allen", email);
  const started = Date.now();
  await expect.poll(() => Date.now() - started, { timeout: 100_000, intervals: [5_000] }).toBeGreaterThan(90_000);
  await page.goto("/profile");
  await expectProfile(page, "Frances Allen", email);
  // The server function takes the session token the page has kept fresh.
  const asked = page.waitForResponse((r) => r.url().endsWith("/api/secret"));
  await page.getByRole("button", { name: "Ask the server again" }).click();
  expect((await asked).status()).toBe(200);
  await expect(page.getByTestId("secret")).toHaveText(SECRET);
  expect(consoleErrors).toEqual([]);
});

test("a forgotten password is reset through a link from the inbox", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("reset");
  await signUp(page, "Barbara Liskov", email);
  await logOut(page);

  await page.goto("/login?next=/profile");
  await expectHydrated(page);
  await page.getByRole("button", { name: "Forgot password?" }).click();
  await expect(page.getByLabel("Password")).toHaveCount(0);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByRole("button", { name: "Email me a reset link" }).click();
  await expect(page.getByText(/we sent it a link to choose a new password/)).toBeVisible();

  const inbox = await (await page.request.get(`/descope/inbox.json?to=${encodeURIComponent(email)}`)).json();
  const link: string = inbox.messages[0].link;
  expect(new URL(link).pathname).toBe("/reset-password");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password").fill("a brand new password");
  await page.getByRole("button", { name: "Save password" }).click();
  await expect(page).toHaveURL(/\/profile$/);
  await expectProfile(page, "Barbara Liskov", email);

  await logOut(page);
  await page.goto("/login");
  await expectHydrated(page);
  await signIn(page, email, "a brand new password");
  await expect(page).toHaveURL(/\/profile$/);
  expect(consoleErrors).toEqual([]);
});

test("the email is changed on the profile with a code sent to the new address", async ({ page, consoleErrors }) => {
  const email = uniqueEmail("move");
  const moved = uniqueEmail("moved");
  await signUp(page, "Radia Perlman", email);
  await expectProfile(page, "Radia Perlman", email);

  const before = await refreshToken(page);
  await page.getByRole("button", { name: "Change email" }).click();
  await page.getByLabel("New email").fill(moved);
  await page.getByRole("button", { name: "Send code" }).click();
  await expect(page.getByText(/We sent a 6-digit code to/)).toBeVisible();
  const inbox = await (await page.request.get(`/descope/inbox.json?to=${encodeURIComponent(moved)}`)).json();
  const code: string = inbox.messages[0].code;
  await page.getByLabel("Code").fill(code === "000000" ? "111111" : "000000");
  await page.getByRole("button", { name: "Confirm new email" }).click();
  await expect(page.getByRole("alert")).toContainText("That code is not right");
  // Chromium logs the 401 of the wrong code itself; nothing else may appear.
  expect(consoleErrors.filter((e) => !e.includes("401"))).toEqual([]);
  consoleErrors.length = 0;
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Confirm new email" }).click();
  await expect(page.getByTestId("email-changed")).toHaveText(`Your email is now ${moved}.`);
  await expect(page.getByTestId("email")).toHaveText(moved);
  // The tab holds the new session. In body mode the one it replaced was revoked; in cookie
  // mode the new session's cookie took its place, out of every script's reach.
  const replaced = await page.request.post("/descope/v1/auth/refresh", {
    headers: { Authorization: `Bearer ${PROJECT_ID}:${before}` },
  });
  if (delivery() === "body") expect(replaced.status()).toBe(401);
  expect(await refreshToken(page)).not.toBe(before);

  // The new address signs in, with the same password.
  await logOut(page);
  await page.goto("/login");
  await expectHydrated(page);
  await signIn(page, moved, PASSWORD);
  await expect(page).toHaveURL(/\/profile$/);
  await expectProfile(page, "Radia Perlman", moved);
  expect(consoleErrors).toEqual([]);
});

test.describe("with JavaScript disabled", () => {
  test.use({ javaScriptEnabled: false });

  test("the first HTML of /profile holds the name, the email and the secret", async ({ page, context, baseURL }) => {
    const email = uniqueEmail("nojs");
    // Signed up through Descope's API: without script the login form cannot run.
    const signUp = await page.request.post("/descope/v1/auth/password/signup", {
      headers: { Authorization: `Bearer ${PROJECT_ID}` },
      data: { loginId: email, password: PASSWORD, user: { name: "Mary Jackson", email } },
    });
    expect(signUp.status()).toBe(200);
    const { sessionJwt } = await signUp.json();
    await context.addCookies([{ name: "DS", value: sessionJwt, url: baseURL! }]);

    const response = await page.goto("/profile");
    expect(response?.status()).toBe(200);
    const html = await response!.text();
    for (const shown of ["Mary Jackson", email, SECRET]) expect(html).toContain(shown);
    expect(html).not.toContain("Loading your details");
    await expect(page.getByTestId("name")).toHaveText("Mary Jackson");
    await expect(page.getByTestId("email")).toHaveText(email);
    await expect(page.getByTestId("secret")).toHaveText(SECRET);
  });
});
