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

  // Nothing more arrives after Stop. The markdown is drawn on the animation frame after its text
  // changes (components/chat/markdown.tsx), so the last words that came before Stop can appear a
  // frame after the Stopped label: the reply is read once it holds still for 200 ms. A Stop that
  // failed would not hold still: the slow reply sends a chunk every 50 ms for 20 s.
  await expect
    .poll(async () => {
      const before = await reply.innerText();
      await chat.page.waitForTimeout(200);
      return (await reply.innerText()) === before;
    })
    .toBe(true);
  const after = await reply.innerText();
  await chat.page.waitForTimeout(600);
  expect(await reply.innerText()).toBe(after);
  await expect(chat.userMessages().last()).toContainText("tell me a long story");
  await expect(chat.composer()).toBeEnabled();
});
