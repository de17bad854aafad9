import "server-only";
import { getServerSession } from "next-auth";
import { authOptions } from "./options";
import type { SessionUser } from "./types";

/** The signed-in user of a page render (server components), or null. */
export async function getPageUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const user = session?.user as (SessionUser & { id?: string }) | undefined;
  if (!user?.id) return null;
  return { id: user.id, email: user.email ?? null, name: user.name ?? null };
}
