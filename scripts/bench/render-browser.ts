import { chromium, type CDPSession, type Page } from "@playwright/test";
import { findBrowser } from "../../tests/support/browser";
import type { TestUser } from "../../tests/support/test-env";
import { loadedScripts, profileShare, type RendererShare } from "./render-profile";

/**
 * The browser side of `npm run bench:render`: signs in to the real chat page in Chromium, sends a
 * message whose reply streams in, then opens the same conversation again from the sidebar, and
 * measures the renderer's main thread for each: Chrome's own task accounting (the DevTools
 * protocol's Performance.getMetrics) and the Long Tasks API.
 */

/** Main-thread cost of one phase, in milliseconds. */
export type PhaseCost = {
  /** All tasks on the main thread (TaskDuration): script, style, layout, paint, parsing. */
  mainThreadMs: number;
  scriptMs: number;
  layoutMs: number;
  styleMs: number;
  /** Durations of the tasks over 50 ms (the Long Tasks API reports no shorter ones). */
  longTasksMs: number[];
  wallMs: number;
};

/** `sameHtml`: the streamed reply ended as the very markup the reply rendered once has. */
export type RunCost = { streaming: PhaseCost; once: PhaseCost; sameHtml: boolean };

// Registered before any page script runs; buffered, so nothing is missed while the page loads.
const LONG_TASK_OBSERVER = `
  window.__benchLongTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) window.__benchLongTasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: "longtask", buffered: true });
`;

/** Polling, not requestAnimationFrame: the waiting itself must cost the page next to nothing. */
const POLL = { polling: 250, timeout: 180_000 } as const;

/** Time after the reply is complete, for the last scheduled render and the layout after it. */
const SETTLE_MS = 500;

async function metrics(cdp: CDPSession): Promise<Record<string, number>> {
  const { metrics: list } = await cdp.send("Performance.getMetrics");
  return Object.fromEntries(list.map((m) => [m.name, m.value]));
}

async function measure({ page, cdp, act, until }: { page: Page; cdp: CDPSession; act: () => Promise<void>; until: () => Promise<void> }): Promise<PhaseCost> {
  const startedAt = await page.evaluate(() => performance.now());
  const before = await metrics(cdp);
  const wall = Date.now();
  await act();
  await until();
  await page.waitForTimeout(SETTLE_MS);
  const after = await metrics(cdp);
  const delta = (name: string) => ((after[name] ?? 0) - (before[name] ?? 0)) * 1000;
  const longTasksMs = await page.evaluate(
    (since) =>
      ((window as unknown as { __benchLongTasks: Array<{ start: number; duration: number }> }).__benchLongTasks ?? [])
        .filter((task) => task.start >= since)
        .map((task) => task.duration),
    startedAt,
  );
  return {
    mainThreadMs: delta("TaskDuration"),
    scriptMs: delta("ScriptDuration"),
    layoutMs: delta("LayoutDuration"),
    styleMs: delta("RecalcStyleDuration"),
    longTasksMs,
    wallMs: Date.now() - wall - SETTLE_MS,
  };
}

/** The last reply is done and rendered as markdown (not the plain-text stand-in) to its last words. */
async function replyRendered({ page, marker, status }: { page: Page; marker: string; status: boolean }): Promise<void> {
  await page.waitForFunction(
    ({ marker, status }) => {
      const replies = document.querySelectorAll('[data-testid="message-assistant"]');
      const reply = replies[replies.length - 1];
      if (!reply || (status && reply.getAttribute("data-status") !== "done")) return false;
      const rendered = reply.querySelector(".markdown:not(.markdown-plain)");
      return rendered !== null && (rendered.textContent ?? "").includes(marker);
    },
    { marker, status },
    POLL,
  );
}

/** The rendered markup of the last reply on the page. */
function lastReplyHtml(page: Page): Promise<string> {
  return page.evaluate(() => {
    const replies = document.querySelectorAll('[data-testid="message-assistant"] .markdown');
    return replies[replies.length - 1]?.innerHTML ?? "";
  });
}

