import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

const SECTIONS = ["spend", "users", "events", "keys"] as const;

/** How far the page itself scrolls sideways; tables may scroll inside their own box, the page may not. */
const sidewaysOverflow = (page: Page) => page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth);

test("the admin area is not there for anyone else", async ({ page, baseUrl, signInAs }) => {
  await signInAs("blockme");
  await page.getByTestId("account-menu").tap();
  await expect(page.getByTestId("delete-all-data")).toBeVisible();
  await expect(page.getByTestId("admin-link")).toHaveCount(0);
  const res = await page.goto(`${baseUrl}/admin`);
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId("admin-section-users")).toHaveCount(0);
});

test("the admin dashboard works on a phone: every section, no sideways scrolling, block and unblock by tapping", async ({ page, baseUrl, users, signInAs }) => {
  // Someone with usage today, so they are in the users table.
  const someone = await signInAs("blockme");
  await someone.send("hello from someone about to be blocked");
  await expect(someone.replies().last()).toHaveAttribute("data-status", "done");
  await page.context().clearCookies();

  await signInAs("admin");
  // Admins find the dashboard in the account menu.
  await page.getByTestId("account-menu").tap();
  await page.getByTestId("admin-link").tap();
  await expect(page).toHaveURL(`${baseUrl}/admin`);
  for (const id of SECTIONS) await expect(page.getByTestId(`admin-section-${id}`)).toBeVisible();
  await expect(page.getByTestId("spend-chart").getByRole("img", { name: "Spend per day" })).toBeVisible();
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

  const row = page.getByTestId("user-row").filter({ hasText: users.blockme.email });
  await row.getByTestId("block-user").tap();
  await expect(page).toHaveURL(/notice=user_blocked/);
  await expect(page.getByTestId("admin-notice")).toContainText(`${users.blockme.email}: Blocked.`);
  await expect(row.getByTestId("user-status")).toContainText("Blocked");
  expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

  await row.getByTestId("unblock-user").tap();
  await expect(page).toHaveURL(/notice=user_unblocked/);
  await expect(row.getByTestId("user-status")).not.toContainText("Blocked");
  await expect(row.getByTestId("block-user")).toBeVisible();

  // Both actions are in the events, newest first.
  const kinds = await page.getByTestId("event-row").evaluateAll((rows) => rows.map((r) => r.getAttribute("data-kind")));
  expect(kinds.indexOf("admin.user_unblocked")).toBeGreaterThanOrEqual(0);
  expect(kinds.indexOf("admin.user_unblocked")).toBeLessThan(kinds.indexOf("admin.user_blocked"));
});
