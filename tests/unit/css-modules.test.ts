/**
 * The styles beside their components (CSS Modules): a class a component reads from a module is
 * defined there (a typo would be `undefined`, silently unstyled, since css-modules.d.ts types every
 * name as present), every class a module defines is read somewhere, the global sheet holds no class
 * at all, and the cascade layers keep the order globals.css gives them.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { PHONE_QUERY } from "../../components/chat/use-drawer";

const ROOT = path.resolve(__dirname, "../..");
const DIRS = ["app", "components"];

const files = (ext: RegExp) =>
  DIRS.flatMap((dir) =>
    readdirSync(path.join(ROOT, dir), { recursive: true, encoding: "utf8" })
      .filter((f) => ext.test(f))
      .map((f) => path.posix.join(dir, f.split(path.sep).join("/"))),
  ).sort();
const read = (file: string) => readFileSync(path.join(ROOT, file), "utf8");

/** The class names in a stylesheet's selectors; `:global(…)` ones are not the module's. */
function classesOf(css: string): Set<string> {
  const found = new Set<string>();
  const text = css.replace(/\/\*[\s\S]*?\*\//g, "");
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === "{") {
      const prelude = text.slice(start, i).trim();
      if (!prelude.startsWith("@")) {
        for (const match of prelude.replace(/:global\([^)]*\)/g, "").matchAll(/\.(-?[_a-zA-Z][\w-]*)/g)) found.add(match[1]!);
      }
    }
    if (ch === "{" || ch === "}" || ch === ";") start = i + 1;
  }
  return found;
}

type Use = { file: string; name: string };

/** Which module each source file imports under which name, and the classes it reads from it. */
function usesByModule(): Map<string, Use[]> {
  const uses = new Map<string, Use[]>();
  for (const file of files(/\.tsx?$/)) {
    const source = read(file);
    const code = source.replace(/^import .*$/gm, "");
    for (const [, binding, spec] of source.matchAll(/^import (\w+) from "([^"]+\.module\.css)";$/gm)) {
      const module = spec!.startsWith("@/") ? spec!.slice(2) : path.posix.join(path.posix.dirname(file), spec!);
      const list = uses.get(module) ?? [];
      for (const [, name] of code.matchAll(new RegExp(`\\b${binding}\\.([A-Za-z_]\\w*)`, "g"))) list.push({ file, name: name! });
      uses.set(module, list);
    }
  }
  return uses;
}

describe("CSS Modules", () => {
  const modules = files(/\.module\.css$/);
  const uses = usesByModule();

  it("are found, and every import names one that exists", () => {
    expect(modules.length).toBeGreaterThan(20);
    for (const module of uses.keys()) expect(modules, `imported but missing: ${module}`).toContain(module);
  });

  it("define every class that a component reads from them", () => {
    const missing = [...uses].flatMap(([module, list]) => {
      const defined = classesOf(read(module));
      return list.filter(({ name }) => !defined.has(name)).map(({ file, name }) => `${file} reads .${name} from ${module}`);
    });
    expect(missing).toEqual([]);
  });

  it("define no class that nothing reads", () => {
    const unused = modules.flatMap((module) => {
      const read = new Set((uses.get(module) ?? []).map((u) => u.name));
      return [...classesOf(readFileSync(path.join(ROOT, module), "utf8"))].filter((name) => !read.has(name)).map((name) => `${module}: .${name}`);
    });
    expect(unused).toEqual([]);
  });

  it("are read for class names in selectors only, not in values, comments, at-rules or :global()", () => {
    const css =
      "/* .note */ .box { color: red; }\n.box:hover > .icon :global(.hljs-keyword) { opacity: 0.5; }\n@media (max-width: 40.5em) { .wide { width: 1.5px; } }";
    expect([...classesOf(css)].sort()).toEqual(["box", "icon", "wide"]);
  });
});

describe("the global stylesheet", () => {
  const globals = read("app/globals.css");

  it("holds tokens and base element styles only: no class", () => {
    expect([...classesOf(globals)]).toEqual([]);
  });

  // A layer is ordered where it is first named: if a primitive's stylesheet arrived before
  // globals.css and named `ui` first, the base styles (`button { color: inherit }`) would beat it.
  it("orders the cascade layers, and every stylesheet that uses one repeats the order first", () => {
    const order = "@layer base, ui;";
    expect(
      globals
        .replace(/\/\*[\s\S]*?\*\//g, "")
        .trim()
        .startsWith(order),
    ).toBe(true);
    const layered = [...files(/\.css$/)].filter((file) => /@layer \w+ \{/.test(read(file)));
    expect(layered.length).toBeGreaterThan(5);
    for (const file of layered) {
      const text = read(file);
      expect(text.indexOf(order), file).toBeGreaterThanOrEqual(0);
      expect(text.indexOf(order), file).toBeLessThan(text.search(/@layer \w+ \{/));
    }
  });
});

describe("the phone layout", () => {
  // useDrawer opens the conversation list as a drawer below this width; the header and its controls
  // change layout there too, and the tablet range starts just above it.
  const phone = Number(/max-width: (\d+)px/.exec(PHONE_QUERY)?.[1]);

  it.each([
    "components/chat/conversation-sidebar.module.css",
    "components/chat/sidebar-toggle.module.css",
    "components/chat/chat-header.module.css",
    "components/chat/model-picker.module.css",
    "components/chat/budget-meter.module.css",
  ])("%s switches at PHONE_QUERY", (file) => {
    expect(read(file)).toContain(`@media ${PHONE_QUERY} {`);
  });

  it.each(["components/chat/budget-meter.module.css", "app/globals.css"])("%s starts the tablet range just above it", (file) => {
    expect(phone).toBeGreaterThan(0);
    expect(read(file)).toContain(`(min-width: ${phone + 1}px)`);
  });
});
