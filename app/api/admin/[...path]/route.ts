import { notFoundRoute } from "@/lib/http/with-admin";

// Any other address under /api/admin, any method, anyone: the 404 a non-admin gets from the real
// routes, so probing cannot tell which admin routes exist.
export { notFoundRoute as GET, notFoundRoute as POST, notFoundRoute as PUT, notFoundRoute as PATCH, notFoundRoute as DELETE, notFoundRoute as OPTIONS };
