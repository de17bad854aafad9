import type { EntityType, Span } from "../types";
import { canonicalValue } from "./canonical";
import { ENTITY_TYPES, findEntities } from "./find";

/** What a redaction replaced, in text order; placeholders and kinds only, never the values. */
export type RedactedEntity = { type: EntityType; placeholder: string; subtype?: string };

/** The stored form of a {@link PlaceholderMap}. It holds the values: encrypt it with the conversation. */
export type PlaceholderMapJSON = { version: 1; entries: { placeholder: string; type: EntityType; value: string }[] };

/** Highest placeholder number; far beyond any conversation, and it bounds the restorer's look-ahead. */
export const MAX_PLACEHOLDER_INDEX = 999_999;

/** `[EMAIL_1]`, `[SECRET_12]`: the type, an underscore, a number from 1 (at most six digits). */
const PLACEHOLDER = /\[(SECRET|CARD|IBAN|EMAIL|SSN|IP|PHONE)_([1-9]\d{0,5})\]/g;

/**
 * Personal data swapped for typed placeholders before text goes to a provider, and swapped back in
 * what comes out, for one conversation. The same value (compared in canonical form, see
 * ./canonical) always gets the same placeholder, so the model can still tell "the same email as
 * before" from "another email". A value written two ways is restored as first written.
 *
 * The values live in private (#) fields, which neither console.log nor JSON.stringify of the
 * instance shows; only {@link PlaceholderMap.toJSON} hands them out, for encrypted storage.
 */
export class PlaceholderMap {
  readonly #byKey = new Map<string, string>();
  readonly #values = new Map<string, string>();
  readonly #counts = new Map<EntityType, number>();

  /** Replaces each entity of `types` (all by default) with its placeholder. */
  redact(
    text: string,
    { types = ENTITY_TYPES }: { types?: readonly EntityType[] } = {},
  ): {
    text: string;
    entities: RedactedEntity[];
  } {
    const spans = findEntities(text, { types });
    const parts: string[] = [];
    const entities: RedactedEntity[] = [];
    let last = 0;
    for (const span of spans) {
      const placeholder = this.#placeholderFor({ span, value: text.slice(span.start, span.end) });
      parts.push(text.slice(last, span.start), placeholder);
      entities.push(span.subtype === undefined ? { type: span.type, placeholder } : { type: span.type, placeholder, subtype: span.subtype });
      last = span.end;
    }
    parts.push(text.slice(last));
    return { text: parts.join(""), entities };
  }

  /** Puts the values back; placeholders this map never issued are left as they are. */
  restore(text: string): string {
    if (this.#values.size === 0 || !text.includes("[")) return text;
    return text.replace(PLACEHOLDER, (placeholder) => this.#values.get(placeholder) ?? placeholder);
  }

  /** How many distinct values the map holds. */
  get size(): number {
    return this.#values.size;
  }

  toJSON(): PlaceholderMapJSON {
    const entries: PlaceholderMapJSON["entries"] = [];
    for (const [placeholder, value] of this.#values) entries.push({ placeholder, type: typeOf(placeholder), value });
    return { version: 1, entries };
  }

  /** Rebuilds a stored map; throws on anything malformed (the message never quotes the input). */
  static fromJSON(json: unknown): PlaceholderMap {
    const map = new PlaceholderMap();
    if (!isRecord(json) || json.version !== 1 || !Array.isArray(json.entries)) throw new Error("Invalid placeholder map");
    for (const entry of json.entries as unknown[]) {
      if (!isRecord(entry) || typeof entry.placeholder !== "string" || typeof entry.value !== "string" || entry.value === "") {
        throw new Error("Invalid placeholder map entry");
      }
      const parsed = parsePlaceholder(entry.placeholder);
      if (parsed === null || parsed.type !== entry.type || map.#values.has(entry.placeholder)) {
        throw new Error("Invalid placeholder map entry");
      }
      map.#values.set(entry.placeholder, entry.value);
      map.#byKey.set(keyOf({ type: parsed.type, value: entry.value }), entry.placeholder);
      map.#counts.set(parsed.type, Math.max(map.#counts.get(parsed.type) ?? 0, parsed.index));
    }
    return map;
  }

  #placeholderFor({ span, value }: { span: Span; value: string }): string {
    const key = keyOf({ type: span.type, value });
    const known = this.#byKey.get(key);
    if (known !== undefined) return known;
    const index = (this.#counts.get(span.type) ?? 0) + 1;
    // Fail closed rather than send a value on: no real conversation gets near this.
    if (index > MAX_PLACEHOLDER_INDEX) throw new Error(`Too many ${span.type} placeholders in one conversation`);
    const placeholder = `[${span.type}_${index}]`;
    this.#counts.set(span.type, index);
    this.#byKey.set(key, placeholder);
    this.#values.set(placeholder, value);
    return placeholder;
  }
}

function keyOf({ type, value }: { type: EntityType; value: string }): string {
  return `${type}:${canonicalValue({ type, value })}`;
}

function parsePlaceholder(placeholder: string): { type: EntityType; index: number } | null {
  const match = new RegExp(`^${PLACEHOLDER.source}$`).exec(placeholder);
  if (match === null) return null;
  return { type: match[1] as EntityType, index: Number(match[2]) };
}

function typeOf(placeholder: string): EntityType {
  return placeholder.slice(1, placeholder.lastIndexOf("_")) as EntityType;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
