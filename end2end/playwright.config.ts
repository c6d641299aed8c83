import { defineConfig, devices } from "@playwright/test";

// Two projects run every journey, one per way the identity server delivers refresh tokens:
// - "cookies": the app as `cargo leptos end-to-end` starts it (embedded default: the refresh
//   token in an httpOnly cookie);
// - "body": a second instance of the same release build on port 3001 with
//   DESCOPE_LOCAL_TOKEN_DELIVERY=body (the refresh token in localStorage, as with Descope's
//   persistTokens), started here with the settings scripts/test.sh gives the first.
const chromium = {
  ...devices["Desktop Chrome"],
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    // The machine has no network but loopback: keep Chromium from dialling out.
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  },
};

export default defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: "list",
  use: { trace: "retain-on-failure" },
  projects: [
    { name: "cookies", use: { ...chromium, baseURL: "http://127.0.0.1:3000" } },
    // What only cookie mode has is proven by the cookies project alone.
    { name: "body", use: { ...chromium, baseURL: "http://127.0.0.1:3001" }, testIgnore: "cookies.spec.ts" },
  ],
  webServer: {
    command: "target/server-release/server",
    cwd: "..",
    url: "http://127.0.0.1:3001/healthz",
    reuseExistingServer: false,
    timeout: 60_000,
    env: {
      LEPTOS_SITE_ADDR: "127.0.0.1:3001",
      LEPTOS_SITE_ROOT: "target/site",
      LEPTOS_OUTPUT_NAME: "descope-leptos",
      APP_DATA_DIR: process.env.E2E_BODY_DATA_DIR ?? "target/e2e-body-data",
      DESCOPE_LOCAL_TOKEN_DELIVERY: "body",
      DESCOPE_LOCAL_SESSION_TTL: "30",
      DESCOPE_LOCAL_REFRESH_ROTATION: "true",
      DESCOPE_LOCAL_ALLOWED_ORIGINS: "http://localhost:3001",
      DESCOPE_LOCAL_ADDRESS_SIGNUPS: "1000",
      DESCOPE_LOCAL_MANAGEMENT_KEY: process.env.DESCOPE_LOCAL_MANAGEMENT_KEY ?? "",
    },
  },
});
