import { isWordSpace } from "../pii/key-chars";
/**
 * Redacts secrets (API keys, tokens, private keys) from a streamed reply before it reaches the
 * browser. A model can only repeat a secret it was shown, but it was shown whatever the person, a
 * tool or a retrieved document put into the conversation, and a reply is stored and displayed.
 * What counts as a secret is decided by the finder the caller supplies (the PII stage's); this
 * module only makes it work on a stream.
 */

/** A secret found in a text: UTF-16 offsets, end exclusive (the shape of the PII stage's spans). */
export type SecretSpan = { start: number; end: number; type: string; subtype?: string };

/** Finds the secrets in a complete piece of text. Must be linear-time; it sees each character a bounded number of times. */
export type SecretFinder = (text: string) => SecretSpan[];

/**
 * Where in the text not yet let through (usually the last word alone, a run of non-whitespace,
 * possibly begun in text already let through) a secret could be starting, given that more
 * characters may follow: the text is held from there, and what comes before goes out now.
 * `text.length` means nothing in it needs holding. The text holds earlier words only while an
 * earlier answer held them: a key split across white space is held from its first piece until its
 * last has arrived. The finder's own module answers this, since only it knows how its secrets
 * begin; without one, the whole last word is held.
 */
export type SecretHoldStart = (text: string) => number;

/** What stands in the reply for a removed secret. */
export const REDACTED_SECRET = "[REDACTED_SECRET]";

/** The kind reported for a PEM block cut by {@link SECRET_HOLD_LIMITS.pemChars} or by the end of the reply. */
export const UNTERMINATED_PEM = "unterminated_pem";

/**
 * How much text the redactor may hold back, in UTF-16 code units. Holding back is what lets a key
 * split across chunks be seen whole; the limits bound the delay and the memory.
 */
export const SECRET_HOLD_LIMITS = {
  /**
   * The last run of non-whitespace characters is held (a key may go on in the next chunk), up to
   * twice this; then all but this many of it are let through. A secret longer than this whose
   * beginning was already let through is cut in two, and the finder may not recognise the rest:
   * real keys and tokens are far shorter, so only a deliberately padded one is at risk.
   */
  wordChars: 512,
  /**
   * From a BEGIN line (`-----BEGIN LABEL-----`), text is held until an END line, so the finder sees
   * the whole block; a bare `-----BEGIN ` is held only while its line may still become one. If no
   * END line has come after this many characters, or the reply ends first, the held block is
   * replaced whole (it cannot be shown to be harmless) and scanning goes on after it. A 16384-bit
   * RSA private key is about 12 KB of PEM, so no real key reaches the limit; the rest of a longer
   * block is let through, unless the finder recognises it.
   */
  pemChars: 16_384,
} as const;

const PEM_BEGIN = "-----BEGIN ";
const PEM_END = "-----END ";
/** Complete BEGIN and END lines, tried where {@link PEM_BEGIN} or {@link PEM_END} was found. */
const PEM_BEGIN_LINE = /-----BEGIN [A-Z0-9 ]{1,64}-----/y;
const PEM_END_LINE = /-----END [A-Z0-9 ]{0,64}-----/y;
/** Longer than any line the patterns accept: until this much has arrived, a line may still complete. */
const PEM_LINE_MAX = PEM_BEGIN.length + 64 + 5;
/** Held text (with the word before it) shorter than this is asked about at every chunk (ordinary words and keys are). */
const RESCAN_FROM = 256;

export type RedactionResult = { text: string /** the subtype (else type) of each secret removed */; redacted: string[] };

/**
 * Streams text through a secret finder. Each call returns the text that is safe to emit now, with
 * every secret replaced by {@link REDACTED_SECRET}, and holds back what could still be part of
 * one (see {@link SECRET_HOLD_LIMITS}). The finder runs only when something can be let through,
 * on the held text plus the new, so each character is scanned a bounded number of times.
 */
export class SecretRedactor {
  readonly #find: SecretFinder;
  /** Text received and not yet emitted. */
  #buffer = "";
  /** Where in the buffer an open PEM block starts, or -1. */
  #pemStart = -1;
  /** Whether the open block's BEGIN line is complete (else it is held only while it may become one). */
  #pemConfirmed = false;
  /** Where in the buffer the search for the next marker resumes. */
  #searchFrom = 0;
  /** Where the buffer's last run of non-whitespace starts (kept as chunks arrive, not searched for). */
  #wordStart = 0;
  readonly #holdStart: SecretHoldStart | undefined;
  /**
   * The word already let through, when the buffer continues it (at most {@link SECRET_HOLD_LIMITS.wordChars}
   * characters): the finder sees it in front of the buffer, so a rule's look-behind, or the
   * `scheme://user:` before a URL's password, reads as it would in the whole reply.
   */
  #context = "";
  /**
   * The buffer's length when the hold start last ran and too little could go (see {@link #wordCut}),
   * else -1.
   */
  #heldAt = -1;

