import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Chat } from "@/components/chat/chat";
import { modelLabel } from "@/components/chat/model-label";
import { getPageUser } from "@/lib/auth/page-session";
import { env } from "@/lib/env";
import { tokenBudgetFor } from "@/lib/chat/admission";
import { conversationStore } from "@/lib/conversations/store";
import { storeOp } from "@/lib/store/call";
import { userControlsForPage } from "@/lib/auth/access";
import { isAdmin } from "@/lib/http/with-admin";

export const metadata: Metadata = { title: "Chat" };

export default async function ChatPage() {
  const user = await getPageUser();
  if (!user) redirect("/signin?callbackUrl=%2F");
  const controls = await userControlsForPage(user.id);
  // A blocked account's session stops working at once; the sign-in page says why.
  if (controls?.blocked) redirect("/signin?error=AccountBlocked");

  // Only plain data crosses to the client: ids and labels, never provider names or keys.
  const { ai, chat, documents } = env();
  const models = ai.models.map((model) => ({ id: model.id, label: modelLabel(model) }));
  // Rendered with the page when the store answers; otherwise the client loads them and shows why not.
  const [conversations, budget] = await Promise.allSettled([
    storeOp("conversations.open", conversationStore).then((store) => store.list({ userId: user.id })),
    tokenBudgetFor(user.id, controls?.dailyTokens),
  ]);

  return (
    <Chat
      models={models}
      defaultModel={ai.defaultModel.id}
      maxMessageChars={chat.maxMessageChars}
      user={{ email: user.email, name: user.name, isAdmin: isAdmin(user) }}
      initialConversations={conversations.status === "fulfilled" ? conversations.value : undefined}
      initialBudget={budget.status === "fulfilled" ? budget.value : undefined}
      attachments={{ enabled: documents.enabled, maxFileBytes: documents.maxFileBytes, maxPerMessage: documents.maxPerMessage }}
    />
  );
}
