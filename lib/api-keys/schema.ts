import { z } from "zod";
import { RELAY_KEY_LIMITS } from "./limits";

/**
 * The bodies of the API key routes. Strict: an unknown field is refused, so a typo (`expiresIn`)
 * is an error instead of a key that silently never expires. Limits that depend on the owner (their
 * own rate limit and budget) are checked after this, in api-keys.ts.
 */
const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `must be a whole number of ${what}` })
    .int({ error: `must be a whole number of ${what}` })
    .min(min, { error: `must be at least ${min.toLocaleString("en-US")} ${what}` })
    .max(max, { error: `must be at most ${max.toLocaleString("en-US")} ${what}` });

export function newKeySchema({ modelIds }: { modelIds: readonly string[] }) {
  return z.strictObject({
    name: z
      .string({ error: "must be text" })
      .transform((v) => v.trim())
      .refine((v) => v.length > 0, { error: "must not be empty" })
      .refine((v) => v.length <= RELAY_KEY_LIMITS.maxNameChars, { error: `must be at most ${RELAY_KEY_LIMITS.maxNameChars} characters` })
      // Printable text only: the name is shown in lists and never needs a control character.
      .refine((v) => !/[\p{Cc}\p{Cf}]/u.test(v), { error: "must not contain control or invisible characters" }),
    models: z
      .array(
        z
          .string({ error: "must be model ids" })
          .refine((m) => modelIds.includes(m), { error: `must each be one of the allowed models: ${modelIds.join(", ")}` }),
        {
          error: "must be a list of model ids",
        },
      )
      .min(1, { error: "must name at least one model, or be left out for every model" })
      .refine((list) => new Set(list).size === list.length, { error: "must not name a model twice" })
      .optional(),
    expiresInDays: whole("days", 1, RELAY_KEY_LIMITS.maxLifetimeDays).optional(),
    rateLimit: whole("requests a minute", 1, 100_000).optional(),
    dailyTokenBudget: whole("tokens", 1_000, 1_000_000_000).optional(),
  });
}

export type NewKeyBody = z.infer<ReturnType<typeof newKeySchema>>;

/** What a client sends to POST /api/keys, before the schema trims and checks it: the settings page's type. */
export type NewKeyRequest = z.input<ReturnType<typeof newKeySchema>>;

export const rollSchema = z.strictObject({
  graceHours: whole("hours", 0, RELAY_KEY_LIMITS.maxGraceHours).optional(),
});

export type RollBody = z.infer<typeof rollSchema>;
