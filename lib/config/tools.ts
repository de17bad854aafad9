/**
 * The tools this codebase ships (lib/tools/catalogue.ts implements exactly these; a unit test keeps
 * them in step). TOOLS picks among them per deployment.
 */
export const TOOL_NAMES = ["fetch_page", "search_my_conversations", "save_note"] as const;

export type ToolName = (typeof TOOL_NAMES)[number];

/** TOOLS: a comma-separated list of tool names, `all`, or `none`; null when it is none of those. */
export function parseToolList(text: string): ToolName[] | string {
  const names = text
    .split(",")
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean);
  if (names.length === 1 && names[0] === "all") return [...TOOL_NAMES];
  if (names.length === 1 && names[0] === "none") return [];
  const unknown = names.filter((n) => !(TOOL_NAMES as readonly string[]).includes(n));
  if (names.length === 0 || unknown.length > 0) return `must be all, none, or a comma-separated list of ${TOOL_NAMES.join(", ")}`;
  return [...new Set(names)] as ToolName[];
}

/** TOOLS_FETCH_*_HOSTS: host names, each optionally starting with `*.` or `.` (it and every name under it). */
export function parseHostList(text: string): string[] | string {
  const hosts = text
    .split(",")
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  const bad = hosts.findIndex((h) => !/^(\*\.|\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(h));
  if (bad >= 0) return `entry ${bad + 1} must be a host name such as example.com or *.example.com`;
  return hosts;
}

/** TOOLS_FETCH_TEST_LOOPBACK_PORTS: port numbers. */
export function parsePortList(text: string): number[] | string {
  const ports = text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean);
  const bad = ports.findIndex((p) => !/^\d{1,5}$/.test(p) || Number(p) < 1 || Number(p) > 65_535);
  if (bad >= 0 || ports.length === 0) return "must be a comma-separated list of port numbers";
  return ports.map(Number);
}
