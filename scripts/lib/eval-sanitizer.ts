/**
 * The markdown sanitizer (renderMarkdown): how many hostile payloads get through, by the output
 * contract the unit tests check, and how much ordinary markdown it damages compared with marked's
 * own rendering.
 */
import path from "node:path";
import { Marked } from "marked";
import { BLOCKED_IMAGE_ALT_MAX, DROP_WITH_CONTENT } from "../../lib/markdown/policy";
import { renderMarkdown } from "../../lib/markdown/render";
import { code, rate, type Table } from "./eval-format";
import { contractViolations, parse, textNode, visibleText, yieldToEventLoop } from "./eval-html-contract";
import { CONTEXTS, payloadsOf, specExamples } from "./eval-xss-data";

/** The CommonMark sections that are about raw HTML: script and style blocks there should go. */
const RAW_HTML_SECTIONS: ReadonlySet<string> = new Set(["HTML blocks", "Raw HTML"]);
const EXAMPLES = 5;
/** Pause this often: see yieldToEventLoop. */
const YIELD_EVERY = 200;

export async function evaluateSanitizer({
  payloadFiles,
  commonmark,
  alpacaOutputs,
}: {
  payloadFiles: string[];
  commonmark: string;
  alpacaOutputs: string[];
}): Promise<{ tables: Table[] }> {
  const rows: string[][] = [];
  const survivorNotes: string[] = [];
  let survivors = 0;
  let payloadTotal = 0;
  let renders = 0;
  for (const file of payloadFiles) {
    const payloads = await payloadsOf(file);
    let survived = 0;
    let badRenders = 0;
    for (const payload of payloads) {
      let through = false;
      for (const { name, wrap } of CONTEXTS) {
        const problems = contractViolations(renderMarkdown(wrap(payload)));
        if (problems.length > 0) {
          badRenders++;
          if (!through && survivorNotes.length < EXAMPLES)
            survivorNotes.push(`Through: ${path.basename(file)} (${name}) ${code(payload.slice(0, 200))}: ${problems.join("; ")}`);
          through = true;
        }
        if (++renders % YIELD_EVERY === 0) await yieldToEventLoop();
      }
      if (through) survived++;
    }
    survivors += survived;
    payloadTotal += payloads.length;
    rows.push([path.basename(file), String(payloads.length), String(payloads.length * CONTEXTS.length), String(survived), String(badRenders)]);
  }
  rows.push(["all files", String(payloadTotal), String(renders), String(survivors), String(rows.reduce((n, r) => n + Number(r[4]), 0))]);
  const payloadTable: Table = {
    title: "XSS payloads through renderMarkdown",
    headers: ["file", "payloads", "renders", "payloads through", "renders breaking the contract"],
    rows,
    notes: [
      `Each payload is rendered ${CONTEXTS.length} ways (${CONTEXTS.map((c) => c.name).join(", ")}); it gets through if any rendering breaks the output contract of tests/unit/markdown.test.ts (scripts/lib/eval-html-contract.ts): an element outside the allow-list, an event handler, a forbidden attribute, a link that is not http(s)/mailto or lacks target and rel, an unexpected class. xss_patt_XSSDetection.txt is URL-encoded and is also checked decoded, so it counts more payloads than lines.`,
      ...survivorNotes,
    ],
  };

  const spec = specExamples(commonmark).filter((e) => !RAW_HTML_SECTIONS.has(e.section));
  const specDamage = await damage(spec.map((e) => ({ label: `#${e.number} (${e.section})`, markdown: e.markdown })));
  const alpacaDamage = await damage(alpacaOutputs.map((markdown, i) => ({ label: `output ${i + 1}`, markdown })));
  const damageTable: Table = {
    title: "Benign markdown damaged by the sanitizer",
    headers: ["set", "texts damaged", "visible characters lost", "renders breaking the contract"],
    rows: [
      [
        "CommonMark spec examples, raw-HTML sections excluded",
        rate({ hits: specDamage.damaged.length, total: spec.length }),
        rate({ hits: specDamage.lost, total: specDamage.chars }),
        String(specDamage.violations),
      ],
      [
        "alpaca_eval outputs",
        rate({ hits: alpacaDamage.damaged.length, total: alpacaOutputs.length }),
        rate({ hits: alpacaDamage.lost, total: alpacaDamage.chars }),
        String(alpacaDamage.violations),
      ],
    ],
    notes: [
      'Damage compares the visible text (whitespace collapsed) of renderMarkdown\'s output with that of marked\'s own rendering of the same markdown (GFM, breaks on, as the app configures it). Changes the policy intends are applied to marked\'s output first and do not count: an image becomes its "[image: alt]" marker, a task-list checkbox becomes "[ ]" or "[x]", and script, style, iframe, svg and the other DROP_WITH_CONTENT elements lose their content. A text is damaged if the two differ at all; characters lost counts the non-space characters of marked\'s text missing from ours (as a multiset).',
      ...[...specDamage.damaged, ...alpacaDamage.damaged]
        .slice(0, EXAMPLES)
        .map((d) => `Damaged ${d.label}: ${code(d.ours.slice(0, 160))} against marked's ${code(d.base.slice(0, 160))}`),
    ],
  };
  return { tables: [payloadTable, damageTable] };
}

const marked = new Marked({ gfm: true, breaks: true, async: false });
const dropWithContent = DROP_WITH_CONTENT.join(",");

/** marked's rendering, visible text, with the changes the policy intends already made. */
function baselineText(markdown: string): string {
  const root = parse(marked.parse(markdown, { async: false }));
  for (const element of Array.from(root.querySelectorAll(dropWithContent))) element.remove();
  for (const image of Array.from(root.querySelectorAll("img"))) {
    const alt = (image.getAttribute("alt") ?? "").replace(/\s+/g, " ").trim().slice(0, BLOCKED_IMAGE_ALT_MAX);
    image.replaceWith(textNode(alt === "" ? "[image]" : `[image: ${alt}]`));
  }
  for (const box of Array.from(root.querySelectorAll('input[type="checkbox"]'))) box.replaceWith(textNode(box.hasAttribute("checked") ? "[x] " : "[ ] "));
  return visibleText(root);
}

type Damaged = { label: string; ours: string; base: string };

async function damage(texts: { label: string; markdown: string }[]): Promise<{ damaged: Damaged[]; lost: number; chars: number; violations: number }> {
  const damaged: Damaged[] = [];
  let lost = 0;
  let chars = 0;
  let violations = 0;
  for (const [i, { label, markdown }] of texts.entries()) {
    const html = renderMarkdown(markdown);
    if (contractViolations(html).length > 0) violations++;
    const ours = visibleText(html);
    const base = baselineText(markdown);
    chars += base.replace(/\s/g, "").length;
    if (ours !== base) {
      damaged.push({ label, ours, base });
      lost += missingChars({ base, ours });
    }
    if ((i + 1) % YIELD_EVERY === 0) await yieldToEventLoop();
  }
  return { damaged, lost, chars, violations };
}

/** Non-space characters of `base` that `ours` lacks, counted with multiplicity. */
function missingChars({ base, ours }: { base: string; ours: string }): number {
  const counts = new Map<string, number>();
  for (const c of ours) counts.set(c, (counts.get(c) ?? 0) + 1);
  let missing = 0;
  for (const c of base) {
    if (/\s/.test(c)) continue;
    const n = counts.get(c) ?? 0;
    if (n > 0) counts.set(c, n - 1);
    else missing++;
  }
  return missing;
}
