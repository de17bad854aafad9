import { expect, test } from "./fixtures";

test("Stop ends a streaming reply and keeps what arrived", async ({ signInAs }) => {
  const chat = await signInAs("stop");
  await chat.send("[[mock:slow]] tell me a long story");
  const reply = chat.replies().last();
  await expect(reply).toContainText("chunk 3");
  await chat.stopButton().click();
  await expect(reply).toHaveAttribute("data-status", "stopped");
  await expect(reply).toContainText("Stopped");
  await expect(chat.stopButton()).toBeHidden();

  // Nothing more arrives after Stop.
  const after = await reply.innerText();
  await chat.page.waitForTimeout(600);
  expect(await reply.innerText()).toBe(after);
  await expect(chat.userMessages().last()).toContainText("tell me a long story");
  await expect(chat.composer()).toBeEnabled();
});
