// The floor app has no start-up work. (Without this file, Turbopack picks up the repository's own
// instrumentation.ts, which would check Bulwark's environment.)
export function register(): void {}
