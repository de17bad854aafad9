import { z } from "zod";
import { isPasswordHash } from "../crypto/password-hash";
import { parseKeyList } from "../crypto/keyring";
import { type EntityType, PII_ENTITY_NAMES } from "./entities";
import { parseRateLimit, type RateLimitSpec } from "./limits";
import { parseModelList, type ModelRef } from "./models";
import { parsePriceList, type ModelPrice } from "./prices";
import { parseProviderKeys, type ProviderKey } from "./provider-keys";
import { parseHostList, parsePortList, parseToolList, type ToolName } from "./tools";
import { parseInsecureTransportList, type TransportVariable } from "./transport";
import { type Format, type Variable, type VariableName, type VariableType, VARIABLES } from "./variables";

/**
 * The zod schema of the environment, built from the declarations in lib/config/variables.ts: one
 * field per variable, with its rule and its default. `parseEnv` (lib/config/schema.ts) runs it and
 * then checks the rules between variables.
 */

export type LocalUser = { email: string; passwordHash: string };

/** What each format parses to. */
type FormatValues = {
  "rate-limit": RateLimitSpec;
  "redis-url": string;
  "local-users": LocalUser[];
  models: ModelRef[];
  "provider-keys": ProviderKey[];
  prices: Record<string, ModelPrice>;
  "transport-variables": TransportVariable[];
  "encryption-keys": Buffer[];
  "pii-entities": EntityType[];
  emails: string[];
  secrets: string[];
  tools: ToolName[];
  hosts: string[];
  ports: number[];
};

/** Parses a value; reports each problem through `problem` (the variable's name is added by the caller). */
type Parser<T> = (value: string, problem: (message: string) => void, rule: string) => T;

/** A parser that returns either the value or, as a string, what is wrong with it. */
const either =
  <T>(parse: (value: string) => T | string): Parser<T> =>
  (value, problem) => {
    const parsed = parse(value);
    if (typeof parsed === "string") problem(parsed);
    return parsed as T;
  };

const commaList = (value: string) =>
  value
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);

/** Each format's parser, and the rule a value that is not even text breaks (unless its variable states its own). */
const FORMATS: { [F in Format]: { rule: string; parse: Parser<FormatValues[F]> } } = {
  "rate-limit": {
    rule: "must look like 20/60s (requests/window, window in s, m, h or d)",
    parse: (value, problem, rule) => {
      const spec = parseRateLimit(value);
      if (!spec) problem(rule);
      return spec as RateLimitSpec;
    },
  },
  "redis-url": {
    rule: "must be a redis:// or rediss:// URL, e.g. redis://localhost:6379",
    parse: (value, problem, rule) => {
      if (!/^rediss?:\/\/[^/\s]/i.test(value) || !URL.canParse(value)) problem(rule);
      return value;
    },
  },
  "local-users": {
    rule: "must be comma-separated email:hash pairs",
    parse: (value, problem) => {
      const users: LocalUser[] = [];
      for (const [index, entry] of value.split(",").entries()) {
        const trimmed = entry.trim();
        if (!trimmed) continue;
        const colon = trimmed.indexOf(":");
        const email = trimmed.slice(0, colon).trim().toLowerCase();
        const passwordHash = trimmed.slice(colon + 1).trim();
        if (colon < 1 || !z.email().safeParse(email).success) {
          problem(`entry ${index + 1} must start with an email address and a colon`);
        } else if (!isPasswordHash(passwordHash)) {
          problem(`entry ${index + 1} needs a hash made by \`npm run -s auth:hash-password -- PASSWORD\``);
        } else {
          users.push({ email, passwordHash });
        }
      }
      return users;
    },
  },
  models: { rule: "must be a comma-separated list of provider:model", parse: either(parseModelList) },
  "provider-keys": { rule: "must be a comma-separated list of keys, each optionally key@YYYY-MM-DD", parse: either(parseProviderKeys) },
  prices: { rule: "must be a comma-separated list of provider:model=IN/OUT", parse: either(parsePriceList) },
  "transport-variables": { rule: "must be a comma-separated list of URL variables", parse: either(parseInsecureTransportList) },
  "encryption-keys": { rule: "must be a comma-separated list of keys", parse: either(parseKeyList) },
  "pii-entities": {
    rule: `must be a comma-separated list of ${PII_ENTITY_NAMES.join(", ")}`,
    parse: (value, problem) => {
      const names = commaList(value).map((e) => e.toUpperCase());
      const unknown = names.filter((n) => !(PII_ENTITY_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0 || names.length === 0) problem(`must list entities from ${PII_ENTITY_NAMES.join(", ")}`);
      return names as EntityType[];
    },
  },
  emails: {
    rule: "must be a comma-separated list of email addresses",
    parse: (value, problem) => {
      const emails = commaList(value).map((e) => e.toLowerCase());
      const bad = emails.findIndex((e) => !z.email().safeParse(e).success);
      if (bad >= 0) problem(`entry ${bad + 1} is not an email address`);
      return emails;
    },
  },
  tools: { rule: "must be all, none, or a comma-separated list of tool names", parse: either(parseToolList) },
  hosts: { rule: "must be a comma-separated list of host names", parse: either(parseHostList) },
  ports: { rule: "must be a comma-separated list of port numbers", parse: either(parsePortList) },
  secrets: {
    rule: "must be a comma-separated list of secrets",
    parse: (value, problem) => {
      const secrets = commaList(value);
      const short = secrets.findIndex((e) => e.length < 32);
      if (short >= 0) problem(`entry ${short + 1} must be at least 32 characters (try \`openssl rand -base64 32\`)`);
      return secrets;
    },
  },
};

/** `a, b or c`. */
const orList = (values: readonly string[]) => (values.length < 2 ? values.join("") : `${values.slice(0, -1).join(", ")} or ${values.at(-1)}`);

const isHttpUrl = (value: string) => /^https?:\/\//i.test(value) && URL.canParse(value);

/** The rule a value of this variable must meet, as its error message states it. */
function schemaOf(variable: Variable): z.ZodType {
  const type: VariableType = variable.type;
  switch (type.kind) {
    case "text": {
      let schema = z.string({ error: type.message ?? "must be a string" });
      if (type.minLength) schema = schema.min(type.minLength.length, { error: type.minLength.message });
      if (type.pattern) schema = schema.regex(type.pattern.regex, { error: type.pattern.message });
      return schema;
    }
    case "int": {
      const message = `must be a whole number${type.unit ? ` of ${type.unit}` : ""} from ${type.min} to ${type.max}`;
      return z.coerce.number({ error: message }).int({ error: message }).min(type.min, { error: message }).max(type.max, { error: message });
    }
    case "number": {
      const number = z.coerce.number({ error: type.message });
      const floor = type.above ? number.positive({ error: type.message }) : number.min(type.min, { error: type.minMessage ?? type.message });
      return floor.max(type.max, { error: type.maxMessage ?? type.message });
    }
    case "enum":
      return z.enum(type.values, { error: `must be ${orList(type.values)}` });
    case "url": {
      const schema = z.string({ error: type.message }).refine(isHttpUrl, { message: type.message });
      // next-auth takes a URL not starting with a lower-case "http" for a bare host and puts https:// in front.
      if (!type.lowerCaseScheme) return schema;
      return schema.refine((v) => !/^https?:\/\//i.test(v) || /^https?:\/\//.test(v), {
        message: "must start with http:// or https:// in lower case (next-auth reads the scheme as written)",
      });
    }
    case "format": {
      const { rule: formatRule, parse } = FORMATS[type.format] as { rule: string; parse: Parser<unknown> };
      // A rate limit's rule shows its own default as the example.
      const rule = type.message ?? (type.format === "rate-limit" ? formatRule.replace("20/60s", String(variable.default)) : formatRule);
      return z.string({ error: rule }).transform((value, ctx) => parse(value, (message) => ctx.addIssue({ code: "custom", message }), rule));
    }
  }
}

