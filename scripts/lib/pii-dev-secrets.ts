/**
 * Credentials for the PII dev set, made at run time from the seeded generator: secret scanners run on
 * the repository, so no realistic key is ever written into a file, and every prefix is assembled.
 * Each sample is a line as people paste it (env file, ini, JSON, YAML, a header, a connection string)
 * with the secret's own characters labelled, not the label.
 */
import type { Rng } from "./pii-dev-values";

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

function draw({ rng, alphabet, length }: { rng: Rng; alphabet: string; length: number }): string {
  let out = "";
  for (let i = 0; i < length; i++) out += alphabet[rng.int(alphabet.length)];
  return out;
}

/** Random characters that hold upper and lower case and a digit, as any real key of this length does. */
function mixed({ rng, alphabet, length }: { rng: Rng; alphabet: string; length: number }): string {
  for (;;) {
    const value = draw({ rng, alphabet, length });
    if (/[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value)) return value;
  }
}

/** An AWS secret access key: 40 characters of base64's alphabet. */
export function awsSecretKey(rng: Rng): string {
  return mixed({ rng, alphabet: `${ALNUM}/+`, length: 40 });
}

export function awsAccessKeyId(rng: Rng): string {
  return ["AK", "IA", draw({ rng, alphabet: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", length: 16 })].join("");
}

/** What people choose or generate as a password or token: letters, digits and some punctuation. */
function passwordValue(rng: Rng): string {
  return rng.int(2) === 0 ? mixed({ rng, alphabet: `${ALNUM}!#$%*-_.`, length: 12 + rng.int(12) }) : mixed({ rng, alphabet: ALNUM, length: 16 + rng.int(24) });
}

/** Provider keys and tokens of the shapes the detector already knows by their prefixes. */
function providerKey(rng: Rng): string {
  const body = (n: number) => mixed({ rng, alphabet: `${ALNUM}_-`, length: n });
  switch (rng.int(5)) {
    case 0:
      return ["sk", "proj", body(64)].join("-");
    case 1:
      return ["sk", "ant", "api03", `${body(80)}AA`].join("-");
    case 2:
      return `${["gh", "p_"].join("")}${mixed({ rng, alphabet: ALNUM, length: 36 })}`;
    case 3:
      return `${["xo", "xb-"].join("")}${draw({ rng, alphabet: "0123456789", length: 11 })}-${draw({ rng, alphabet: "0123456789", length: 13 })}-${mixed({ rng, alphabet: ALNUM, length: 24 })}`;
    default:
      return awsAccessKeyId(rng);
  }
}

/** `%s` stands for the secret; several lines of one sample hold one secret each. */
const AWS_LINES = [
  "aws_secret_access_key = %s",
  "AWS_SECRET_ACCESS_KEY=%s",
  'export AWS_SECRET_ACCESS_KEY="%s"',
  '{"aws_secret_access_key": "%s", "region": "eu-west-1"}',
  "aws_secret_access_key: %s",
  "  SecretAccessKey: '%s'",
  '"SecretAccessKey":"%s"',
  "secret access key: %s",
  "My AWS secret is %s, can you check why the CLI fails?",
  "creds %s (do not share)",
  "Here you go: %s",
];

const LABELLED_LINES = [
  "password=%s",
  '"password": "%s"',
  "passwd: %s",
  "pwd=%s",
  "PASSWORD='%s'",
  "secret: %s",
  "client_secret=%s",
  "token=%s",
  "api_key: %s",
  "apikey=%s",
  "X-API-Key: %s",
  "auth: %s",
  "Authorization: Bearer %s",
  "bearer %s",
  "private_key: %s",
  "Server=db01;Database=app;User Id=sa;Password=%s;",
  "DB_PASSWORD=%s",
  "access_token: %s",
  '"client_secret":"%s"',
  "my password is %s",
  "the api key: %s",
  "Passwort: %s",
  "mot de passe : %s",
];

export type SecretSample = { text: string; values: string[] };

/** A pasted credential in context: an AWS secret key (labelled or bare), a labelled password or token, or a provider key. */
export function secretSample(rng: Rng): SecretSample {
  const kind = rng.int(10);
  if (kind < 4) {
    const secret = awsSecretKey(rng);
    if (kind === 0) {
      const id = awsAccessKeyId(rng);
      return { text: `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${secret}\n`, values: [id, secret] };
    }
    return { text: rng.pick(AWS_LINES).replace("%s", secret), values: [secret] };
  }
  if (kind < 8) {
    const secret = passwordValue(rng);
    return { text: `${rng.pick(["", "config:\n", "Why does this fail? "])}${rng.pick(LABELLED_LINES).replace("%s", secret)}`, values: [secret] };
  }
  const key = providerKey(rng);
  return { text: rng.pick(["my key is %s thanks", "OPENAI_API_KEY=%s", "use `%s` for now", "token %s"]).replace("%s", key), values: [key] };
}
