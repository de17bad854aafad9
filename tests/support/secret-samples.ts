import { randomBytes, randomInt } from "node:crypto";
import { fakeRelayKey } from "./fake-keys";

// Card numbers, IBANs and credentials are made at run time: no realistic value sits in the repo.
export const digits = (n: number) => Array.from({ length: n }, () => randomInt(10)).join("");
export const alnum = (n: number) => Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[b % 62]).join("");
export const upperAlnum = (n: number) => Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"[b % 36]).join("");
export const b64url = (bytes: number) => randomBytes(bytes).toString("base64url");
export const b64 = (bytes: number) => randomBytes(bytes).toString("base64");

/** A JWT-shaped token with the given header. */
export const jwt = (header: object) =>
  `${Buffer.from(JSON.stringify(header)).toString("base64url")}.${Buffer.from(JSON.stringify({ sub: alnum(8) })).toString("base64url")}.${b64url(32)}`;

/** One fresh example of each credential shape the PII stage knows, with the subtype it reports. */
export const SECRET_SAMPLES: readonly (readonly [subtype: string, make: () => string])[] = [
  ["openai_key", () => ["sk", "proj", b64url(60)].join("-")],
  ["openai_key", () => `sk-${alnum(20)}${["T3Blbk", "FJ"].join("")}${alnum(20)}`],
  ["openai_key", () => `sk-${alnum(48)}`],
  ["anthropic_key", () => ["sk", "ant", "api03", `${b64url(70)}AA`].join("-")],
  ["aws_access_key_id", () => `AKIA${upperAlnum(16)}`],
  ["aws_access_key_id", () => `ASIA${upperAlnum(16)}`],
  ["github_token", () => `ghp${"_"}${alnum(36)}`],
  ["github_token", () => `gho${"_"}${alnum(36)}`],
  ["github_token", () => `github${"_pat_"}${alnum(22)}_${alnum(59)}`],
  ["bulwark_relay_key", fakeRelayKey],
  ["google_api_key", () => `AIza${alnum(35)}`],
  ["stripe_key", () => `sk${"_live_"}${alnum(24)}`],
  ["stripe_key", () => `rk${"_test_"}${alnum(24)}`],
  ["stripe_key", () => `pk${"_live_"}${alnum(24)}`],
  ["slack_token", () => `xox${"b-"}${digits(11)}-${digits(13)}-${alnum(24)}`],
  ["slack_token", () => `xapp-1-${upperAlnum(11)}-${digits(13)}-${alnum(32)}`],
  ["slack_webhook", () => `https://hooks.slack.com/services/T${upperAlnum(8)}/B${upperAlnum(8)}/${alnum(24)}`],
  ["jwt", () => jwt({ alg: "HS256", typ: "JWT" })],
  ["private_key", () => `-----BEGIN ${"RSA PRIVATE"} KEY-----\n${b64(48)}\n${b64(48)}\n-----END ${"RSA PRIVATE"} KEY-----`],
  ["private_key", () => `-----BEGIN ${"OPENSSH PRIVATE"} KEY-----\r\n${b64(60)}\r\n-----END ${"OPENSSH PRIVATE"} KEY-----`],
];
