import type { Page } from "@playwright/test";
import { expect, test } from "./fixtures";

// The "signin" user: its own spec only signs in and out, so no chat usage or key of another spec
// mixes with these (a dedicated user would need a change to global-setup.ts).
const USER = "signin";
const KEY_SHAPE = /^bwk_[0-9A-Za-z]{46}$/;

/** How far the page itself scrolls sideways; the key list may scroll inside its own box, the page may not. */
const sidewaysOverflow = (page: Page) => page.evaluate(() => (document.scrollingElement?.scrollWidth ?? 0) - window.innerWidth);

/** A key's row, found by the part of the key the list shows (`bwk_` and six characters). */
const rowOf = (page: Page, key: string) => page.getByTestId("api-key-row").filter({ hasText: `${key.slice(0, 10)}…` });

/** The way people get there: the account menu's link. */
async function openApiKeys({ page, baseUrl, tap = false }: { page: Page; baseUrl: string; tap?: boolean }) {
  const press = (testId: string) => (tap ? page.getByTestId(testId).tap() : page.getByTestId(testId).click());
  await press("account-menu");
  await press("api-keys-link");
  await expect(page).toHaveURL(`${baseUrl}/settings/api-keys`);
  await expect(page.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();
  await expect(page.getByTestId("api-key-form")).toBeVisible();
}

/** Reads the key shown once and dismisses it: afterwards nothing in the page holds it. */
async function takeKey(page: Page): Promise<string> {
  const key = ((await page.getByTestId("api-key-secret").textContent()) ?? "").trim();
  expect(key).toMatch(KEY_SHAPE);
  await expect(page.getByTestId("api-key-reveal")).toContainText("Copy this key now. You will not be able to see it again.");
  await page.getByTestId("api-key-done").click();
  await expect(page.getByTestId("api-key-reveal")).toHaveCount(0);
  expect(await page.locator("body").innerText()).not.toContain(key);
  expect(await page.content()).not.toContain(key);
  return key;
}

async function createKey(page: Page, { name, model }: { name: string; model?: string }) {
  await page.getByTestId("api-key-name").fill(name);
  if (model) await page.locator(`[data-testid="api-key-model"][value="${model}"]`).check();
  await page.getByTestId("api-key-create").click();
  await expect(page.getByTestId("api-key-secret")).toBeVisible();
}

test("a key is shown once, works, is rolled with no grace period, and is revoked", async ({ page, baseUrl, signInAs }) => {
  await signInAs(USER);
  await openApiKeys({ page, baseUrl });
  await expect(page.getByTestId("api-base-url")).toHaveText(`${baseUrl}/api/v1`);

  const name = `e2e key ${Date.now()}`;
  await createKey(page, { name, model: "demo:demo" });
  await expect(page.getByTestId("api-keys-status")).toContainText(`Created the key “${name}”`);
  // The form is ready for the next key once this one exists.
  await expect(page.getByTestId("api-key-name")).toHaveValue("");
  await page.context().grantPermissions(["clipboard-read", "clipboard-write"], { origin: baseUrl });
  await page.getByTestId("api-key-copy").getByRole("button").click();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  const key = await takeKey(page);
  expect(copied).toBe(key);

  const row = rowOf(page, key);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute("data-status", "active");
  await expect(row).toContainText(name);
  await expect(row).toContainText("Demo (offline)");
  await expect(row).toContainText("never");

  // The relay endpoint (/api/v1) takes the key. Soft: the rest of the page is tested either way.
  const models = (bearer: string) => fetch(`${baseUrl}/api/v1/models`, { headers: { Authorization: `Bearer ${bearer}` } });
  const listed = await models(key);
  expect.soft(listed.status, "GET /api/v1/models with the new key").toBe(200);
  if (listed.ok) {
    const ids = ((await listed.json()) as { data: { id: string }[] }).data.map((m) => m.id);
    expect.soft(ids, "a key limited to one model lists only that one").toEqual(["demo:demo"]);
  }

  // Escape backs out of a confirmation and nothing happens.
  await row.getByTestId("api-key-revoke").click();
  await expect(row.getByTestId("api-key-confirm")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(row.getByTestId("api-key-confirm")).toHaveCount(0);
  await expect(row.getByTestId("api-key-revoke")).toBeFocused();

  // Roll with no grace period: the old key stops at once, the new one is shown once.
  await row.getByTestId("api-key-roll").click();
  await row.getByTestId("api-key-grace").selectOption("0");
  await row.getByTestId("api-key-roll-confirm").click();
  await expect(page.getByTestId("api-key-secret")).toBeVisible();
  await expect(page.getByTestId("api-key-secret")).not.toHaveText(key);
  const rolled = await takeKey(page);
  expect(rolled).not.toBe(key);
  await expect(row).toHaveAttribute("data-status", "expired");
  await expect(row.getByTestId("api-key-roll")).toHaveCount(0);
  const newRow = rowOf(page, rolled);
  await expect(newRow).toHaveAttribute("data-status", "active");
  await expect(newRow).toContainText(name);
  expect.soft((await models(key)).status, "the rolled key, with no grace period, is refused").toBe(401);
  expect.soft((await models(rolled)).status, "its replacement works").toBe(200);

  // Revoke, after confirming: the row goes, and the API no longer lists the key.
  const id = await newRow.getAttribute("data-key-id");
  await newRow.getByTestId("api-key-revoke").click();
  await newRow.getByTestId("api-key-confirm").click();
  await expect(newRow).toHaveCount(0);
  await expect(page.getByTestId("api-keys-status")).toContainText(`Revoked the key “${name}”`);
  const res = await page.request.get(`${baseUrl}/api/keys`, { headers: { Origin: baseUrl } });
  expect(res.status()).toBe(200);
  const remaining = ((await res.json()) as { keys: { id: string; prefix: string }[] }).keys;
  expect(remaining.map((k) => k.id)).not.toContain(id);
  expect(remaining.map((k) => k.prefix)).not.toContain(rolled.slice(0, 10));
  expect.soft((await models(rolled)).status, "a revoked key is refused").toBe(401);
});

test.describe("on a phone", () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test("the page fits a phone, and a field error shows beside its field and keeps what was typed", async ({ page, baseUrl, signInAs }) => {
    await signInAs(USER);
    await openApiKeys({ page, baseUrl, tap: true });
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

    // A key in the list, so its card is measured too, and the long key while it is shown.
    await createKey(page, { name: "phone key with a rather long name to wrap" });
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);
    const key = await takeKey(page);
    await expect(rowOf(page, key)).toBeVisible();
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

    // Above the user's own rate limit (CHAT_RATE_LIMIT 4/1h in the e2e app: at most 1 a minute).
    await page.getByTestId("api-key-name").fill("too fast");
    await page.getByTestId("api-key-rate-limit").fill("1000");
    await page.getByTestId("api-key-create").tap();
    await expect(page.getByTestId("api-key-rate-limit-error")).toContainText("at most your own limit");
    await expect(page.getByTestId("api-key-rate-limit")).toHaveAttribute("aria-invalid", "true");
    await expect(page.getByTestId("api-key-rate-limit")).toBeFocused();
    await expect(page.getByTestId("api-key-form-error")).toBeVisible();
    await expect(page.getByTestId("api-key-name")).toHaveValue("too fast");
    await expect(page.getByTestId("api-key-rate-limit")).toHaveValue("1000");
    await expect(page.getByTestId("api-key-secret")).toHaveCount(0);
    await expect(page.getByTestId("api-key-row").filter({ hasText: "too fast" })).toHaveCount(0);
    expect(await sidewaysOverflow(page)).toBeLessThanOrEqual(0);

    const row = rowOf(page, key);
    await row.getByTestId("api-key-revoke").tap();
    await row.getByTestId("api-key-confirm").tap();
    await expect(row).toHaveCount(0);
  });
});