async function signIn({ page, baseUrl, user }: { page: Page; baseUrl: string; user: TestUser }): Promise<void> {
  await page.goto(`${baseUrl}/signin`);
  await page.getByTestId("signin-email").fill(user.email);
  await page.getByTestId("signin-password").fill(user.password);
  await page.getByTestId("signin-submit").click();
  await page.waitForURL(`${baseUrl}/`);
  await page.getByTestId("composer").waitFor();
}

/** A streamed reply, from pressing Enter until the whole of it is rendered. */
async function streamReply({ page, cdp, marker, message }: { page: Page; cdp: CDPSession; marker: string; message: string }): Promise<PhaseCost> {
  await page.getByTestId("composer").fill(message);
  return measure({ page, cdp, act: () => page.getByTestId("composer").press("Enter"), until: () => replyRendered({ page, marker, status: true }) });
}

async function newChat(page: Page): Promise<void> {
  await page.getByRole("button", { name: "New chat" }).click();
  await page.getByTestId("message-assistant").waitFor({ state: "detached" });
  await page.waitForTimeout(SETTLE_MS);
}

/** One run: a streamed reply, then the same conversation opened again, which renders it once. */
async function run({ page, cdp, marker, message }: { page: Page; cdp: CDPSession; marker: string; message: string }): Promise<RunCost> {
  const streaming = await streamReply({ page, cdp, marker, message });
  const streamedHtml = await lastReplyHtml(page);
  // A new chat empties the page; the conversation is first in the sidebar, newest first.
  await newChat(page);
  const once = await measure({
    page,
    cdp,
    act: () => page.getByTestId("conversation-open").first().click(),
    until: () => replyRendered({ page, marker, status: false }),
  });
  const sameHtml = (await lastReplyHtml(page)) === streamedHtml;
  await newChat(page);
  return { streaming, once, sameHtml };
}

export type Measured = { runs: RunCost[]; browser: string; renderer: RendererShare & { scripts: string[] } };

/**
 * `runs` measured runs after one warm-up run (which loads the renderer's code into the page and
 * is not counted), then one more streamed reply under the CPU profiler for the renderer's share.
 */
export async function measureRendering({ baseUrl, user, marker, runs }: { baseUrl: string; user: TestUser; marker: string; runs: number }): Promise<Measured> {
  const found = findBrowser();
  if (!found.found) throw new Error(`No Chromium to measure in. ${found.hint}`);
  const browser = await chromium.launch({
    executablePath: found.executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.addInitScript(LONG_TASK_OBSERVER);
    await signIn({ page, baseUrl, user });
    const cdp = await context.newCDPSession(page);
    await cdp.send("Performance.enable");
    const before = await loadedScripts(page);
    const results: RunCost[] = [];
    let rendererUrls = new Set<string>();
    for (let i = 0; i <= runs; i++) {
      const cost = await run({ page, cdp, marker, message: `Render bench, run ${i}: please write the long guide.` });
      if (i === 0) rendererUrls = new Set([...(await loadedScripts(page))].filter((url) => !before.has(url)));
      else results.push(cost);
      console.log(
        `[bench:render] ${i === 0 ? "warm-up" : `run ${i}`}: streaming ${cost.streaming.mainThreadMs.toFixed(0)} ms main thread ` +
          `(${cost.streaming.wallMs} ms wall, longest task ${Math.max(0, ...cost.streaming.longTasksMs).toFixed(0)} ms), ` +
          `once ${cost.once.mainThreadMs.toFixed(0)} ms; same markup: ${cost.sameHtml ? "yes" : "NO"}`,
      );
    }
    const share = await profileShare({
      cdp,
      rendererUrls,
      during: async () => {
        await streamReply({ page, cdp, marker, message: "Render bench, profiled run: please write the long guide." });
      },
    });
    const scripts = [...rendererUrls].map((url) => new URL(url).pathname.split("/").pop() ?? url);
    console.log(
      `[bench:render] profiled run: ${share.rendererMs.toFixed(0)} of ${share.sampledMs.toFixed(0)} ms sampled in the renderer's code (${scripts.join(", ")})`,
    );
    return { runs: results, browser: browser.version(), renderer: { ...share, scripts } };
  } finally {
    await browser.close();
  }
}
