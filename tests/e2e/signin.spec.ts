import { expect, test } from "./fixtures";

test("a page that needs a user sends an anonymous visitor to the sign-in page", async ({ page, baseUrl }) => {
  await page.goto(`${baseUrl}/`);
  await expect(page).toHaveURL(/\/signin/);
  await expect(page.getByTestId("signin-email")).toBeVisible();
});

test("a wrong password shows an error and keeps the email", async ({ page, baseUrl, users }) => {
  await page.goto(`${baseUrl}/signin`);
  await page.getByTestId("signin-email").fill(users.signin.email);
  await page.getByTestId("signin-password").fill("not-the-password");
  await page.getByTestId("signin-submit").click();
  await expect(page.getByTestId("signin-error")).toContainText(/wrong email or password/i);
  await expect(page.getByTestId("signin-email")).toHaveValue(users.signin.email);
});

test("a local account signs in, sees the chat, and signs out", async ({ page, signInAs, users, baseUrl }) => {
  await signInAs("signin");
  await expect(page.getByTestId("user-email")).toHaveText(users.signin.email);
  await page.getByTestId("sign-out").click();
  await expect(page).toHaveURL(/\/signin/);
  await page.goto(`${baseUrl}/`);
  await expect(page).toHaveURL(/\/signin/);
});
