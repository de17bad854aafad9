import type { Metadata } from "next";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { modelLabel } from "@/components/chat/model-label";
import { PageHeader } from "@/components/page-header";
import { ApiKeysManager } from "@/components/settings/api-keys-manager";
import { ApiUsageIntro } from "@/components/settings/api-usage-intro";
import type { KeysOverview } from "@/components/settings/types";
import { userControlsForPage } from "@/lib/auth/access";
import { getPageUser } from "@/lib/auth/page-session";
import { env } from "@/lib/env";
import { listRelayKeys, ownLimits, relayKeysEnabled } from "@/lib/api-keys/api-keys";
import type { UserControls } from "@/lib/accounts/controls";
import ui from "@/components/ui/page.module.css";
import { cx } from "@/components/ui/cx";
import styles from "./page.module.css";

export const metadata: Metadata = { title: "API keys", robots: { index: false, follow: false } };

/**
 * Settings → API keys: the signed-in user's own keys for the OpenAI-compatible endpoint at /api/v1.
 * The proxy already sends anyone without a session cookie to sign in; the session is checked here
 * again, and every change goes through /api/keys, which checks it once more.
 */
export default async function ApiKeysPage() {
  const user = await getPageUser();
  if (!user) redirect("/signin?callbackUrl=%2Fsettings%2Fapi-keys");
  const controls = await userControlsForPage(user.id);
  if (controls?.blocked) redirect("/signin?error=AccountBlocked");

  const { ai } = env();
  const models = ai.models.map((model) => ({ id: model.id, label: modelLabel(model) }));
  const enabled = relayKeysEnabled();

  return (
    <>
      <PageHeader name="Bulwark settings" who={user.email ?? user.name ?? "Signed in"} />
      <main className={cx(ui.page, styles.page)}>
        <h1 className={styles.title}>API keys</h1>
        {enabled ? <ApiUsageIntro baseUrl={`${await appOrigin()}/api/v1`} model={ai.defaultModel.id} /> : null}
        <ApiKeysManager initial={controls ? await keysFor(user.id, controls) : undefined} models={models} />
      </main>
    </>
  );
}

/** The same answer as GET /api/keys, with the page; undefined (the client then loads it and says why not) when the store fails. */
async function keysFor(userId: string, controls: UserControls): Promise<KeysOverview | undefined> {
  const limits = ownLimits(controls);
  if (!relayKeysEnabled()) return { enabled: false, keys: [], limits };
  try {
    return { enabled: true, keys: await listRelayKeys(userId), limits };
  } catch {
    return undefined;
  }
}

/** NEXTAUTH_URL's origin; without it (development), wherever the browser reached the app. */
async function appOrigin(): Promise<string> {
  const configured = env().auth.url;
  if (configured) return new URL(configured).origin;
  const incoming = await headers();
  const proto = incoming.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  return `${proto}://${incoming.get("host") ?? "localhost:3000"}`;
}
