import type { Page } from "@playwright/test";
import { expect, test, type ChatPage } from "./fixtures";

// The demo model calls save_note when asked to "save a note: …" (lib/providers/demo.ts), and the
// e2e server runs with TOOLS=all. Each test has its own user and sends two requests (the message
// and the answer), within the e2e server's 4 an hour.

const approvalCard = (page: Page) => page.getByTestId("approval-card").last();

async function askForNote(chat: ChatPage, text: string) {
  await chat.chooseModel("demo:demo");
  await chat.send(`save a note: ${text}`);
  // The reply ends with the call waiting; the buttons work once it is done.
  await expect(chat.replies().last()).toHaveAttribute("data-status", "done");
  const card = approvalCard(chat.page);
  await expect(card).toBeVisible();
  await expect(card.getByRole("heading")).toHaveText("Approve this action: Save a note");
  // The demo model's title is the text's first 60 characters.
  await expect(card.getByTestId("approval-arg-title")).toHaveText(text.slice(0, 60).trim());
  await expect(card.getByTestId("approval-arg-body")).toHaveText(text);
  return card;
}

async function openNotes(page: Page) {
  await page.getByTestId("account-menu").click();
  await page.getByRole("button", { name: "Notes" }).click();
  const dialog = page.getByRole("dialog", { name: "Notes" });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByText("Loading notes…")).toHaveCount(0);
  return dialog;
}

test("a note is saved only once approved, with the keyboard, and is then listed and deletable", async ({ signInAs, page }) => {
  const chat = await signInAs("tools");
  const title = "Buy lemons for the cake";
  const card = await askForNote(chat, title);

  // The card takes focus when it appears; Tab reaches Approve, Enter presses it.
  const approve = card.getByRole("button", { name: "Approve" });
  await expect(approve).toBeEnabled();
  await expect(card).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(approve).toBeFocused();
  await page.keyboard.press("Enter");

  await expect(card.getByTestId("approval-outcome")).toHaveText("Approved");
  await expect(card.getByRole("button")).toHaveCount(0);
  // The reply carries on in a new message: the call ran, and the model answered from its result.
  const result = chat.replies().last().getByTestId("tool-card");
  await expect(result).toContainText("Save a note");
  await expect(result.getByRole("status")).toContainText(`Saved the note "${title}"`);
  await expect(chat.replies().last()).toHaveAttribute("data-status", "done");

  const notes = await openNotes(page);
  const note = notes.getByTestId("note");
  await expect(note).toHaveCount(1);
  await expect(note).toContainText(title);
  await note.getByRole("button", { name: `Delete note: ${title}` }).click();
  await expect(notes.getByText("No notes yet. Ask the assistant to save one; you approve each note before it is saved.")).toBeVisible();
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("a declined note is not saved, and the approval card fits the screen", async ({ signInAs, page }) => {
    const chat = await signInAs("tooldeny");
    // One long word, which must wrap rather than widen the page (no web address: that would make the demo model read it).
    const text = "Call the plumber: washer-size-thirteen-millimetres-from-the-hardware-shop-on-the-corner-of-the-high-street";
    const card = await askForNote(chat, text);

    for (const name of ["Approve", "Deny"]) {
      const button = card.getByRole("button", { name });
      await expect(button).toBeInViewport();
      const box = await button.boundingBox();
      expect(box, name).not.toBeNull();
      expect(box?.x ?? -1).toBeGreaterThanOrEqual(0);
      expect((box?.x ?? 0) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    }
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBeLessThanOrEqual(0);

    await card.getByRole("button", { name: "Deny" }).click();
    await expect(card.getByTestId("approval-outcome")).toHaveText("Declined");
    await expect(card.getByRole("button")).toHaveCount(0);
    await expect(chat.replies().last().getByTestId("tool-card").getByRole("status")).toContainText("Declined");
    await expect(chat.replies().last()).toHaveAttribute("data-status", "done");

    const notes = await openNotes(page);
    await expect(notes.getByTestId("note")).toHaveCount(0);
    await expect(notes.getByText("No notes yet.", { exact: false })).toBeVisible();
  });
});
