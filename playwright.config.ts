import { defineConfig, devices } from "@playwright/test";
import { findBrowser } from "./tests/support/browser";

/**
 * End-to-end tests in real Chromium against the production build (`next build && next start`):
 * CSP and caching behave differently in development. The global setup starts the mock providers
 * and the app; Debian's chromium is used when present (browsers cannot be downloaded everywhere).
 */
const browser = findBrowser();

export default defineConfig({
  testDir: "tests/e2e",
  globalSetup: "./tests/e2e/global-setup.ts",
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  timeout: 60_000,
  expect: { timeout: 15_000 },
  reporter: [["list"], ["json", { outputFile: process.env.PLAYWRIGHT_JSON_OUTPUT_NAME ?? ".test-run/e2e.json" }]],
  outputDir: ".test-run/e2e-artifacts",
  use: {
    ...devices["Desktop Chrome"],
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: browser.executablePath,
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
  },
});
