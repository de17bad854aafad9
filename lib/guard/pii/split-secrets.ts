import type { Span } from "../types";
import { classOf, INVISIBLE, isBody, isDoubleUnderscore, isJoiner, isMarker, readGap, readPiece } from "./key-chars";

/**
 * Provider keys written in pieces: "sk-proj-Ab3…**dE7…**", "AKIA​Q7X2…" with zero-width characters,
 * "ghp_Ab3… dE7…" with spaces, or wrapped across a line break. A model steered to leak a key it was
 * shown splits it so that a pattern over the raw text no longer matches; the person reading it
 * puts it together at once. Here a key is followed from a prefix the token rules know, across
 * short gaps of such characters, and the joined text is judged by those same rules (`judge`).
 *
 * A gap of markers or invisible characters never separates words, so it is always crossed. A gap
 * of white space is crossed into a key of fixed length (AWS, GitHub) until it has its length, which
 * must end where a piece ends; into any other key only when the piece after the gap looks random
 * (a digit or an inner capital: ordinary words after a key stay outside it), and such a key must
 * also change character class often, as random keys do and joined words do not. A key split into
 * many short groups may end at a group that happens to look like a word; what came before it is
 * still redacted when the rules accept it. Each start reads a bounded stretch of text, so the scan
 * is linear.
 *
 * Not lib/guard/output/fold.ts: it folds to lower-case letters and digits and drops "-" and "_",
 * which is right for a canary known in advance but loses what the key rules test (case, the
 * prefixes' "-" and "_"), and it drops any punctuation, where a key must stop at a comma or a dot.
 */
/** A prefix, and the most body characters after it: exactly `max` for a key of fixed length. */
type SplitRule = { prefix: string; max: number; fixed: boolean };

const variable = (prefix: string): SplitRule => ({ prefix, max: 250, fixed: false });
const fixed = (prefix: string, length: number): SplitRule => ({ prefix, max: length, fixed: true });

/**
 * The prefixes of ./secrets.ts TOKEN_RULES (the provider keys), with each key's length after its
 * prefix when it is fixed; longest prefix first, so "sk-proj-" is tried before "sk-". A new token
 * rule adds its prefix here, as it adds its beginning to SECRET_BEGINNINGS.
 */
const SPLIT_RULES: readonly SplitRule[] = [
  variable("sk-ant-"),
  ...["sk-proj-", "sk-svcacct-", "sk-admin-", "sk-"].map(variable),
  ...["AKIA", "ASIA", "ABIA", "ACCA"].map((prefix) => fixed(prefix, 16)),
  ...["ghp_", "gho_", "ghu_", "ghs_", "ghr_"].map((prefix) => fixed(prefix, 36)),
  fixed("github_pat_", 82),
  ...["a", "b", "p", "o", "s", "r"].map((kind) => variable(`xox${kind}-`)),
  variable("xapp-"),
  fixed("AIza", 35),
  ...["sk", "rk", "pk"].flatMap((kind) => [variable(`${kind}_live_`), variable(`${kind}_test_`)]),
  fixed("bwk_", 46),
].sort((a, b) => b.prefix.length - a.prefix.length);

/** The rules by the first character of their prefix, longest prefix first. */
const RULES_BY_FIRST = new Map<number, SplitRule[]>();
for (const rule of SPLIT_RULES) {
  const first = rule.prefix.charCodeAt(0);
  RULES_BY_FIRST.set(first, [...(RULES_BY_FIRST.get(first) ?? []), rule]);
}

/**
 * A key starts where a run of letters, digits, "_" and "-" starts (invisible characters do not
 * count as a break), with the first character of a prefix and, after at most a gap, its second:
 * the look-behind the token rules use, and a look-ahead that keeps "A new", "so" or "be" from
 * being followed at all (a text of "A A A …" would otherwise start a search at every letter). The
 * end of the text may stand for the second character: a prefix still arriving ("s**") is held.
 */
const ANCHOR = new RegExp(
  `(?<![A-Za-z0-9_-][${INVISIBLE}]*)(?:${[...RULES_BY_FIRST]
    .map(
      ([first, rules]) =>
        `${String.fromCharCode(first)}(?=[\\s*\x60~\\\\_${INVISIBLE}]{0,16}(?:[${[...new Set(rules.map((rule) => rule.prefix[1]))].join("")}]|$))`,
    )
    .join("|")})`,
  "g",
);
/** A character that is neither part of a key nor a joiner: no key runs across it. */
const STOPPER = new RegExp(`[^A-Za-z0-9_\\-\\s*\x60~\\\\${INVISIBLE}]`, "g");

/** Most characters from a key's start to its end, gaps included (the output guard holds at most this). */
export const SPLIT_KEY_MAX_CHARS = 512;

