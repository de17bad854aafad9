import type { EntityType, Span } from "../types";
import { findCards } from "./card";
import { findContextSecrets } from "./context-secrets";
import { findEmails } from "./email";
import { findIbans } from "./iban";
import { findIps } from "./ip";
import { findPhones } from "./phone";
import { findSecretCandidates, secretHoldStart } from "./secrets";

export { secretHoldStart };
import { findSsns } from "./ssn";

/** Every entity type, in the order overlaps are settled. */
export const ENTITY_TYPES = ["SECRET", "CARD", "IBAN", "EMAIL", "SSN", "IP", "PHONE"] as const satisfies readonly EntityType[];

/** Credentials in what a person sends: by prefix (./secrets) and by label or shape (./context-secrets). */
const findInputSecrets = (text: string): Span[] => [...findSecretCandidates(text), ...findContextSecrets(text)];

const DETECTORS = {
  SECRET: findInputSecrets,
  CARD: findCards,
  IBAN: findIbans,
  EMAIL: findEmails,
  SSN: findSsns,
  IP: findIps,
  PHONE: findPhones,
} as const satisfies Record<EntityType, (text: string) => Span[]>;

/**
 * Where one span overlaps another, the one ranked first wins (a card number is not also read as a
 * phone number; a URL password is not part of an email). SSN, IP and PHONE are settled by length
 * first, then in this order.
 */
const RANK = { SECRET: 0, CARD: 1, IBAN: 2, EMAIL: 3, SSN: 4, IP: 4, PHONE: 4 } as const satisfies Record<EntityType, number>;
const TIE_BREAK = { SECRET: 0, CARD: 1, IBAN: 2, EMAIL: 3, SSN: 4, IP: 5, PHONE: 6 } as const satisfies Record<EntityType, number>;

/**
 * Personal data and credentials in the text: non-overlapping spans sorted by start. `types`
 * limits the search (all types by default). Every detector is linear in the length of the text.
 */
export function findEntities(text: string, { types = ENTITY_TYPES }: { types?: readonly EntityType[] } = {}): Span[] {
  const candidates = [...new Set(types)].flatMap((type) => DETECTORS[type](text));
  return settleOverlaps({ candidates, length: text.length });
}

/**
 * Credentials by prefix only; the output guard runs this over model replies. A labelled password or
 * a bare AWS secret key has no beginning that secretHoldStart could hold back on, and one the person
 * pasted was replaced before the model saw it.
 */
export function findSecrets(text: string): Span[] {
  return settleOverlaps({ candidates: findSecretCandidates(text), length: text.length });
}

/**
 * Keeps the best of overlapping spans, best meaning ranked first, then longest, then earliest.
 * Marking taken characters costs the total length of the candidates, and no single rule returns
 * spans that overlap each other, so that stays within a small multiple of the text's length.
 */
function settleOverlaps({ candidates, length }: { candidates: Span[]; length: number }): Span[] {
  if (candidates.length <= 1) return candidates;
  const ordered = [...candidates].sort(
    (a, b) => RANK[a.type] - RANK[b.type] || b.end - b.start - (a.end - a.start) || TIE_BREAK[a.type] - TIE_BREAK[b.type] || a.start - b.start,
  );
  const taken = new Uint8Array(length);
  const kept: Span[] = [];
  for (const span of ordered) {
    if (span.end <= span.start || isTaken({ taken, span })) continue;
    taken.fill(1, span.start, span.end);
    kept.push(span);
  }
  return kept.sort((a, b) => a.start - b.start);
}

function isTaken({ taken, span }: { taken: Uint8Array; span: Span }): boolean {
  for (let i = span.start; i < span.end; i++) if (taken[i] === 1) return true;
  return false;
}
