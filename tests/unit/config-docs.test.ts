import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { DEFAULTS, ENV_VARIABLES, parseEnv } from "@/lib/config/schema";
import { FILE_VARIABLES, SECRET_VARIABLES, VARIABLES } from "@/lib/config/variables";
import { README_END, renderEnvExample, renderReadmeTable, withReadmeTable } from "../../scripts/lib/config-docs";

const read = (file: string) => readFileSync(fileURLToPath(new URL(`../../${file}`, import.meta.url)), "utf8");

describe("configuration docs: made from the declarations in lib/config/variables.ts", () => {
  it("keeps .env.example as the declarations write it (`npm run config:docs` rewrites it)", () => {
    expect(read(".env.example")).toBe(renderEnvExample());
  });

  it("keeps the README's table as the declarations write it", () => {
    const readme = read("README.md");
    expect(withReadmeTable(readme)).toBe(readme);
    expect(readme).toContain(renderReadmeTable());
  });

  it("notices a table edited by hand", () => {
    const readme = read("README.md");
    const edited = readme.replace("| `LOG_LEVEL` | `info` |", "| `LOG_LEVEL` | `warn` |");
    expect(edited).not.toBe(readme);
    expect(withReadmeTable(edited)).toBe(readme);
  });

  it("refuses to write a README whose markers are gone, rather than dropping the table", () => {
    expect(() => withReadmeTable(read("README.md").replace(README_END, ""))).toThrow(/markers/);
  });

  it("documents every variable the schema reads, each once, with a default the rule accepts", () => {
    expect([...ENV_VARIABLES]).toEqual(Object.keys(VARIABLES));
    const table = renderReadmeTable();
    const example = renderEnvExample();
    for (const name of ENV_VARIABLES) {
      expect(table.split("\n").filter((row) => row.startsWith(`| \`${name}\` |`))).toHaveLength(1);
      expect(example.split("\n").filter((line) => line.startsWith(`${name}=`))).toHaveLength(1);
    }
    // Every default, given explicitly, parses to what leaving the variable unset gives.
    const base = { NEXTAUTH_SECRET: "x".repeat(40), AUTH_LOCAL_USERS: "", GITHUB_ID: "id", GITHUB_SECRET: "secret" };
    const explicit = Object.fromEntries(Object.entries(DEFAULTS).map(([name, value]) => [name, String(value)]));
    expect(JSON.stringify(parseEnv({ ...base, ...explicit }))).toBe(JSON.stringify(parseEnv(base)));
  });

  it("lists every secret among the variables that may be read from a file", () => {
    expect(SECRET_VARIABLES.length).toBeGreaterThan(10);
    expect(SECRET_VARIABLES.filter((name) => !FILE_VARIABLES.includes(name))).toEqual([]);
    expect(renderReadmeTable()).toContain("`GUARD_INJECTION_JUDGE_TOKEN`, ");
  });
});