/** The token rules' verdict on a joined candidate: the length of the key at its start, and its subtype. */
export type SplitJudge = (joined: string) => { length: number; subtype: string } | null;

/** Keys in `text` written with a gap somewhere; plain ones are the token rules' to find. */
export function findSplitSecrets({ text, judge }: { text: string; judge: SplitJudge }): Span[] {
  const spans: Span[] = [];
  const anchors = new RegExp(ANCHOR.source, "g");
  for (let match = anchors.exec(text); match !== null; match = anchors.exec(text)) {
    const at = match.index;
    const key = followKey({ text, start: at });
    if (key === null || !key.gapped || key.overrun) continue;
    const verdict = judge(key.joined);
    if (verdict === null || verdict.length <= key.prefixLength) continue;
    if (key.spaced && !key.fixed && !changesClassOften(key.joined.slice(key.prefixLength, verdict.length))) continue;
    const end = closeMarkers({ text, end: (key.origins[verdict.length - 1] ?? at) + 1, inside: text.slice(at, key.end) });
    spans.push({ start: at, end, type: "SECRET", subtype: verdict.subtype });
    anchors.lastIndex = end;
  }
  return spans;
}

/**
 * Where the earliest key that may still be arriving starts (its prefix is not complete yet, or it
 * could go on after the end of `text`), or `text.length`. The output guard holds text from there.
 * Such a key lies in the stretch of body characters and joiners that reaches the end of the text,
 * no longer than SPLIT_KEY_MAX_CHARS; both searches are native pattern scans, as this runs on every chunk.
 */
export function splitHoldStart(text: string): number {
  const limit = Math.max(0, text.length - SPLIT_KEY_MAX_CHARS);
  let from = limit;
  const stoppers = new RegExp(STOPPER.source, "g");
  stoppers.lastIndex = limit;
  for (let match = stoppers.exec(text); match !== null; match = stoppers.exec(text)) from = match.index + 1;
  const anchors = new RegExp(ANCHOR.source, "g");
  anchors.lastIndex = from;
  for (let match = anchors.exec(text); match !== null; match = anchors.exec(text)) {
    const at = match.index;
    if (followKey({ text, start: at })?.open ?? prefixMayContinue({ text, start: at })) return at;
  }
  return text.length;
}

type FollowedKey = {
  joined: string;
  /** Where in the text each character of `joined` came from. */
  origins: number[];
  prefixLength: number;
  end: number;
  gapped: boolean;
  spaced: boolean;
  fixed: boolean;
  /** A key of fixed length whose last piece runs on: words, not a key split in pieces. */
  overrun: boolean;
  /** The text ended while the key could still go on. */
  open: boolean;
};

/** A prefix, then body characters across gaps, as far as the rule allows; null if no prefix starts here. */
function followKey({ text, start }: { text: string; start: number }): FollowedKey | null {
  const rules = RULES_BY_FIRST.get(text.charCodeAt(start));
  if (rules === undefined) return null;
  // Most anchors are words ("some", "people", "A new"): refused by their second character, read once.
  const gap = isBody({ text, at: start + 1 }) ? null : readGap({ text, at: start + 1 });
  const second = text[gap === null ? start + 1 : gap.end];
  for (const rule of rules) {
    if (second !== rule.prefix[1]) continue;
    const prefix = matchPrefix({ text, start, rule });
    if (prefix === null) continue;
    const { end, origins, gapped, spaced } = prefix;
    const key: FollowedKey = {
      joined: rule.prefix,
      origins,
      prefixLength: rule.prefix.length,
      end,
      gapped,
      spaced,
      fixed: rule.fixed,
      overrun: false,
      open: false,
    };
    extendBody({ text, rule, key });
    return key;
  }
  return null;
}

function extendBody({ text, rule, key }: { text: string; rule: SplitRule; key: FollowedKey }): void {
  let body = "";
  let tailJoined = false;
  let i = key.end;
  while (body.length < rule.max) {
    if (i >= text.length) {
      key.open = true;
      break;
    }
    if (isBody({ text, at: i })) {
      body += text[i];
      key.origins.push(i);
      i++;
      continue;
    }
    const gap = readGap({ text, at: i });
    if (gap === null) break;
    if (gap.end >= text.length) {
      key.open = true;
      break;
    }
    if (!isBody({ text, at: gap.end })) break;
    if (gap.spaced) {
      // Settled without waiting for the next piece: a word such as "sk-learn" ends at a space.
      if (!rule.fixed && (tailJoined || (body.length >= 5 && !looksRandom(body)))) break;
      const piece = readPiece({ text, at: gap.end, max: rule.max - body.length });
      if (piece.atEnd) {
        key.open = true;
        break;
      }
      const join = joinsAcrossSpace({ rule, body, piece: piece.text });
      if (join === "no") break;
      tailJoined = join === "tail";
      key.spaced = true;
    }
    key.gapped = true;
    i = gap.end;
  }
  key.overrun = rule.fixed && body.length === rule.max && i < text.length && isBody({ text, at: i });
  key.joined += body;
  key.end = i;
}

