import { withUser } from "@/lib/http/with-user";
import { ApiError } from "@/lib/errors";
import { API_HEADERS } from "@/lib/http/errors";
import { noteStore } from "@/lib/notes/store";
import { storeOp } from "@/lib/store/call";
import { zodToApiError } from "@/lib/zod-error";
import { noteParamsSchema, type NoteParams } from "../schema";

function paramsOrThrow(params: Record<string, string>): NoteParams {
  const parsed = noteParamsSchema.safeParse(params);
  if (!parsed.success) throw zodToApiError(parsed.error);
  return parsed.data;
}

// DELETE /api/notes/:id – delete one of your notes. The store finds a note only under its owner, so
// someone else's id gets the same 404 as an id that never existed.
export const DELETE = withUser(
  async ({ user, params, limitHeaders }) => {
    const { id } = paramsOrThrow(params);
    const store = await storeOp("notes.open", noteStore);
    if (!(await storeOp("notes.remove", () => store.remove({ userId: user.id, noteId: id })))) {
      throw new ApiError("not_found", "That note does not exist. It may have been deleted already.");
    }
    return new Response(null, { status: 204, headers: { ...API_HEADERS, ...limitHeaders } });
  },
  { limit: "api" },
);
