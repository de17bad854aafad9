import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { findEntities, findSecrets, PlaceholderMap, PlaceholderRestorer } from "@/lib/guard/pii";
import { alnum, upperAlnum } from "../support/secret-samples";

// Every credential is made at run time: secret scanners run on the repository.
const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+";

/** 40 random characters of base64's alphabet with upper case, lower case and a digit, as an AWS secret access key. */
function awsSecret(): string {
  for (;;) {
    const value = Array.from(randomBytes(40), (b) => BASE64[b % 64]).join("");
    if (/[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value) && /[g-zG-Z]/.test(value)) return value;
  }
}
const awsKeyId = () => ["AK", "IA", upperAlnum(16)].join("");
const password = () => `${alnum(6)}#${alnum(6)}9x`;

/** "SECRET(subtype):value" for each credential found, in text order. */
function secrets(text: string): string[] {
  return findEntities(text, { types: ["SECRET"] }).map((s) => `SECRET(${s.subtype}):${text.slice(s.start, s.end)}`);
}

describe("SECRET in the input: AWS secret access keys", () => {
  it.each([
    ["an ini file", (v: string) => `[default]\naws_secret_access_key = ${v}\nregion = eu-west-1`],
    ["an env file", (v: string) => `AWS_SECRET_ACCESS_KEY=${v}`],
    ["a shell export", (v: string) => `export AWS_SECRET_ACCESS_KEY="${v}"`],
    ["JSON", (v: string) => `{"aws_secret_access_key": "${v}", "region": "us-east-1"}`],
    ["YAML", (v: string) => `aws_secret_access_key: ${v}`],
    ["CloudFormation", (v: string) => `  SecretAccessKey: '${v}'`],
    ["prose with a label", (v: string) => `the secret access key: ${v}`],
    ["bare in a sentence", (v: string) => `My AWS secret is ${v}, can you check why the CLI fails?`],
    ["bare after an id", (v: string) => `creds ${awsKeyId()} / ${v}`],
  ])("finds the key in %s", (_, make) => {
    const value = awsSecret();
    const text = make(value);
    expect(secrets(text)).toContain(`SECRET(aws_secret_access_key):${value}`);
    const redacted = new PlaceholderMap().redact(text).text;
    expect(redacted).not.toContain(value);
    expect(redacted).toMatch(/\[SECRET_\d\]/);
  });

  it("finds a key that starts with '/' or '+' (one in 32 do), with its label and bare after '='", () => {
    for (const first of ["/", "+"]) {
      const value = `${first}${awsSecret().slice(1)}`;
      expect(secrets(`AWS_SECRET_ACCESS_KEY=${value}`)).toEqual([`SECRET(aws_secret_access_key):${value}`]);
      expect(secrets(`KEY=${value}`).map((s) => s.slice(s.indexOf(":") + 1))).toEqual([value]);
    }
  });

  it.each([
    ["a git SHA-1", "commit 2fd4e1c67a2d28fced849ee1bb76e7391b93eb12 fixed it"],
    ["upper-case hex", "digest 2FD4E1C67A2D28FCED849EE1BB76E7391B93EB12"],
    ["a long identifier", "class AbstractSingletonProxyFactoryBean2024Xyz {"],
    ["base64 of text", "V2hhdCBpcyB0aGUgY2FwaXRhbCBvZiBCcmF6aWw/ is a question"],
    ["part of a longer base64 run", `data:${"QUJDRGVmZ2gxMjM0".repeat(4)}`],
    ["part of a path", "see /static/chunks/aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9n/main.js"],
    ["padded base64", "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6kM9n== is padded"],
  ])("leaves %s alone", (_, text) => {
    expect(secrets(text)).toEqual([]);
  });
});

