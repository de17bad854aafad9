import type { RelayKeyView } from "@/lib/api-keys/api-keys";
import type { NewKeyRequest } from "@/lib/api-keys/schema";
import type { KeyLimits } from "@/lib/wire";

// Type-only: the server's view of a key and the owner's limits, so the page and the API cannot drift apart.
export type { KeyLimits, RelayKeyView };

/** GET /api/keys. `enabled: false`: the server has no RELAY_KEY_SECRET, so no key can be made. */
export type KeysOverview = { enabled: boolean; keys: RelayKeyView[]; limits: KeyLimits };

/** Exactly the fields POST /api/keys accepts (its schema's input); a field left out takes the owner's own limit. */
export type { NewKeyRequest };

/** A key in the one answer that carries it (create or roll), with its public view. */
export type IssuedKey = { key: string; view: RelayKeyView };

/** The key being shown once, and what to say about it. */
export type RevealedKey = { key: string; name: string; note: string | null };

export type ModelChoice = { id: string; label: string };
