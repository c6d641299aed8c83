import { test, expect, expectHydrated } from "./fixtures";

test("the app hydrates under its CSP and injected inline scripts are blocked", async ({ page, consoleErrors }) => {
  // Stand in for a stored-XSS flaw: the server's own page, with an attacker's inline script and
  // inline event handler added to the HTML, served with the page's real headers (and CSP).
  await page.route("**/login", async (route) => {
    const original = await route.fetch();
    const html = (await original.text()).replace(
      "</body>",
      '<script>window.__injected = "script"</script><img src="data:," onload="window.__injected = \'handler\'"></body>',
    );
    await route.fulfill({ response: original, body: html });
  });
  await page.addInitScript(() => {
    (window as any).__violations = [];
    document.addEventListener("securitypolicyviolation", (e) =>
      (window as any).__violations.push(e.violatedDirective),
    );
  });

  const response = await page.goto("/login");
  expect(response?.headers()["content-security-policy"]).toContain("'nonce-");
  await expectHydrated(page);
  // The app itself works under the policy: the tabs respond.
  await page.getByRole("tab", { name: "Sign up" }).click();
  await expect(page.getByLabel("Name", { exact: true })).toBeVisible();

  // Both injections were refused, and they are the only violations.
  await expect.poll(() => page.evaluate(() => (window as any).__violations.length)).toBe(2);
  expect(await page.evaluate(() => (window as any).__injected)).toBeUndefined();
  expect(consoleErrors).toHaveLength(2);
  expect(consoleErrors.every((e) => e.includes("Content Security Policy"))).toBe(true);
  consoleErrors.length = 0;
});
