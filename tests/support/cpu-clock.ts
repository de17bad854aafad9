/**
 * Milliseconds of CPU this thread has used: for tests that bound how much work an algorithm does on
 * hostile input (linear, not quadratic). Unlike the wall clock it does not count time the thread
 * spent waiting for a core, so a busy machine cannot make such a test fail.
 */
export function cpuNow(): number {
  const { user, system } = process.threadCpuUsage();
  return (user + system) / 1_000;
}
