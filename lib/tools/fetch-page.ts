import "server-only";
import { z } from "zod";
import { env } from "../env";
import { FetchError } from "../net/fetch-errors";
import { safeFetch } from "../net/safe-fetch";
import { defineTool } from "./registry";
import { ToolFailure } from "./failure";

/**
 * `fetch_page {url}` (read-external): reads a public web page so the model can summarise it. The
 * fetch goes through lib/net/safe-fetch.ts: http and https only, the name resolved once and every
 * address checked (no loopback, private, link-local, shared, metadata or IPv6 forms of them), the
 * connection made to the checked address, every redirect checked again (at most 3), time, size and
 * type caps, and the TOOLS_FETCH_*_HOSTS lists. The page is untrusted: the tool loop guards and
 * fences it before the model reads it. It carries nothing of the person's: the loop never puts
 * their data back into this tool's arguments.
 */
export const fetchPage = defineTool({
  name: "fetch_page",
  description:
    "Read a public web page (HTML, plain text, Markdown or JSON) and get its text, to answer the user's question about it. Only http and https addresses on the public internet.",
  args: z.strictObject({ url: z.string().trim().min(1).max(2_048) }),
  privilege: "read-external",
  needsApproval: false,
  rateLimit: "20/60s",
  outputCapChars: 20_000,
  async run({ url }, { signal }) {
    const { allowHosts, denyHosts, testLoopbackPorts } = env().tools.fetch;
    try {
      const page = await safeFetch(url, { allowHosts, denyHosts, allowLoopbackPorts: testLoopbackPorts, signal, maxTextChars: 20_000 });
      const host = new URL(page.url).host;
      const hidden = page.hiddenChars > 0 ? `; ${page.hiddenChars} characters of hidden text left out` : "";
      const content = [
        page.title ? `Title: ${page.title}` : undefined,
        `Address: ${page.url}`,
        "",
        page.text,
        page.truncated ? "[… the page goes on]" : undefined,
      ]
        .filter((line) => line !== undefined)
        .join("\n");
      return { content, summary: `Read ${host} (${page.text.length.toLocaleString("en-US")} characters${hidden})` };
    } catch (error) {
      if (error instanceof FetchError) throw new ToolFailure(error.code, `Could not read the page: ${error.message}`);
      throw error;
    }
  },
});