/**
 * Whether white space between two pieces is inside the key. Never when the piece starts a key of
 * its own ("sk-… AKIA…" are two keys). A key of fixed length takes pieces until it has its length,
 * which must end where a piece ends ("AKIA KEYS ARE 20 CHARACTERS" overruns); any other takes a
 * piece that looks random ("the sk- prefix" is prose), and, once, a short last piece of a random
 * key that is not a common word ("…f4dj Yyz"; "…f4dj and" stays outside): "tail".
 */
function joinsAcrossSpace({ rule, body, piece }: { rule: SplitRule; body: string; piece: string }): "piece" | "tail" | "no" {
  if ((RULES_BY_FIRST.get(piece.charCodeAt(0)) ?? []).some((other) => piece.startsWith(other.prefix))) return "no";
  if (rule.fixed) return body.length < rule.max ? "piece" : "no";
  if (looksRandom(piece)) return "piece";
  return piece.length <= 5 && body.length >= 16 && looksRandom(body) && !COMMON_WORDS.has(piece.toLowerCase()) ? "tail" : "no";
}

/** Short words that follow a key in a reply; a short piece that is one of them is not the key's tail. */
const COMMON_WORDS: ReadonlySet<string> = new Set(
  [
    "a an and are as at be but by can do does done for from go got has have here how i if in into is it its just keep key keys",
    "let me my new no not now of off ok okay on one or our out safe see so than that the then them there they this to too try",
    "two up us use used was we what when who why will with yes yet you your also all any copy paste share store never again",
    "make sure only note don't it's i'm we're you're that's here's below above after first next last more each both same",
  ].flatMap((line) => line.split(" ")),
);

/** A digit, or a capital after the first character: "Ab3d", "xQ", "ABCD" (an AWS id), not "and" or "The". */
function looksRandom(piece: string): boolean {
  return /\d/.test(piece) || /[A-Z]/.test(piece.slice(1));
}

/** A random key changes between lower case, upper case, digits and symbols at about half its positions (a Slack token, with its long runs of digits, at a quarter); words joined do not. */
function changesClassOften(body: string): boolean {
  let changes = 0;
  for (let i = 1; i < body.length; i++) if (classOf(body.charCodeAt(i)) !== classOf(body.charCodeAt(i - 1))) changes++;
  // Without a digit (one random key in a few thousand has none), only a key changing case often.
  return changes >= (/\d/.test(body) ? 0.2 : 0.3) * body.length;
}

/** The rule's prefix at `start`, across gaps ("sk-p roj-…", "AK**IA…"). */
function matchPrefix({
  text,
  start,
  rule,
}: {
  text: string;
  start: number;
  rule: SplitRule;
}): { end: number; origins: number[]; gapped: boolean; spaced: boolean } | null {
  const origins: number[] = [];
  let i = start;
  let gapped = false;
  let spaced = false;
  for (let k = 0; k < rule.prefix.length; k++) {
    if (k > 0 && text[i] !== rule.prefix[k] && !isBody({ text, at: i })) {
      const gap = readGap({ text, at: i });
      if (gap === null) return null;
      gapped = true;
      spaced ||= gap.spaced;
      i = gap.end;
    }
    if (text[i] !== rule.prefix[k]) return null;
    origins.push(i);
    i++;
  }
  return { end: i, origins, gapped, spaced };
}

/** Whether the prefix at `start` was cut short by the end of the text ("s**k-pr", "AKI "), so it may still become a key. */
function prefixMayContinue({ text, start }: { text: string; start: number }): boolean {
  let folded = "";
  for (let i = start; i < text.length; i++) {
    if (isBody({ text, at: i })) folded += text[i];
    else if (!isJoiner(text.charCodeAt(i)) && !isDoubleUnderscore({ text, at: i })) return false;
    if (folded.length >= 12) return false;
  }
  const couldBecome = (part: string) => SPLIT_RULES.some((rule) => rule.prefix.startsWith(part) && part.length < rule.prefix.length);
  // A single "_" at the very end may still become "__", emphasis that joins: "AK_" may be "AK__IA…".
  return couldBecome(folded) || (text.endsWith("_") && !text.endsWith("__") && couldBecome(folded.slice(0, -1)));
}

/** Markdown markers the key was split by, just after it, close what opened inside it: "**" after "…ab**cd". */
function closeMarkers({ text, end, inside }: { text: string; end: number; inside: string }): number {
  let i = end;
  while (i < text.length && i - end < 4 && isMarker(text.charCodeAt(i)) && inside.includes(text[i] ?? "")) i++;
  return i;
}
