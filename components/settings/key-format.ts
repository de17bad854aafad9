import { formatFull } from "@/components/chat/time-format";
import type { ModelChoice, RelayKeyView } from "./types";

/** How the keys page writes its figures and choices. */

const count = new Intl.NumberFormat("en-US");
export const formatCount = (n: number) => count.format(n);

/** `bwk_AbC123…`: the public start of a key, marked as only a start. */
export const shownPrefix = (prefix: string) => `${prefix}…`;

/** The models a key may use, by the names people know them by; null is every model. */
export function modelsText(models: string[] | null, choices: readonly ModelChoice[]): string {
  if (models === null) return "All models";
  return models.map((id) => choices.find((c) => c.id === id)?.label ?? id).join(", ");
}

/** How long a new key lives, in days; "" is never expires. */
export const EXPIRY_CHOICES = [
  { value: "", label: "Never" },
  { value: "7", label: "7 days" },
  { value: "30", label: "30 days" },
  { value: "90", label: "90 days" },
  { value: "365", label: "365 days" },
] as const satisfies readonly { value: string; label: string }[];

/** How long a rolled key keeps working beside its replacement, in hours. */
export const GRACE_CHOICES = [
  { hours: 0, label: "None: it stops now" },
  { hours: 1, label: "1 hour" },
  { hours: 24, label: "24 hours" },
  { hours: 168, label: "7 days" },
] as const satisfies readonly { hours: number; label: string }[];

/** What a roll did to the old key, for the panel that shows the new one. */
export function rollNote(previous: RelayKeyView): string {
  if (previous.status === "expired" || previous.expiresAt === null) return "The old key has stopped working.";
  return `The old key keeps working until ${formatFull(previous.expiresAt)}, so you have until then to switch.`;
}
