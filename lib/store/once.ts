import { forgetProcessSingleton, processSingleton } from "../singleton";

/**
 * A store made once per process (lib/singleton.ts), on first use; a failed creation is forgotten, so
 * the next request tries again. Each domain makes its own store with it, on the backend
 * storeBackend() gives (lib/store/backend.ts).
 */
export function oncePerProcess<T>(key: string, make: () => Promise<T>): Promise<T> {
  return processSingleton(key, () =>
    make().catch((error: unknown) => {
      forgetProcessSingleton(key);
      throw error;
    }),
  );
}