describe("SECRET in the input: values next to a label", () => {
  it.each([
    ["password=", (v: string) => `password=${v}`],
    ["a JSON password", (v: string) => `{"user": "jane", "password": "${v}"}`],
    ["passwd:", (v: string) => `passwd: ${v}`],
    ["pwd= in a connection string", (v: string) => `Server=db01;Database=app;User Id=sa;Pwd=${v};`],
    ["Password= in a connection string", (v: string) => `Server=db01;User Id=sa;Password=${v};Encrypt=true`],
    ["DB_PASSWORD=", (v: string) => `DB_PASSWORD=${v}`],
    ["secret:", (v: string) => `secret: ${v}`],
    ["client_secret=", (v: string) => `client_secret=${v}&grant_type=client_credentials`],
    ["token=", (v: string) => `token=${v}`],
    ["api_key:", (v: string) => `api_key: ${v}`],
    ["apikey=", (v: string) => `https://api.example.com/v1?apikey=${v}`],
    ["X-API-Key:", (v: string) => `X-API-Key: ${v}`],
    ["auth:", (v: string) => `auth: ${v}`],
    ["Authorization: Bearer", (v: string) => `Authorization: Bearer ${v}`],
    ["bearer", (v: string) => `curl -H "bearer ${v}"`],
    ["private_key:", (v: string) => `private_key: ${v}`],
    ["my password is", (v: string) => `my password is ${v}`],
    ["YAML on the next line", (v: string) => `password:\n  ${v}`],
    ["an XML element", (v: string) => `<password>${v}</password>`],
    ["PHP's =>", (v: string) => `'password' => '${v}'`],
    ["an env name glued to its secret word", (v: string) => `PGPASSWORD=${v} psql -h db`],
    ["DB_PASS=", (v: string) => `DB_PASS=${v}`],
    ["pw=", (v: string) => `pw=${v}`],
  ])("finds the value after %s", (_, make) => {
    const value = password();
    const text = make(value);
    expect(secrets(text).map((s) => s.slice(s.indexOf(":") + 1))).toContain(value);
    expect(new PlaceholderMap().redact(text).text).not.toContain(value);
  });

  it("takes a value that starts with % when it is not a %TEMPLATE% name", () => {
    const value = `%${password()}`;
    expect(secrets(`password: ${value}`)).toEqual([`SECRET(password):${value}`]);
    expect(secrets("password: %DB_PASSWORD%")).toEqual([]);
  });

  it("skips a run too long to be a value, but still reads a label near its end", () => {
    const value = password();
    expect(secrets(`password=${"a".repeat(3_000)}_token=${value}`)).toEqual([`SECRET(token):${value}`]);
    expect(secrets(`password=${"a1B".repeat(400)}`)).toEqual([]);
  });

  it("finds an AWS session token several hundred characters long after its label", () => {
    const token = Array.from({ length: 12 }, () => `${alnum(30)}/+${alnum(8)}`).join("");
    expect(secrets(`aws_session_token = ${token}`).map((s) => s.slice(s.indexOf(":") + 1))).toEqual([token]);
  });

  it.each([
    "my password is too short",
    "the token limit is 4096",
    "Set max_tokens=4096 and temperature=0.7.",
    "password: must be at least 12 characters long",
    "token: the basic unit of text a model reads",
    "Put your api_key in the .env file, never in code.",
    "auth: required for every route",
    "The secret to good bread is time.",
    "AWS_SECRET_ACCESS_KEY=your-secret-key-here",
    "api_key: YOUR_API_KEY",
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style placeholder, not a value, written as such.
    "token=${TOKEN} and password=<password> and secret=%SECRET%",
    "const API_KEY = process.env.TRELLO_API_KEY;",
    "TOKEN_ID: 0xFFFFDEAD",
    "password=********",
    "OAuth: Xk9mP2vL8qRt and mytoken=Xk9mP2vL8qRt", // the label must start a word
  ])("leaves %j alone", (text) => {
    expect(secrets(text)).toEqual([]);
  });

  it("keeps [SECRET_n] in the reply: a pasted credential is never written back", () => {
    const value = password();
    const map = new PlaceholderMap();
    const { text } = map.redact(`password=${value}`);
    expect(text).toBe("password=[SECRET_1]");
    const restorer = new PlaceholderRestorer(map);
    expect(restorer.push("Your [SECRET_1] works") + restorer.end()).toBe("Your [SECRET_1] works");
  });

  it("is not part of the output finder, which holds back only words a secret can begin with", () => {
    expect(findSecrets(`password=${password()} and ${awsSecret()}`)).toEqual([]);
  });
});