const isUnset = (value: unknown) => value === undefined || (typeof value === "string" && value.trim() === "");

/**
 * The variable's field: empty counts as unset (`FOO=` in a .env file must not become a confusing empty
 * secret), and unset takes the declared default, which goes through the same rule.
 */
function field(variable: Variable): z.ZodType {
  const schema = schemaOf(variable);
  const fallback = variable.default;
  if (fallback === undefined) return z.preprocess((v) => (isUnset(v) ? undefined : v), schema.optional());
  return z.preprocess((v) => (isUnset(v) ? String(fallback) : v), schema);
}

type Declarations = typeof VARIABLES;
type ValueOf<T> = T extends { kind: "int" | "number" }
  ? number
  : T extends { kind: "enum"; values: readonly (infer V)[] }
    ? V
    : T extends { kind: "format"; format: infer F extends Format }
      ? FormatValues[F]
      : string;
type Defaulted = { [K in VariableName]: Declarations[K] extends { default: string | number } ? K : never }[VariableName];

/** The environment after its fields have been parsed: a variable with a default is always there. */
export type RawEnv = { NODE_ENV?: "development" | "production" | "test" } & {
  [K in VariableName]: ValueOf<Declarations[K]["type"]> | (K extends Defaulted ? never : undefined);
};

const NAMES = Object.keys(VARIABLES) as VariableName[];

export const rawSchema = z.object({
  NODE_ENV: z.preprocess(
    (v) => (isUnset(v) ? undefined : v),
    z.enum(["development", "production", "test"], { error: "must be development, production or test" }).optional(),
  ),
  ...Object.fromEntries(NAMES.map((name) => [name, field(VARIABLES[name])])),
}) as unknown as z.ZodType<RawEnv>;

/** Every variable the app reads (each also documented in .env.example and the README). */
export const ENV_VARIABLES: readonly VariableName[] = NAMES;

/** The declared defaults, as written in the environment, so tests and docs can say the same. */
export const DEFAULTS = Object.fromEntries(NAMES.flatMap((name) => ("default" in VARIABLES[name] ? [[name, VARIABLES[name].default]] : []))) as {
  [K in Defaulted]: Declarations[K] extends { default: infer D } ? D : never;
};
