import { expect, test } from "./fixtures";

test("a message streams its reply into the page", async ({ signInAs }) => {
  const chat = await signInAs("chat");
  await chat.chooseModel("demo:demo");
  await chat.send("Show me what you do with my message");
  await expect(chat.userMessages().last()).toHaveText("Show me what you do with my message");

  // The demo model streams word by word: the reply is seen growing before it is finished.
  const reply = chat.replies().last();
  await expect(reply).toHaveAttribute("data-status", "streaming");
  // Screen readers are told the reply is live and still busy.
  await expect(reply).toHaveAttribute("aria-live", "polite");
  await expect(reply).toHaveAttribute("aria-busy", "true");
  await expect(reply).toContainText("Demo model");
  const partial = (await reply.innerText()).length;
  await expect(reply).not.toHaveAttribute("data-status", "streaming", { timeout: 30_000 });
  await expect(reply).toHaveAttribute("aria-busy", "false");
  expect((await reply.innerText()).length).toBeGreaterThan(partial);
  await expect(reply).toContainText("Show me what you do with my message");
  await expect(chat.composer()).toBeFocused();
});

test("Shift+Enter adds a line, Enter sends, and the conversation continues", async ({ signInAs }) => {
  const chat = await signInAs("chat");
  await chat.composer().fill("first line");
  await chat.composer().press("Shift+Enter");
  await chat.composer().pressSequentially("second line");
  await expect(chat.composer()).toHaveValue("first line\nsecond line");
  await chat.composer().press("Enter");
  await expect(chat.userMessages().last()).toHaveText("first line\nsecond line");
  await expect(chat.replies().last()).toContainText("Hello from the mock openai model.");
  await expect(chat.composer()).toHaveValue("");

  await chat.send("and a follow-up");
  await expect(chat.replies()).toHaveCount(2);
  await expect(chat.replies().last()).toHaveAttribute("data-status", "done");
});
