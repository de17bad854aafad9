import type { NewKeyRequest } from "./types";

/** The create form as typed: numbers stay text until sent, so nothing typed is lost or rewritten. */
export type KeyDraft = { name: string; models: string[]; expiresInDays: string; rateLimit: string; dailyTokenBudget: string };

export const EMPTY_DRAFT: KeyDraft = { name: "", models: [], expiresInDays: "", rateLimit: "", dailyTokenBudget: "" };

export type DraftField = keyof KeyDraft;
export type FieldErrors = Partial<Record<DraftField, string>>;

const FIELDS: readonly DraftField[] = ["name", "models", "expiresInDays", "rateLimit", "dailyTokenBudget"];

/** "12,000" and "12 000" are read as 12000; anything else that is not a whole number is an error. */
function wholeNumber(text: string): number | "invalid" | undefined {
  const digits = text.replace(/[\s,_]/g, "");
  if (digits === "") return undefined;
  if (!/^\d+$/.test(digits) || !Number.isSafeInteger(Number(digits))) return "invalid";
  return Number(digits);
}

/**
 * The body for POST /api/keys, or what is wrong with the draft. Only the checks that need no
 * server: the limits (the owner's own) are the server's to check and word.
 */
export function draftToRequest(draft: KeyDraft): { ok: true; body: NewKeyRequest } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const name = draft.name.trim();
  if (!name) errors.name = "Give the key a name, so you can tell it from your others.";
  const rateLimit = wholeNumber(draft.rateLimit);
  if (rateLimit === "invalid") errors.rateLimit = "Must be a whole number of requests, or left empty.";
  const dailyTokenBudget = wholeNumber(draft.dailyTokenBudget);
  if (dailyTokenBudget === "invalid") errors.dailyTokenBudget = "Must be a whole number of tokens, or left empty.";
  if (!name || rateLimit === "invalid" || dailyTokenBudget === "invalid") return { ok: false, errors };
  const expiresInDays = draft.expiresInDays ? Number(draft.expiresInDays) : undefined;
  return {
    ok: true,
    body: {
      name,
      ...(draft.models.length > 0 ? { models: draft.models } : {}),
      ...(expiresInDays !== undefined ? { expiresInDays } : {}),
      ...(rateLimit !== undefined ? { rateLimit } : {}),
      ...(dailyTokenBudget !== undefined ? { dailyTokenBudget } : {}),
    },
  };
}

/**
 * The server's per-field problems, by form field. The server words them to follow the field's name
 * ("must be at most …"); beside the field they read as a sentence ("Must be at most ….").
 * `models.1` is a problem with the models; a field the form does not have is left out (the
 * message above the form names it).
 */
export function fieldErrorsFrom(fields: Record<string, string> | undefined): FieldErrors {
  const errors: FieldErrors = {};
  for (const [path, problem] of Object.entries(fields ?? {})) {
    const field = FIELDS.find((f) => f === path.split(".")[0]);
    if (field) errors[field] ??= sentence(problem);
  }
  return errors;
}

function sentence(text: string): string {
  const trimmed = text.trim();
  const capital = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}
