/** `request` asks for a commit; `cancel` drops one that is scheduled. */
export type ThrottledCommit = { request: () => void; cancel: () => void };

/**
 * Runs `commit` once for any number of requests made before it runs, and at most once every
 * `intervalMs`: the first request after a pause commits at once (in a new task, so the chunks
 * of one network read still go in together), later ones wait out the interval.
 */
export function throttleCommit({ commit, intervalMs }: { commit: () => void; intervalMs: number }): ThrottledCommit {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastAt = Number.NEGATIVE_INFINITY;
  const run = () => {
    timer = null;
    lastAt = performance.now();
    commit();
  };
  return {
    request() {
      if (timer !== null) return;
      timer = setTimeout(run, Math.max(0, lastAt + intervalMs - performance.now()));
    },
    cancel() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}
