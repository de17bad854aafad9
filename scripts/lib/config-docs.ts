/**
 * `.env.example` and the README's configuration table, written from the declarations in
 * lib/config/variables.ts. `npm run config:docs` writes both; tests/unit/config-docs.test.ts fails
 * when either differs from what this produces, so the docs cannot drift from the schema.
 */
import { FILE_VARIABLES, GROUPS, SECRET_VARIABLES, type Variable, VARIABLES } from "../../lib/config/variables";

const WIDTH = 100;

export const README_START = "<!-- config:start (generated from lib/config/variables.ts by `npm run config:docs`; edit there) -->";
export const README_END = "<!-- config:end -->";

const ENV_HEADER = `# Bulwark configuration. Copy to .env.local (never commit it: .gitignore covers every .env file but
# this one) and fill in what you use. \`npm run quickstart\` writes a working .env.local for you.
# Empty values count as unset. The server validates everything at start-up and names any bad variable.
# In production it refuses to start while a secret below still holds its example value, while any URL
# below is http:// (redis:// for REDIS_URL) to a host that is not loopback (localhost, *.localhost,
# 127.0.0.0/8, [::1]), and with NODE_TLS_REJECT_UNAUTHORIZED=0. See "Transport" near the end.
# Nothing secret may be named NEXT_PUBLIC_*: the build fails if you try.
# Every secret below (and AUTH_LOCAL_USERS) can instead be read from a file, as NAME_FILE=/path: the
# way Docker and Kubernetes secrets, Vault Agent and the cloud secret-store CSI drivers deliver them.
# Generated from lib/config/variables.ts by \`npm run config:docs\`: edit the declarations there.`;

/**
 * Markdown to a comment's plain text: a link to a README section names it, other links keep their
 * words; code keeps its quotes only when it holds a space (a command).
 */
function plain(markdown: string): string {
  return markdown
    .replace(/\[([^\]]+)\]\(#[^)]+\)/g, 'README "$1"')
    .replace(/\[([^\]]+)\]\([^)]+\)/g, "$1")
    .replace(/`([^`]+)`/g, (_, code: string) => (code.includes(" ") ? `\`${code}\`` : code));
}

/** `text` as `# ` comment lines of at most WIDTH characters, broken between words. */
function comment(text: string): string[] {
  const lines: string[] = [];
  let line = "#";
  // A quoted command is one word: it must survive being copied from the comment.
  for (const word of text.match(/\S*`[^`]*`\S*|\S+/g) ?? []) {
    if (line.length + 1 + word.length > WIDTH && line !== "#") {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  if (line !== "#") lines.push(line);
  return lines;
}

/** A table cell's text as a comment's sentence, with the default at its end. */
function sentence(doc: string, fallback: string | number | undefined): string {
  const text = plain(doc).trim().replace(/\.$/, "");
  // A value (written as code) keeps its case: `debug, info…`, not `Debug, info…`.
  const first = doc.startsWith("`") ? text.charAt(0) : text.charAt(0).toUpperCase();
  const withDefault = `${first}${text.slice(1)}${fallback === undefined ? "" : ` (default ${fallback})`}`;
  return withDefault.endsWith("…") ? withDefault : `${withDefault}.`;
}

const entries = () => Object.entries(VARIABLES) as [string, Variable][];

/** The whole of .env.example. */
export function renderEnvExample(): string {
  const out = [ENV_HEADER];
  for (const [group, { title, intro }] of Object.entries(GROUPS)) {
    const members = entries().filter(([, v]) => v.group === group);
    if (members.length === 0) continue;
    out.push("", `# ── ${title} ${"─".repeat(Math.max(3, WIDTH - title.length - 6))}`);
    if (intro) out.push(...comment(intro), "#");
    for (const [name, variable] of members) {
      out.push(...comment(sentence(variable.doc, variable.default)));
      out.push(`${name}=${variable.example ?? variable.default ?? ""}`);
    }
  }
  return `${out.join("\n")}\n`;
}

const cell = (text: string) => text.replaceAll("|", "\\|");

/** The README's table of variables, between its markers. */
export function renderReadmeTable(): string {
  const rows = entries().map(([name, v]) => {
    const fallback = v.defaultText ?? (v.default === undefined ? "—" : `\`${v.default}\``);
    return `| \`${name}\` | ${cell(fallback)} | ${cell(v.doc)} |`;
  });
  const names = (list: readonly string[]) => list.map((name) => `\`${name}\``).join(", ");
  const alsoFiles = FILE_VARIABLES.filter((name) => !SECRET_VARIABLES.includes(name));
  rows.push(
    `| \`*_FILE\` | — | every secret (${names(SECRET_VARIABLES)}) and ${names(alsoFiles)} can instead name a file holding the value, e.g. \`OPENAI_API_KEYS_FILE=/run/secrets/openai\`; provider key files are re-read when they change |`,
    "| `PORT` | `3000` | port of `npm start` and `npm run quickstart` (read by Next.js from the shell, not from `.env.local`) |",
  );
  return [README_START, "| variable | default | meaning |", "|---|---|---|", ...rows, README_END].join("\n");
}

/** The README with its table replaced; throws when the markers are missing. */
export function withReadmeTable(readme: string): string {
  const start = readme.indexOf("<!-- config:start");
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error(`README.md: the configuration table's markers (${"<!-- config:start"}… and ${README_END}) are missing`);
  return readme.slice(0, start) + renderReadmeTable() + readme.slice(end + README_END.length);
}
