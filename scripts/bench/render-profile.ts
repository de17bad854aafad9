import type { CDPSession, Page } from "@playwright/test";

/**
 * How much of a phase's main thread the markdown renderer's own code takes: a CPU profile of the
 * phase, and the samples with a frame from the renderer's chunks (marked, DOMPurify and
 * lib/markdown, which the chat page loads on the first reply and no sooner) on their stack.
 */
export type RendererShare = { sampledMs: number; rendererMs: number };

type ProfileNode = { id: number; callFrame: { url: string; functionName: string }; children?: number[] };
type Profile = { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };

/** The scripts the page has loaded so far, by URL. */
export async function loadedScripts(page: Page): Promise<Set<string>> {
  const urls = await page.evaluate(() =>
    performance
      .getEntriesByType("resource")
      .map((entry) => entry.name)
      .filter((name) => new URL(name).pathname.endsWith(".js")),
  );
  return new Set(urls);
}

export async function profileShare({
  cdp,
  rendererUrls,
  during,
}: {
  cdp: CDPSession;
  rendererUrls: ReadonlySet<string>;
  during: () => Promise<void>;
}): Promise<RendererShare> {
  await cdp.send("Profiler.enable");
  await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
  await cdp.send("Profiler.start");
  let stopped: { profile: Profile } | null = null;
  try {
    await during();
  } finally {
    stopped = (await cdp.send("Profiler.stop")) as unknown as { profile: Profile };
    await cdp.send("Profiler.disable");
  }
  return share({ profile: stopped.profile, rendererUrls });
}

function share({ profile, rendererUrls }: { profile: Profile; rendererUrls: ReadonlySet<string> }): RendererShare {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inRenderer = new Map<number, boolean>();
  const check = (id: number): boolean => {
    const known = inRenderer.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const result = node !== undefined && (rendererUrls.has(node.callFrame.url) || (up !== undefined && check(up)));
    inRenderer.set(id, result);
    return result;
  };
  let sampled = 0;
  let renderer = 0;
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    if (byId.get(id)?.callFrame.functionName === "(idle)") return;
    sampled += delta;
    if (check(id)) renderer += delta;
  });
  return { sampledMs: sampled / 1000, rendererMs: renderer / 1000 };
}
