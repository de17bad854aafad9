import type { Page } from "@playwright/test";
import { expect, test, type ChatPage } from "./fixtures";

// One user for the whole file, and the e2e server allows it 4 messages an hour (CHAT_RATE_LIMIT in
// global-setup.ts): each test sends exactly one, and none relies on another's conversations.

const MOCK_REPLY = "Hello from the mock openai model.";

/** The conversation sidebar (a drawer on phones) and the budget, through their test ids. */
class ConversationList {
  constructor(readonly page: Page) {}
  body = () => this.page.getByTestId("conversation-list");
  items = () => this.body().getByTestId("conversation-item");
  item = (title: string) => this.items().filter({ has: this.page.getByTestId("conversation-title").filter({ hasText: title }) });
  open = (title: string) => this.item(title).getByTestId("conversation-open");

  /** Waits until the list came from the server (after a load or reload). */
  async loaded() {
    await expect(this.body()).toHaveAttribute("aria-busy", "false");
  }

  async remainingTokens(): Promise<number> {
    const text = await this.page.getByTestId("token-budget-remaining").innerText();
    return Number(text.replaceAll(",", ""));
  }
}

async function sendAndWait(chat: ChatPage, text: string) {
  await chat.send(text);
  await expect(chat.replies().last()).toHaveAttribute("data-status", "done");
}

test("a sent message becomes a conversation that can be reopened after a reload, renamed and deleted", async ({ signInAs, page }) => {
  const chat = await signInAs("conversations");
  const list = new ConversationList(page);
  const message = "Which lock should I put on a garden shed?";

  await sendAndWait(chat, message);
  // Listed at once, newest first, and marked as the one on screen.
  await expect(list.items().first()).toContainText(message);
  await expect(list.open(message)).toHaveAttribute("aria-current", "page");

  // A reload starts a new chat; the conversation is still in the list and opens with its messages.
  await page.reload();
  await list.loaded();
  await expect(chat.userMessages()).toHaveCount(0);
  await list.open(message).click();
  await expect(chat.userMessages()).toHaveText([message]);
  await expect(chat.replies()).toHaveCount(1);
  await expect(chat.replies().first()).toContainText(MOCK_REPLY);
  await expect(chat.replies().first()).toHaveAttribute("data-status", "done");
  await expect(list.open(message)).toHaveAttribute("aria-current", "page");

  // Rename in place: Enter saves; the new title is shown at once and kept by the server.
  await list.item(message).getByRole("button", { name: "Rename conversation" }).click();
  const input = page.getByTestId("conversation-title-input");
  await expect(input).toBeFocused();
  await expect(input).toHaveValue(message);
  await input.fill("Shed security");
  const renamed = page.waitForResponse((res) => res.request().method() === "PATCH" && res.url().includes("/api/conversations/"));
  await input.press("Enter");
  await expect(list.item("Shed security")).toHaveCount(1);
  expect((await renamed).status()).toBe(200);
  await page.reload();
  await list.loaded();
  await expect(list.item("Shed security")).toHaveCount(1);
  await expect(list.item(message)).toHaveCount(0);

  // Delete the open conversation: after the confirmation it leaves the list and a new chat starts.
  await list.open("Shed security").click();
  await expect(chat.userMessages()).toHaveCount(1);
  await list.item("Shed security").getByRole("button", { name: "Delete conversation" }).click();
  await list.item("Shed security").getByTestId("conversation-delete-confirm").click();
  await expect(list.item("Shed security")).toHaveCount(0);
  await expect(chat.userMessages()).toHaveCount(0);
  await page.reload();
  await list.loaded();
  await expect(list.item("Shed security")).toHaveCount(0);
});

test("the day's token budget is shown and goes down after a reply", async ({ signInAs, page }) => {
  const chat = await signInAs("conversations");
  const list = new ConversationList(page);
  const budget = page.getByTestId("token-budget");

  await expect(budget).toBeVisible();
  await expect(budget).toContainText(/^[\d,]+ tokens left today/);
  await expect(budget).toHaveAttribute("title", /^Resets at .+ your time, in \d+/);
  const before = await list.remainingTokens();
  expect(before).toBeGreaterThan(0);

  await sendAndWait(chat, "How many tokens does a short question cost?");
  await expect.poll(() => list.remainingTokens()).toBeLessThan(before);
  // What the header says is what the server says.
  const server = await page.evaluate(async () => {
    const res = await fetch("/api/usage", { credentials: "same-origin", cache: "no-store" });
    return ((await res.json()) as { tokens: { remaining: number } }).tokens.remaining;
  });
  expect(await list.remainingTokens()).toBe(server);
});

test("delete all my data empties the list after a typed confirmation", async ({ signInAs, page }) => {
  const chat = await signInAs("conversations");
  const list = new ConversationList(page);
  await sendAndWait(chat, "Something to delete along with everything else");
  // Count what the server has, not what this page added.
  await page.reload();
  await list.loaded();
  const count = await list.items().count();
  expect(count).toBeGreaterThan(0);

  const dialog = page.getByTestId("delete-data-dialog");
  const openDialog = async () => {
    await page.getByTestId("account-menu").click();
    await page.getByTestId("delete-all-data").click();
    await expect(dialog).toBeVisible();
  };

  // Escape backs out and deletes nothing.
  await openDialog();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(list.items()).toHaveCount(count);

  await openDialog();
  await expect(dialog).toContainText("all your conversations");
  await expect(dialog).toContainText("usage counters");
  const confirm = dialog.getByTestId("delete-data-input");
  const submit = dialog.getByTestId("delete-data-submit");
  await expect(submit).toBeDisabled();
  await confirm.fill("delete");
  await expect(submit).toBeDisabled();
  await confirm.fill("DELETE");
  await submit.click();

  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("status-message")).toHaveText(`Deleted ${count} ${count === 1 ? "conversation" : "conversations"}.`);
  await expect(list.items()).toHaveCount(0);
  await expect(list.body()).toContainText("No conversations yet");
  await expect(chat.userMessages()).toHaveCount(0);
  await page.reload();
  await list.loaded();
  await expect(list.body()).toContainText("No conversations yet");
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test("the list is a drawer: the header button opens it, Escape and choosing a conversation close it", async ({ signInAs, page }) => {
    const chat = await signInAs("conversations");
    const list = new ConversationList(page);
    const message = "Hello from a small screen";
    await sendAndWait(chat, message);
    await page.getByRole("button", { name: "New chat" }).click();
    await expect(chat.userMessages()).toHaveCount(0);

    const toggle = page.getByTestId("sidebar-toggle");
    await expect(toggle).toBeInViewport();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toHaveAttribute("aria-controls", "conversation-sidebar");
    await expect(list.body()).toBeHidden();
    await expect(page.getByTestId("token-budget")).toBeInViewport();
    await expect(page.getByTestId("sign-out")).toBeInViewport();

    await toggle.click();
    await expect(toggle).toHaveAttribute("aria-expanded", "true");
    await expect(list.body()).toBeInViewport();
    await page.keyboard.press("Escape");
    await expect(list.body()).toBeHidden();
    await expect(toggle).toHaveAttribute("aria-expanded", "false");
    await expect(toggle).toBeFocused();

    await toggle.click();
    await list.open(message).click();
    await expect(list.body()).toBeHidden();
    await expect(chat.userMessages()).toHaveText([message]);
    await expect(chat.replies().first()).toContainText(MOCK_REPLY);

    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);
  });
});
