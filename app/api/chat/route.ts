import { env } from "@/lib/env";
import { withUser } from "@/lib/http/with-user";
import { ApiError } from "@/lib/errors";
import { conversationStore } from "@/lib/conversations/store";
import { historyOf } from "@/lib/conversations/store";
import { storeOp } from "@/lib/store/call";
import { startReply } from "@/lib/chat/reply";
import { resumeReply } from "@/lib/chat/resume";
import { documentsForMessage, keepDocuments } from "@/lib/chat/documents";
import { chatRequestSchema, type ChatRequestBody } from "./schema";

let schema: ReturnType<typeof chatRequestSchema> | undefined;
const bodySchema = () => {
  const { ai, chat } = env();
  schema ??= chatRequestSchema({ modelIds: ai.models.map((m) => m.id), maxMessageChars: chat.maxMessageChars });
  return schema;
};

// POST /api/chat – stream a reply to the signed-in user's message
export const POST = withUser<ChatRequestBody>(
  async ({ req, user, body, requestId, limitHeaders, controls }) => {
    const { ai } = env();
    const model = ai.models.find((m) => m.id === body.model) ?? ai.defaultModel;
    const store = await storeOp("conversations.open", conversationStore);

    const conversationId = body.conversationId ?? crypto.randomUUID();
    const conversation = body.conversationId ? await storeOp("conversations.get", () => store.get({ userId: user.id, conversationId })) : undefined;
    if (conversation === null) throw new ApiError("conversation_not_found", "That conversation does not exist. Start a new chat.");
    const headers = { ...limitHeaders, "X-Request-Id": requestId, "X-Conversation-Id": conversationId };

    // The person answered a tool call that waited for them: the reply carries on (lib/chat/resume.ts).
    if (body.toolApproval) {
      return resumeReply({
        req,
        userId: user.id,
        controls,
        where: { route: "/api/chat", requestId },
        conversationId,
        approval: body.toolApproval,
        headers,
        afterReply: async (outcome) => {
          if (!outcome.text) return;
          await storeOp("conversations.append", () =>
            store.appendTurns({ userId: user.id, conversationId, turns: [{ role: "assistant", content: outcome.text }] }),
          );
        },
      });
    }

    // The documents the message carries and those sent earlier in the conversation (lib/chat/documents.ts).
    const attachmentIds = body.attachments ?? [];
    const { documents, refs } = await documentsForMessage({ userId: user.id, conversationId, existing: !!conversation, ids: attachmentIds });

    // Guards, limits, provider and records: lib/chat/reply.ts, shared with the relay API.
    return startReply({
      req,
      userId: user.id,
      model,
      text: body.message ?? "",
      history: conversation ? historyOf(conversation) : [],
      controls,
      where: { route: "/api/chat", requestId },
      conversationId,
      // The id comes first, in a header, so a client that stops or loses the stream can still continue the conversation.
      headers,
      tools: true,
      documents,
      // Saved before `done` is sent, so a client that continues at once finds the conversation.
      afterReply: async (outcome, userText) => {
        if (!outcome.text && outcome.status !== "completed") return;
        // The documents first: tying them to the conversation can be repeated, appending the turns cannot.
        // A conversation with none (most) costs no store round trip here.
        if (documents.length > 0) await keepDocuments({ userId: user.id, conversationId, ids: attachmentIds });
        await storeOp("conversations.append", () =>
          store.appendTurns({
            userId: user.id,
            conversationId,
            turns: [
              { role: "user", content: userText, ...(refs.length > 0 && { attachments: refs }) },
              { role: "assistant", content: outcome.text },
            ],
          }),
        );
      },
    });
  },
  { schema: bodySchema, limit: "chat", maxBodyBytes: () => env().chat.maxBodyBytes },
);
