import { withUser } from "@/lib/http/with-user";
import { API_HEADERS } from "@/lib/http/errors";
import { noteStore } from "@/lib/notes/store";
import { storeOp } from "@/lib/store/call";

// No POST: a note is written only by the save_note tool, after the user approves it.

// GET /api/notes – the signed-in user's notes, newest first, whole
export const GET = withUser(
  async ({ user, limitHeaders }) => {
    const store = await storeOp("notes.open", noteStore);
    const notes = await storeOp("notes.list", () => store.list({ userId: user.id }));
    return Response.json({ notes }, { headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);