  constructor(findSecrets: SecretFinder, holdStart?: SecretHoldStart) {
    this.#find = findSecrets;
    this.#holdStart = holdStart;
  }

  push(chunk: string): RedactionResult {
    let space = chunk.length;
    while (space > 0 && !isWordSpace(chunk.charCodeAt(space - 1))) space--;
    if (space > 0) this.#wordStart = this.#buffer.length + space;
    this.#buffer += chunk;
    return this.#drain(false);
  }

  end(): RedactionResult {
    return this.#drain(true);
  }

  #drain(final: boolean): RedactionResult {
    const result: RedactionResult = { text: "", redacted: [] };
    for (;;) {
      this.#trackPem();
      if (this.#pemStart < 0) break;
      if (!this.#pemConfirmed) {
        if (final) this.#pemStart = -1; // never became a BEGIN line
        break;
      }
      const held = this.#buffer.length - this.#pemStart;
      if (!final && held <= SECRET_HOLD_LIMITS.pemChars) break;
      // An unterminated block: what comes before it is settled, the block is replaced whole.
      this.#emit({ result, cut: this.#pemStart, scanEnd: this.#pemStart, final: true });
      result.text += REDACTED_SECRET;
      result.redacted.push(UNTERMINATED_PEM);
      this.#consume(Math.min(held, SECRET_HOLD_LIMITS.pemChars));
      this.#context = ""; // the block was replaced, not let through
      this.#pemStart = -1;
      this.#searchFrom = 0; // the rest of the buffer was searched for an END line only
    }
    const scanEnd = this.#pemStart < 0 ? this.#buffer.length : this.#pemStart;
    this.#emit({ result, cut: final || this.#pemStart >= 0 ? scanEnd : this.#wordCut(), scanEnd, final });
    return result;
  }

