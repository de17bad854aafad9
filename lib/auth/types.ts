/** The signed-in user as the app sees it. `id` is stable and namespaced by provider (`github:123`). */
export type SessionUser = { id: string; email: string | null; name: string | null };
