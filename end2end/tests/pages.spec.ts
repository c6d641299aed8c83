import { test, expect, expectHydrated } from "./fixtures";

const pages = [
  { path: "/", status: 200, heading: "Descope authentication for full-stack Rust" },
  { path: "/login", status: 200, heading: "Welcome" },
  // Without a session, the server redirects to the login page.
  { path: "/profile", status: 200, heading: "Welcome" },
  { path: "/no/such/page", status: 404, heading: "Page not found" },
];

for (const { path, status, heading } of pages) {
  test(`${path} renders on the server and hydrates without console errors`, async ({
    page,
    consoleErrors,
  }) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(status);
    // The heading is in the server's HTML, before any WASM runs.
    expect(await response?.text()).toContain(heading);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText(heading);
    await expectHydrated(page);
    expect(consoleErrors).toEqual([]);
  });
}

test("the login tabs respond once hydrated", async ({ page, consoleErrors }) => {
  await page.goto("/login");
  await expectHydrated(page);
  await expect(page.getByLabel("Name", { exact: true })).toHaveCount(0);

  await page.getByRole("tab", { name: "Sign up" }).click();
  await expect(page.getByRole("tab", { name: "Sign up" })).toHaveAttribute("aria-selected", "true");
  await expect(page.getByLabel("Name", { exact: true })).toBeVisible();
  await expect(page.getByLabel("Password", { exact: true })).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign up", exact: true }).last()).toBeVisible();

  await page.getByRole("tab", { name: "Email code" }).click();
  await expect(page.getByLabel("Password", { exact: true })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Send code" })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test("navigation links load the next page from the server", async ({ page, consoleErrors }) => {
  await page.goto("/");
  await expectHydrated(page);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Log in" }).click();
  await expect(page).toHaveURL(/\/login$/);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Welcome");
  // The new page's own islands are live.
  await expectHydrated(page);
  await page.getByRole("tab", { name: "Sign up" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test("the health check answers JSON", async ({ request }) => {
  const response = await request.get("/healthz");
  expect(response.status()).toBe(200);
  expect(await response.json()).toMatchObject({ status: "ok" });
});
