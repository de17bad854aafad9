import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time of another process and everything it started, from /proc (Linux only): utime + stime of
 * each process, all its threads included (V8's compiler and GC threads, libuv's pool), in clock
 * ticks of 10 ms. `process.cpuUsage()` sees only the calling process, so it cannot measure the
 * server from the bench.
 */
const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on

type Stat = { pid: number; ppid: number; cpuMs: number };

function readStat(pid: number): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: fields are counted after the last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    // After the name: state(3) ppid(4) … utime(14) stime(15), so index = field - 3.
    return { pid, ppid: Number(fields[1]), cpuMs: (Number(fields[11]) + Number(fields[12])) * TICK_MS };
  } catch {
    return undefined; // it exited meanwhile
  }
}

/** The pid and every descendant of it that is alive now. */
export function processTree(root: number): number[] {
  const stats = readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map((name) => readStat(Number(name)))
    .filter((s): s is Stat => s !== undefined);
  const tree = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const s of stats) {
      if (tree.has(s.ppid) && !tree.has(s.pid)) {
        tree.add(s.pid);
        grew = true;
      }
    }
  }
  return [...tree];
}

/** Milliseconds of CPU used so far by `root` and its descendants. */
export function treeCpuMs(root: number): number {
  return processTree(root).reduce((sum, pid) => sum + (readStat(pid)?.cpuMs ?? 0), 0);
}

/** The pid of the process whose command line holds every one of `parts` (e.g. a redis-server's port), if any. */
export function findProcess(parts: string[]): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").replaceAll("\0", " ");
      if (parts.every((p) => cmdline.includes(p))) return Number(name);
    } catch {
      // gone
    }
  }
  return undefined;
}
