/**
 * One value per server process. Next.js bundles pages and route handlers separately, so a module's
 * top-level variable can exist once per bundle: the in-process store would split into several that
 * never see each other, and each bundle would open its own Redis connection. Values kept here, on
 * `globalThis`, are shared by every bundle of the process.
 */
const holder = globalThis as { [key: symbol]: Map<string, unknown> | undefined };
const REGISTRY = Symbol.for("bulwark.process-singletons");
holder[REGISTRY] ??= new Map();
const registry: Map<string, unknown> = holder[REGISTRY];

export function processSingleton<T>(key: string, make: () => T): T {
  if (!registry.has(key)) registry.set(key, make());
  return registry.get(key) as T;
}

/** Forgets a value, so the next call makes it again (after a failed connection attempt). */
export function forgetProcessSingleton(key: string): void {
  registry.delete(key);
}

/** For tests that load modules afresh: forget every process-wide value too. */
export function resetProcessSingletonsForTests(): void {
  registry.clear();
}
