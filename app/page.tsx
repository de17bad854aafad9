import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { Chat } from "@/components/chat/chat";
import { modelLabel } from "@/components/chat/model-label";
import { getPageUser } from "@/lib/auth/page-session";
import { env } from "@/lib/env";

export const metadata: Metadata = { title: "Chat" };

export default async function ChatPage() {
  const user = await getPageUser();
  if (!user) redirect("/signin?callbackUrl=%2F");

  // Only plain data crosses to the client: ids and labels, never provider names or keys.
  const { ai, chat } = env();
  const models = ai.models.map((model) => ({ id: model.id, label: modelLabel(model) }));

  return (
    <Chat
      models={models}
      defaultModel={ai.defaultModel.id}
      maxMessageChars={chat.maxMessageChars}
      user={{ email: user.email, name: user.name }}
    />
  );
}
