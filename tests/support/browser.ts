import { existsSync } from "node:fs";
import { chromium } from "@playwright/test";

/**
 * Which Chromium the end-to-end tests drive: CHROMIUM_PATH, else the system's (Debian's `chromium`
 * package), else Playwright's own download. Browsers cannot be downloaded everywhere (CI here has
 * no internet), so the system package comes first.
 */
const SYSTEM_PATHS = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome", "/usr/bin/google-chrome-stable"];

export function findBrowser(): { found: boolean; executablePath: string | undefined; hint: string } {
  const candidates = [process.env.CHROMIUM_PATH, ...SYSTEM_PATHS].filter((p): p is string => !!p);
  const system = candidates.find((p) => existsSync(p));
  if (system) return { found: true, executablePath: system, hint: "" };
  const bundled = chromium.executablePath();
  if (bundled && existsSync(bundled)) return { found: true, executablePath: undefined, hint: "" };
  return {
    found: false,
    executablePath: undefined,
    hint: "Install one: `sudo apt-get install chromium` (Debian/Ubuntu), or `npx playwright install chromium`, or set CHROMIUM_PATH.",
  };
}