  /**
   * Finds an open block: a `-----BEGIN ` (held while its line may still prove a BEGIN line), then
   * its END line. Leaves `#pemStart` on a block still open. No marker starts before `#searchFrom`,
   * so each character is searched a bounded number of times.
   */
  #trackPem(): void {
    const buffer = this.#buffer;
    for (;;) {
      if (this.#pemStart < 0) {
        const begin = buffer.indexOf(PEM_BEGIN, this.#searchFrom);
        if (begin < 0) {
          this.#searchFrom = Math.max(this.#searchFrom, buffer.length - PEM_BEGIN.length + 1);
          return;
        }
        this.#pemStart = begin;
        this.#pemConfirmed = false;
      }
      if (!this.#pemConfirmed) {
        PEM_BEGIN_LINE.lastIndex = this.#pemStart;
        if (PEM_BEGIN_LINE.test(buffer)) {
          this.#pemConfirmed = true;
          this.#searchFrom = PEM_BEGIN_LINE.lastIndex;
        } else if (buffer.length - this.#pemStart < PEM_LINE_MAX) {
          return; // the BEGIN line may still be arriving
        } else {
          this.#searchFrom = this.#pemStart + 1; // prose that mentions the marker
          this.#pemStart = -1;
          continue;
        }
      }
      const end = buffer.indexOf(PEM_END, this.#searchFrom);
      if (end < 0) {
        this.#searchFrom = Math.max(this.#searchFrom, buffer.length - PEM_END.length + 1);
        return;
      }
      PEM_END_LINE.lastIndex = end;
      if (PEM_END_LINE.test(buffer)) {
        this.#pemStart = -1; // complete: the finder sees it whole
        this.#searchFrom = PEM_END_LINE.lastIndex;
      } else if (buffer.length - end < PEM_LINE_MAX) {
        this.#searchFrom = end; // the END line may still be arriving
        return;
      } else {
        this.#searchFrom = end + 1;
      }
    }
  }

  /**
   * Where to stop letting text through while no PEM block is open: before the last word, or before
   * the part of what is held where a secret could be starting (see {@link SecretHoldStart}), and
   * never more than the word limit behind.
   */
  #wordCut(): number {
    const buffer = this.#buffer;
    const word = buffer.length - this.#wordStart;
    if (word > 2 * SECRET_HOLD_LIMITS.wordChars) return buffer.length - SECRET_HOLD_LIMITS.wordChars;
    if (this.#holdStart === undefined) return this.#wordStart;
    if (buffer.length === 0) return 0;
    const floor = Math.max(0, buffer.length - 2 * SECRET_HOLD_LIMITS.wordChars);
    // The hold start and the finder read the held text and the word let through before it: when
    // that is long (a very long word), text goes out in steps of at least a quarter of it, and the
    // hold start is asked again only once the held text has grown by as much. Asking at every small
    // chunk would read the same long word over and over. Holding a little longer is always safe;
    // the limit above still bounds what is held. Ordinary text is far shorter and answered at every
    // chunk.
    const before = this.#wordStart === 0 ? this.#context : "";
    const step = before.length + buffer.length > RESCAN_FROM ? (before.length + buffer.length) / 4 : 0;
    if (step > 0 && this.#heldAt >= 0 && buffer.length - this.#heldAt < step) return floor;
    // The whole buffer: it holds earlier words only while a split key may still be arriving.
    const holdFrom = this.#holdStart(before + buffer) - before.length;
    const cut = Math.min(buffer.length, Math.max(0, holdFrom, floor));
    if (cut < step) {
      this.#heldAt = buffer.length;
      return floor;
    }
    this.#heldAt = -1;
    return cut;
  }

  /**
   * Lets `buffer[0, cut)` through, redacted. The finder sees `buffer[0, scanEnd)`; a secret that
   * runs past the cut is held back whole if it is short enough to hold, else redacted now.
   */
  #emit({ result, cut, scanEnd, final }: { result: RedactionResult; cut: number; scanEnd: number; final: boolean }): void {
    if (cut <= 0) return;
    const text = this.#buffer.slice(0, scanEnd);
    const context = this.#context;
    const secrets = mergeSpans({ spans: this.#find(context + text), offset: context.length, length: text.length });
    const straddling = secrets.find((s) => s.start < cut && s.end > cut);
    if (straddling && !final && scanEnd - straddling.start <= 2 * SECRET_HOLD_LIMITS.wordChars) cut = straddling.start;
    else if (straddling) cut = straddling.end;
    let from = 0;
    for (const secret of secrets) {
      if (secret.end > cut) break;
      result.text += text.slice(from, secret.start) + REDACTED_SECRET;
      result.redacted.push(...secret.kinds);
      from = secret.end;
    }
    result.text += text.slice(from, cut);
    this.#consume(cut);
  }

  #consume(count: number): void {
    if (this.#holdStart !== undefined) this.#context = wordContext(this.#context, this.#buffer.slice(0, count));
    this.#buffer = this.#buffer.slice(count);
    this.#wordStart = Math.max(0, this.#wordStart - count);
    this.#searchFrom = Math.max(0, this.#searchFrom - count);
    if (this.#pemStart >= 0) this.#pemStart -= count;
    if (this.#heldAt >= 0) this.#heldAt = Math.max(0, this.#heldAt - count);
  }
}

type MergedSpan = { start: number; end: number; kinds: string[] };

/**
 * The finder's spans, moved back by the context in front of the text and clamped to the text (the
 * part of a secret in the context was let through before it could be judged: only a word past the
 * limit allows that), sorted, with overlapping ones joined.
 */
function mergeSpans({ spans, offset, length }: { spans: SecretSpan[]; offset: number; length: number }): MergedSpan[] {
  const valid = spans
    .map((s) => ({ start: Math.max(0, Math.floor(s.start) - offset), end: Math.min(length, Math.ceil(s.end) - offset), kind: s.subtype ?? s.type }))
    .filter((s) => s.start < s.end)
    .sort((a, b) => a.start - b.start);
  const merged: MergedSpan[] = [];
  for (const span of valid) {
    const last = merged.at(-1);
    if (last && span.start < last.end) {
      last.end = Math.max(last.end, span.end);
      last.kinds.push(span.kind);
    } else {
      merged.push({ start: span.start, end: span.end, kinds: [span.kind] });
    }
  }
  return merged;
}

/** The last word of `before + emitted`, when `emitted` does not end in whitespace: what the finder sees next time. */
function wordContext(before: string, emitted: string): string {
  let start = emitted.length;
  while (start > 0 && !isWordSpace(emitted.charCodeAt(start - 1))) start--;
  const word = start === 0 ? before + emitted : emitted.slice(start);
  return word.length > SECRET_HOLD_LIMITS.wordChars ? word.slice(-SECRET_HOLD_LIMITS.wordChars) : word;
}
