import { authRoute } from "@/lib/auth/route";

// GET, POST /api/auth/* – next-auth: sign-in, callbacks, sign-out, session, CSRF token (lib/auth/route.ts checks each request first)
export { authRoute as GET, authRoute as POST };
