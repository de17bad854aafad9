import { authRoute } from "@/lib/http/auth-route";

// GET, POST /api/auth/* – next-auth: sign-in, callbacks, sign-out, session, CSRF token (lib/http/auth-route.ts checks each request first)
export { authRoute as GET, authRoute as POST };
