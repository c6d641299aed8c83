import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// Browser timings for bench/run.mjs, which starts the server it measures, passes its URL as
// BASE_URL and reads BENCH_OUT: one project, and no second server.
const browser = base.projects?.[0]?.use ?? {};
export default defineConfig({
  ...base,
  webServer: undefined,
  projects: [{ name: "bench", use: { ...browser, baseURL: process.env.BASE_URL } }],
  testDir: "./bench",
  testMatch: "*.bench.ts",
  reporter: "line",
  timeout: 300_000,
});
