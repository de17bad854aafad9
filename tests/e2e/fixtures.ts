import { test as base, expect, type Page } from "@playwright/test";
import type { TestUser } from "../support/test-env";
import type { E2E_USERS } from "./global-setup";

type UserName = (typeof E2E_USERS)[number];

/** The chat page, driven through its stable test ids. */
export class ChatPage {
  constructor(readonly page: Page) {}
  composer = () => this.page.getByTestId("composer");
  sendButton = () => this.page.getByTestId("send");
  stopButton = () => this.page.getByTestId("stop");
  userMessages = () => this.page.getByTestId("message-user");
  replies = () => this.page.getByTestId("message-assistant");
  error = () => this.page.getByTestId("chat-error");

  async send(text: string) {
    await this.composer().fill(text);
    await this.composer().press("Enter");
  }

  async chooseModel(id: string) {
    await this.page.getByTestId("model-picker").selectOption(id);
  }
}

type Fixtures = {
  baseUrl: string;
  mockOrigin: string;
  users: Record<UserName, TestUser>;
  signInAs: (name: UserName) => Promise<ChatPage>;
};

// Playwright reads which fixtures a fixture uses from its first parameter, so one that uses none takes `{}`.
export const test = base.extend<Fixtures>({
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature (above).
  baseUrl: async ({}, use) => use(process.env.E2E_BASE_URL ?? ""),
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature (above).
  mockOrigin: async ({}, use) => use(process.env.E2E_MOCK_ORIGIN ?? ""),
  // biome-ignore lint/correctness/noEmptyPattern: Playwright's fixture signature (above).
  users: async ({}, use) => use(JSON.parse(process.env.E2E_USERS ?? "{}") as Record<UserName, TestUser>),
  signInAs: async ({ page, baseUrl, users }, use) => {
    await use(async (name) => {
      const user = users[name];
      await page.goto(`${baseUrl}/signin`);
      await page.getByTestId("signin-email").fill(user.email);
      await page.getByTestId("signin-password").fill(user.password);
      await page.getByTestId("signin-submit").click();
      await page.waitForURL(`${baseUrl}/`);
      const chat = new ChatPage(page);
      await expect(chat.composer()).toBeVisible();
      return chat;
    });
  },
});

export { expect };
