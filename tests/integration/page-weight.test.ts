/**
 * The page-weight budget: the JavaScript each page in perf-budget.json loads on first load (gzip),
 * measured on the production build exactly as `npm run bench:weight` measures it. Byte counts of
 * the build, no timing: the same build always gives the same figure.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { kB, measurePage, overBudget, readBudget } from "../../scripts/bench/page-weight";
import { startApp, type AppServer } from "../support/app-server";
import { signIn } from "../support/auth";
import { appEnv, makeUsers } from "../support/test-env";

const budget = readBudget();
let app: AppServer;
let cookie: string;

beforeAll(async () => {
  const made = await makeUsers(["weight"]);
  app = await startApp({
    name: "page-weight",
    env: appEnv({ openaiUrl: "http://127.0.0.1:9/v1", anthropicUrl: "http://127.0.0.1:9", authLocalUsers: made.authLocalUsers }),
  });
  cookie = await signIn({ baseUrl: app.url, ...made.users.weight! });
});

afterAll(async () => app?.stop());

describe.each(Object.keys(budget.pages))("%s", (page) => {
  it("loads no more JavaScript than perf-budget.json allows", async () => {
    const weight = await measurePage({ baseUrl: app.url, page, cookie });
    // A measurement that found nothing would pass any budget: the page must at least load React.
    expect(weight.scripts.length, `no <script src> found in the HTML of ${page}`).toBeGreaterThan(0);
    expect(weight.totalGzipBytes).toBeGreaterThan(0);
    const verdict = overBudget({ weight, budget });
    if (verdict) expect.fail(verdict);
    console.log(`${page}: ${kB(weight.totalGzipBytes)} of first-load JavaScript (gzip), budget ${kB(budget.pages[page]!.firstLoadJsGzipBytes)}`);
  });
});

describe("the measurement", () => {
  it("counts what a browser downloads and leaves out nomodule polyfills", async () => {
    const weight = await measurePage({ baseUrl: app.url, page: "/", cookie });
    const paths = weight.scripts.map((s) => s.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const path of paths) expect(path).toMatch(/^\/_next\/static\/.+\.js$/);
    for (const path of weight.noModule) expect(paths).not.toContain(path);
    expect(weight.totalGzipBytes).toBe(weight.scripts.reduce((n, s) => n + s.gzipBytes, 0));
  });
});
