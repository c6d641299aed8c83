import { test, expect, type Browser } from "@playwright/test";
import { writeFileSync } from "node:fs";
import { signIn } from "../tests/fixtures";

// Timings taken inside the page (performance.timeOrigin + performance.now()), so they exclude
// Playwright's own polling; the click is kept in sessionStorage, since signing in loads the
// profile as a new page. Each run uses a fresh browser profile: no HTTP cache, no stored
// session.
const RUNS = Number(process.env.BENCH_BROWSER_RUNS ?? 12);
const PASSWORD = "bench password 1234";
const EMAIL = `browser-${Date.now()}@example.com`;

declare global {
  interface Window {
    bench: { hydrated?: number; secret?: number };
  }
}

/** Installed before any page script: records when the islands are live (milliseconds since
 * the navigation started), and when the secret appears and Sign in was clicked (wall clock). */
function observe() {
  const marks: Window["bench"] = (window.bench = {});
  const check = () => {
    if (marks.hydrated === undefined && document.documentElement?.dataset.hydrated === "true") {
      marks.hydrated = performance.now();
    }
    if (marks.secret === undefined && document.querySelector('[data-testid="secret"]')) {
      marks.secret = performance.timeOrigin + performance.now();
    }
  };
  new MutationObserver(check).observe(document, { attributes: true, childList: true, subtree: true });
  document.addEventListener(
    "click",
    (e) => {
      if ((e.target as Element).closest("[type=submit]")) {
        sessionStorage.setItem("bench-click", String(performance.timeOrigin + performance.now()));
      }
    },
    true,
  );
  // When the sign-in call was answered, read as the login page leaves.
  addEventListener("pagehide", () => {
    const call = performance
      .getEntriesByType("resource")
      .find((e) => e.name.includes("/v1/auth/password/signin"));
    if (call) sessionStorage.setItem("bench-answered", String(performance.timeOrigin + call.responseEnd));
  });
}

/** Where the time from the navigation to live islands went, in milliseconds since it began. */
function loading() {
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
  const wasm = performance.getEntriesByType("resource").find((e) => e.name.endsWith(".wasm"));
  return {
    total: window.bench.hydrated!,
    firstByte: nav.responseStart,
    domInteractive: nav.domInteractive,
    wasmLoaded: wasm?.responseEnd ?? NaN,
  };
}

/** Where the time from the click to the secret went, in milliseconds since the click. */
function stages() {
  const click = Number(sessionStorage.getItem("bench-click"));
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming;
  return {
    total: window.bench.secret! - click,
    answered: Number(sessionStorage.getItem("bench-answered")) - click,
    navigated: performance.timeOrigin - click,
    firstByte: performance.timeOrigin + nav.responseStart - click,
  };
}

async function freshPage(browser: Browser) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(observe);
  return { context, page };
}

test("navigation to hydration, and sign-in to the secret", async ({ browser, request }) => {
  const signUp = await request.post("/descope/v1/auth/password/signup", {
    headers: { authorization: "Bearer P2LocalDescopeCompatible0000" },
    data: { loginId: EMAIL, password: PASSWORD, user: { name: "Bench" } },
  });
  expect(signUp.ok()).toBe(true);

  const hydrate: ReturnType<typeof loading>[] = [];
  const toSecret: ReturnType<typeof stages>[] = [];
  // The browser's own floor: a page of a few bytes, no style and no script, served by a bare
  // HTTP server (BARE_PAGE_URL, started by bench/run.mjs), in the same kind of fresh profile.
  const bare: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (process.env.BARE_PAGE_URL) {
      const { context, page } = await freshPage(browser);
      await page.goto(process.env.BARE_PAGE_URL);
      bare.push(
        await page.evaluate(
          () => (performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming).domInteractive,
        ),
      );
      await context.close();
    }
    const { context, page } = await freshPage(browser);
    await page.goto("/login");
    await expect(page.locator("html")).toHaveAttribute("data-hydrated", "true");
    hydrate.push(await page.evaluate(loading));

    await signIn(page, EMAIL, PASSWORD);
    await expect(page.getByTestId("secret")).toBeVisible();
    toSecret.push(await page.evaluate(stages));
    await context.close();
  }
  writeFileSync(process.env.BENCH_OUT ?? "bench-timings.json", JSON.stringify({ hydrate, signIn: toSecret, bare }));
});
