/** The signed-in user as the app sees it. `id` is stable and namespaced by provider (`github:123`). */
export type SessionUser = {
  id: string;
  email: string | null;
  name: string | null;
  /** When this session began (sign-in, ms): it ends SESSION_MAX_AGE_SECONDS later however often it is refreshed, or at sign-out. */
  authTime?: number;
};
