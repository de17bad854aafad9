import type { Span } from "../types";
import { hasContextBefore } from "./context";

/** AAA-GG-SSSS; the same with spaces or none is read as an SSN only when the text says so. */
const CANDIDATE = /(?<![\p{L}\p{N}_\-.])(\d{3})([- ]?)(\d{2})\2(\d{4})(?![\p{L}\p{N}_-]|[.,]\d)/gu;

const SSN_CONTEXT = /\b(?:ssn|ss#|ss no|social security(?: number| no)?|social sec|taxpayer id|itin)\b/gi;

/** Numbers published as examples, never issued to anyone (the SSA's own list and famous cases). */
const NEVER_ISSUED: ReadonlySet<string> = new Set(["078051120", "219099999", "123456789"]);

/** A US Social Security number outside the ranges the SSA never issues. */
export function findSsns(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const [raw, area = "", separator = "", group = "", serial = ""] = match;
    if (!issuable({ area, group, serial })) continue;
    if (separator !== "-" && !hasContextBefore({ text, index: match.index, keywords: SSN_CONTEXT, window: 40 })) continue;
    spans.push({ start: match.index, end: match.index + raw.length, type: "SSN" });
  }
  return spans;
}

function issuable({ area, group, serial }: { area: string; group: string; serial: string }): boolean {
  if (area === "000" || area === "666" || area >= "900") return false;
  if (group === "00" || serial === "0000") return false;
  return !NEVER_ISSUED.has(area + group + serial);
}
