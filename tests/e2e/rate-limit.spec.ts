import { expect, test } from "./fixtures";

test("hitting the rate limit says when to try again and keeps the message", async ({ signInAs }) => {
  const chat = await signInAs("ratelimit");
  for (let i = 1; i <= 4; i += 1) {
    await chat.send(`message ${i}`);
    await expect(chat.replies()).toHaveCount(i);
    await expect(chat.replies().last()).toHaveAttribute("data-status", "done");
  }
  await chat.send("one too many");
  await expect(chat.error()).toContainText(/Too many messages: try again in \d+ (s|min)/);
  // Nothing is lost: the refused message is back in the composer, ready to retry.
  await expect(chat.composer()).toHaveValue("one too many");
  await expect(chat.userMessages()).toHaveCount(4);
});
