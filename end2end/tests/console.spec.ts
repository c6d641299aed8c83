import { test, expect, expectHydrated, signIn, PASSWORD } from "./fixtures";

// The local server's console (`/descope/console`, README: "The console"), driven as a developer
// drives it: with the keyboard, beside a tab of the app. Sessions last 30 s here
// (DESCOPE_LOCAL_SESSION_TTL), and the app's session keeper refreshes 20 s before expiry.

const SECRET = "This is the secret message. Congrats!";

function uniqueEmail(label: string) {
  return `${label}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
}

test("create a user in the console, sign in as them in another tab, revoke that session: the tab returns to login at its next refresh", async ({
  page,
  context,
  consoleErrors,
}) => {
  test.setTimeout(90_000);
  const email = uniqueEmail("console");
  await page.goto("/descope/console");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Console");

  // The create form, by keyboard alone: type, Tab to the next field, Enter on the button.
  await page.getByLabel("Login ID (an email)").focus();
  await page.keyboard.type(email);
  await page.keyboard.press("Tab");
  await page.keyboard.type("Katherine Johnson");
  await page.keyboard.press("Tab");
  await page.keyboard.type(PASSWORD);
  await page.keyboard.press("Tab");
  await expect(page.getByLabel(/Test user/)).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Create user" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("done")).toHaveText("User created.");
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Katherine Johnson");
  await expect(page.getByTestId("sessions")).toHaveCount(0);

  // Another tab of the same browser signs in as them and opens the secret.
  const tab = await context.newPage();
  const tabErrors: string[] = [];
  tab.on("console", (msg) => msg.type() === "error" && tabErrors.push(msg.text()));
  tab.on("pageerror", (err) => tabErrors.push(err.message));
  await tab.goto("/login");
  await expectHydrated(tab);
  await signIn(tab, email, PASSWORD);
  await expect(tab).toHaveURL(/\/profile$/);
  await expect(tab.getByTestId("secret")).toHaveText(SECRET);

  // The console lists that session; revoking it is one keypress on its button.
  await page.reload();
  const live = page.getByTestId("sessions").locator('tr[data-state="live"]');
  await expect(live).toHaveCount(1);
  await live.getByRole("button", { name: "Revoke" }).press("Enter");
  await expect(page.getByTestId("done")).toHaveText("Session revoked: its refresh token is refused from now on.");
  await expect(page.getByTestId("sessions").locator('tr[data-state="revoked"]')).toHaveCount(1);
  await expect(page.getByTestId("sessions").locator('tr[data-state="live"]')).toHaveCount(0);

  // The tab's next refresh is refused, and it leaves for the login page.
  await tab.waitForResponse((r) => r.url().includes("/descope/v1/auth/refresh") && r.status() === 401, {
    timeout: 30_000,
  });
  await expect(tab).toHaveURL(/\/login\?next=\/profile$/);
  await expect(tab.locator("[type=submit]")).toHaveText("Sign in");
  // Chromium reports the refused refresh itself; nothing else may appear.
  expect(tabErrors.filter((e) => !e.includes("401"))).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

test("the console shows the inbox, the keys, the settings in force and an injected fault", async ({ page, request }) => {
  const email = uniqueEmail("console-inbox");
  const sent = await request.post("/descope/v1/auth/otp/signup-in/email", {
    headers: { authorization: "Bearer P2LocalDescopeCompatible0000" },
    data: { loginId: email },
  });
  expect(sent.ok(), await sent.text()).toBe(true);
  const armed = await request.post("/descope/_dev/faults", { data: { target: "me", status: 500, times: 3 } });
  expect(armed.ok()).toBe(true);
  try {
    await page.goto("/descope/console#inbox");
    await expect(page.getByTestId("inbox").getByRole("row").filter({ hasText: email })).toContainText(/\d{6}/);
    await expect(page.getByTestId("keys").getByRole("row").filter({ hasText: "current, published" })).toHaveCount(1);
    await expect(page.locator('.settings dt:has-text("DESCOPE_LOCAL_SESSION_TTL") + dd')).toHaveText("30 s");
    await expect(page.getByTestId("faults")).toHaveText("me: answer 500 for the next 3 request(s)");
    await page.getByRole("button", { name: "Clear faults" }).click();
    await expect(page.getByTestId("done")).toHaveText("Faults cleared.");
    await expect(page.getByTestId("faults")).toHaveCount(0);
  } finally {
    expect((await request.delete("/descope/_dev/faults")).ok()).toBe(true);
  }
});
