import { test as base, expect, type Page } from "@playwright/test";

/**
 * A `page` that records console errors and uncaught exceptions, and fails the test if any
 * appeared: a hydration mismatch or a WASM panic shows up there first. The one message not
 * counted is Chromium's report of the document's own error status (a 404 page), which the
 * tests assert directly.
 */
export const test = base.extend<{ consoleErrors: string[] }>({
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on("console", (msg) => {
      if (msg.type() !== "error") return;
      const documentStatus =
        msg.text().startsWith("Failed to load resource") && msg.location().url === page.url();
      if (!documentStatus) errors.push(msg.text());
    });
    page.on("pageerror", (err) => errors.push(err.message));
    await use(errors);
    expect(errors, "console errors").toEqual([]);
  },
});

/** Waits until the WASM has hydrated the page (the app sets this attribute in an effect). */
export async function expectHydrated(page: Page) {
  await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
}

/** The password every journey signs up with. */
export const PASSWORD = "correct horse battery";

/** Signs up through the login page's form, with the password every journey uses, and waits
 * for the profile. */
export async function signUp(page: Page, name: string, email: string) {
  await page.goto("/login");
  await expectHydrated(page);
  await page.getByRole("tab", { name: "Sign up" }).click();
  await page.getByLabel("Name", { exact: true }).fill(name);
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await page.getByRole("button", { name: "Sign up", exact: true }).and(page.locator("[type=submit]")).click();
  await expect(page).toHaveURL(/\/profile$/);
}

/** Fills the login page's password form and submits it. */
export async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email", { exact: true }).fill(email);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.locator("[type=submit]").click();
}

/** How this Playwright project's server delivers refresh tokens (see playwright.config.ts). */
export function delivery(): "cookies" | "body" {
  return test.info().project.name === "body" ? "body" : "cookies";
}

/**
 * The session's refresh token, wherever it is: the httpOnly `DSR` cookie in cookie mode (the
 * browser context sees what page script cannot), localStorage `DSR` in body mode.
 */
export async function refreshToken(page: Page): Promise<string | null> {
  if (delivery() === "cookies") {
    const cookie = (await page.context().cookies()).find((c) => c.name === "DSR");
    return cookie?.value ?? null;
  }
  return page.evaluate(() => localStorage.getItem("DSR"));
}

/** Answers the browser's icon request on pages without one (JSON, the inbox), which would
 * otherwise log a 404. */
export async function withoutFavicon(page: Page) {
  await page.route("**/favicon.ico", (route) => route.fulfill({ status: 204 }));
}

export { expect };
