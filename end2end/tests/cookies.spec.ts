import { test, expect, delivery, expectHydrated, refreshToken, signUp, withoutFavicon } from "./fixtures";

// Cookie mode, the embedded default: the refresh token lives in an httpOnly cookie scoped to
// the identity server's paths (/descope), so no script on the page can obtain it, whatever it
// tries. Only the cookies project runs this file (playwright.config.ts); the journeys of
// journeys.spec.ts run in both modes.

const PROJECT_ID = "P2LocalDescopeCompatible0000";


/** Everything a script on the page can read: both storages, the cookies it sees, IndexedDB
 * and Cache Storage names, and what a call to the identity server shows it (the body and the
 * headers script may read). */
async function whatScriptSees(page: import("@playwright/test").Page, projectId: string) {
  return page.evaluate(async (projectId) => {
    const seen: string[] = [document.cookie];
    for (const storage of [localStorage, sessionStorage]) {
      for (let i = 0; i < storage.length; i++) {
        const key = storage.key(i) ?? "";
        seen.push(key, storage.getItem(key) ?? "");
      }
    }
    for (const db of (await indexedDB.databases?.()) ?? []) seen.push(db.name ?? "");
    if ("caches" in window) seen.push(...(await caches.keys()));
    const answer = await fetch("/descope/v1/auth/me", { headers: { Authorization: `Bearer ${projectId}` } });
    seen.push(await answer.text());
    answer.headers.forEach((value, name) => seen.push(`${name}: ${value}`));
    return seen.join("\n");
  }, projectId);
}

test("no script on the page can obtain the refresh token, and sign-out kills it", async ({ page, consoleErrors }) => {
  expect(delivery()).toBe("cookies");
  const email = `cookie-${Date.now()}@example.com`;
  await signUp(page, "Ida Rhodes", email);
  await expect(page.getByTestId("secret")).toBeVisible();

  // The browser holds it as an httpOnly, SameSite=Strict cookie for the identity server only.
  const refresh = await refreshToken(page);
  expect(refresh).toMatch(/^eyJ/);
  const cookie = (await page.context().cookies()).find((c) => c.name === "DSR");
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/descope", domain: "127.0.0.1" });
  expect(await page.evaluate(() => localStorage.getItem("DSR"))).toBeNull();

  // A script injected into the app's page (standing in for an XSS payload) finds nothing, and
  // neither does one on a page under the cookie's own path.
  const onProfile = await whatScriptSees(page, PROJECT_ID);
  expect(onProfile).toContain(email); // the call went through with the cookie...
  expect(onProfile).not.toContain(refresh!); // ...and nothing showed the token
  expect(onProfile).not.toContain("DSR=");
  await withoutFavicon(page);
  await page.goto("/descope/inbox");
  expect(await page.evaluate(() => document.cookie)).not.toContain(refresh!);

  await page.goto("/profile");
  await expectHydrated(page);
  await page.locator("section.profile").getByRole("button", { name: "Log out" }).click();
  await expect(page).toHaveURL(/\/login/);
  expect(await refreshToken(page), "sign-out clears the cookie").toBeNull();
  const reuse = await page.request.post("/descope/v1/auth/refresh", {
    headers: { Authorization: `Bearer ${PROJECT_ID}:${refresh}` },
    data: {},
  });
  expect(reuse.status(), "the server refuses the old refresh token").toBe(401);
  expect(consoleErrors).toEqual([]);
});

test("a refresh cookie planted from another port signs the owner out, never into that account", async ({ page, context, playwright, consoleErrors }) => {
  expect(delivery()).toBe("cookies");
  test.setTimeout(90_000);
  // Mallory's refresh token, from a client of her own.
  const mallory = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const answer = await mallory.post("/descope/v1/auth/password/signup", {
    headers: { Authorization: `Bearer ${PROJECT_ID}` },
    data: { loginId: `mallory-${Date.now()}@example.com`, password: "correct horse battery" },
  });
  expect(answer.status()).toBe(200);
  const planted = (await mallory.storageState()).cookies.find((c) => c.name === "DSR")!.value;
  await mallory.dispose();

  const email = `planted-${Date.now()}@example.com`;
  await signUp(page, "Ada Lovelace", email);
  await expect(page.getByTestId("email")).toHaveText(email);

  // What a page on another port of 127.0.0.1 can do: a cookie the browser sends first.
  await context.addCookies([
    { name: "DSR", value: planted, domain: "127.0.0.1", path: "/descope/v1/auth", sameSite: "Strict" },
  ]);
  // At the next refresh (10 s into a 30 s session) Ada is signed out, not made Mallory.
  await expect(page).toHaveURL(/\/login/, { timeout: 45_000 });
  expect((await context.cookies()).filter((c) => c.name === "DSR"), "every refresh cookie expired").toEqual([]);
  await page.goto("/profile");
  await expect(page).toHaveURL(/\/login/);
  // Chromium logs the refused refresh itself; nothing else may appear.
  expect(consoleErrors.filter((e) => !e.includes("401"))).toEqual([]);
  consoleErrors.length = 0;
});
