import { expect, test } from "./fixtures";

test.use({ viewport: { width: 360, height: 740 } });

test("the chat works on a phone-sized screen without sideways scrolling", async ({ signInAs, page }) => {
  const chat = await signInAs("mobile");
  await chat.send("hello from a phone");
  await expect(chat.replies().last()).toHaveAttribute("data-status", "done");
  await expect(chat.composer()).toBeInViewport();
  await expect(page.getByTestId("sign-out")).toBeInViewport();
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
});
