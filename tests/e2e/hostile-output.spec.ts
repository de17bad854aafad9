import { expect, test } from "./fixtures";

/**
 * Model output is untrusted. The mock model answers with an XSS payload, a javascript: link and
 * images pointing at an attacker URL (the mock's /exfil/ path, which records every hit): nothing
 * may run and nothing may be fetched.
 */
test("a hostile reply runs no script and loads no remote image", async ({ signInAs, page, mockOrigin }) => {
  const dialogs: string[] = [];
  const fetched: string[] = [];
  page.on("dialog", (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on("request", (request) => {
    if (request.url().startsWith(mockOrigin)) fetched.push(request.url());
  });

  const chat = await signInAs("xss");
  await chat.send("[[mock:xss]]");
  const reply = chat.replies().last();
  await expect(reply).toContainText("XSS-REPLY-END");
  await expect(reply).toHaveAttribute("data-status", "done");
  await page.waitForTimeout(500); // give any injected handler or image load its chance

  expect(dialogs).toEqual([]);
  expect(fetched).toEqual([]);
  await expect(reply.locator("img, script, iframe, object, embed, svg, style")).toHaveCount(0);
  await expect(reply.locator("[onerror], [onload], [onclick], [style], [src]")).toHaveCount(0);
  for (const href of await reply.locator("a").evaluateAll((links) => links.map((a) => a.getAttribute("href")))) {
    expect(href ?? "").not.toMatch(/^\s*(javascript|vbscript|data):/i);
  }
  await expect(reply).toContainText("click me"); // the link's text survives without its href
});

test("the CSP blocks a remote image and an inline handler even if they reached the DOM", async ({ signInAs, page, mockOrigin }) => {
  await signInAs("xss");
  // As if the sanitizer had let them through: the CSP is the second wall.
  const result = await page.evaluate(async (origin) => {
    const seen: string[] = [];
    document.addEventListener("securitypolicyviolation", (e) => seen.push(e.effectiveDirective));
    const host = document.createElement("div");
    host.innerHTML = `<img src="${origin}/exfil/csp.png"><img src="data:," onerror="window.__bulwarkXss = true">`;
    document.body.append(host);
    await new Promise((r) => setTimeout(r, 500));
    return { seen, ran: (window as unknown as { __bulwarkXss?: boolean }).__bulwarkXss === true };
  }, mockOrigin);
  expect(result.ran).toBe(false);
  expect(result.seen).toContain("img-src");
  expect(result.seen.some((directive) => directive.startsWith("script-src"))).toBe(true);
});

test("ordinary markdown in a reply is rendered, with safe links", async ({ signInAs }) => {
  const chat = await signInAs("xss");
  await chat.send("[[mock:markdown]]");
  const reply = chat.replies().last();
  await expect(reply).toHaveAttribute("data-status", "done");
  await expect(reply.locator("h1, h2, h3").first()).toBeVisible();
  await expect(reply.locator("li").first()).toBeVisible();
  await expect(reply.locator("pre code")).toHaveCount(1);
  await expect(reply.locator("table")).toHaveCount(1);
  const link = reply.locator("a[href^='https://']").first();
  await expect(link).toHaveAttribute("target", "_blank");
  await expect(link).toHaveAttribute("rel", /noopener/);
  await expect(link).toHaveAttribute("rel", /noreferrer/);
  await expect(link).toHaveAttribute("rel", /nofollow/);
});
