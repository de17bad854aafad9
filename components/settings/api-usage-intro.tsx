import { CopyButton } from "@/components/chat/copy-button";
import ui from "@/components/ui/page.module.css";
import styles from "./api-usage-intro.module.css";

type ApiUsageIntroProps = {
  /** `https://chat.example.com/api/v1`: what an OpenAI SDK takes as its base URL. */
  baseUrl: string;
  /** A model id to put in the example, so it runs as pasted. */
  model: string;
};

/** What a key is for, and a request to paste into a terminal once there is one. */
export function ApiUsageIntro({ baseUrl, model }: ApiUsageIntroProps) {
  const body = `{"model": ${JSON.stringify(model)}, "messages": [{"role": "user", "content": "Hello"}]}`;
  const example = [
    `curl ${baseUrl}/chat/completions \\`,
    `  -H "Authorization: Bearer $BULWARK_API_KEY" \\`,
    `  -H "Content-Type: application/json" \\`,
    `  -d '${body}'`,
  ].join("\n");

  return (
    <section className={ui.panel} aria-labelledby="api-usage-title">
      <h2 id="api-usage-title" className={ui.title}>
        Use Bulwark from your own code
      </h2>
      <p className={styles.text}>
        An API key lets your scripts and apps use the models you use here, through an OpenAI-compatible API: any OpenAI SDK works with the base URL below. What
        a key uses counts toward your own limits and daily budget, and a key can be narrowed further. Keep a key like a password, and revoke it when you no
        longer need it.
      </p>
      <div className={styles.base}>
        <span className={ui.muted}>Base URL</span>
        <code className={styles.url} data-testid="api-base-url">
          {baseUrl}
        </code>
        <CopyButton text={baseUrl} />
      </div>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a block that scrolls sideways must be reachable by keyboard to be scrolled (WCAG 2.1.1), and named when focused. */}
      {/* biome-ignore lint/a11y/useAriaPropsSupportedByRole: the name is what a screen reader announces on focusing the scrollable block. */}
      <pre className={styles.example} tabIndex={0} aria-label="Example request">
        <code>{example}</code>
      </pre>
      <p className={ui.muted}>See the README&apos;s “Use it from code” section for the SDKs, streaming and what the endpoint accepts.</p>
    </section>
  );
}
