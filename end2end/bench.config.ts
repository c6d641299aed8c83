import { defineConfig } from "@playwright/test";
import base from "./playwright.config";

// Browser timings for bench/run.mjs, which starts the server and reads BENCH_OUT.
export default defineConfig({ ...base, testDir: "./bench", testMatch: "*.bench.ts", reporter: "line", timeout: 300_000 });
