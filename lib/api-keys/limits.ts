/** What a relay (personal API) key may be given, and how many one person may hold. */
export const RELAY_KEY_LIMITS = {
  maxKeysPerUser: 25,
  maxNameChars: 64,
  maxLifetimeDays: 365,
  maxGraceHours: 168,
  defaultGraceHours: 24,
} as const satisfies Record<string, number>;
