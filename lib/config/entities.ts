/**
 * The kinds of personal data the guards find. A placeholder's name is the upper-case form (`EMAIL` →
 * `[EMAIL_1]`); GUARD_PII_ENTITIES chooses among them.
 */
export const PII_ENTITY_NAMES = ["EMAIL", "PHONE", "CARD", "IBAN", "SSN", "IP", "SECRET"] as const;

export type EntityType = (typeof PII_ENTITY_NAMES)[number];
