import type { Span } from "../types";

const OCTET = "(?:25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)";

/**
 * Four decimal octets, no leading zeros, not part of a longer dotted number ("1.2.3.4.5"). The
 * look-ahead first: it fails at once where no digits and a dot start, before the costlier look-behind.
 */
const IPV4 = new RegExp(`(?=\\d{1,3}\\.\\d)(?<![\\p{L}\\p{N}_.])(?:${OCTET}\\.){3}${OCTET}(?![\\p{L}\\p{N}_]|\\.\\d)`, "gu");

/**
 * A bounded run of hex digits, colons and dots; parsed by {@link isIpv6}, not by the pattern. An
 * address starts with "::" or a group of at most four hex digits and a colon: the look-ahead keeps
 * the pattern from reading every number and hex-looking word of the text as a candidate. It comes
 * before the look-behind, which costs more (0.4 ms over 8,000 characters the other way round).
 */
const IPV6_CANDIDATE = /(?=[0-9A-Fa-f]{0,4}:)(?<![\p{L}\p{N}_:.])[0-9A-Fa-f:.]{2,45}(?![\p{L}\p{N}_:.])/gu;

const IPV4_EXACT = new RegExp(`^(?:${OCTET}\\.){3}${OCTET}$`);

/** A version word shortly before: "version 2.0.1.4", "versions 1.2.3 and 2.0.1.4", "firmware v2 at 10.0.1.4". */
const VERSION_CONTEXT = /\b(?:v|ver|versions?|releases?|rev|revisions?|firmware)\b/i;

/**
 * IP addresses. Every valid dotted quad counts ("1.2.3.4" is as much an address as any) unless a
 * version word stands up to 24 characters before it; loopback (127.x), "this network" (0.x) and
 * masks (255.x) are not about anyone and stay. IPv6 in full or compressed form, with an embedded
 * IPv4 tail if any; a compressed form needs a group of three or more hex digits and a decimal
 * digit, which keeps "a[1::2]" and "Foo::Bar" out.
 */
export function findIps(text: string): Span[] {
  const spans: Span[] = [];
  for (const match of text.matchAll(IPV4)) {
    const first = match[0].slice(0, match[0].indexOf("."));
    if (first === "0" || first === "127" || first === "255") continue;
    if (VERSION_CONTEXT.test(text.slice(Math.max(0, match.index - 24), match.index))) continue;
    spans.push({ start: match.index, end: match.index + match[0].length, type: "IP" });
  }
  for (const match of hasHexColonPair(text) ? text.matchAll(IPV6_CANDIDATE) : []) {
    let raw = match[0];
    // At least two colons; the cheap test first, as most candidates are plain numbers or "a:".
    const colon = raw.indexOf(":");
    if (colon === -1 || raw.indexOf(":", colon + 1) === -1) continue;
    raw = raw.replace(/\.+$/, "");
    if (raw.endsWith(":") && !raw.endsWith("::")) raw = raw.slice(0, -1);
    if (isIpv6(raw)) spans.push({ start: match.index, end: match.index + raw.length, type: "IP" });
  }
  return spans.sort((a, b) => a.start - b.start);
}

/** Whether a colon stands between two hex digits or next to another colon somewhere: no IPv6 address without one. */
function hasHexColonPair(text: string): boolean {
  for (let at = text.indexOf(":"); at !== -1; at = text.indexOf(":", at + 1)) {
    const before = text.charCodeAt(at - 1);
    const after = text.charCodeAt(at + 1);
    if ((isHex(before) || before === 0x3a) && (isHex(after) || after === 0x3a)) return true;
  }
  return false;
}

function isHex(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x46) || (code >= 0x61 && code <= 0x66);
}

function isIpv6(address: string): boolean {
  let hex = address;
  const lastColon = hex.lastIndexOf(":");
  const tail = hex.slice(lastColon + 1);
  if (tail.includes(".")) {
    if (!IPV4_EXACT.test(tail)) return false;
    hex = `${hex.slice(0, lastColon + 1)}0:0`; // the IPv4 tail stands for two groups
  }
  const halves = hex.split("::");
  if (halves.length > 2) return false;
  const split = (half: string) => (half === "" ? [] : half.split(":"));
  const groups = halves.flatMap(split);
  if (!groups.every((group) => /^[0-9A-Fa-f]{1,4}$/.test(group))) return false;
  if (halves.length === 1 ? groups.length !== 8 : groups.length > 7) return false;
  if (halves.length === 2 && (groups.length < 2 || !groups.some((group) => group.length >= 3))) return false;
  // A decimal digit somewhere ("dead::beef" is a word game), and not loopback written in full.
  return /\d/.test(address) && !/^[0:]*1?$/.test(hex);
}
