/**
 * Prints a password hash for AUTH_LOCAL_USERS: `npm run -s auth:hash-password -- PASSWORD`.
 * The hash is alone on the last line. Without an argument it reads the password from standard input,
 * so it need not appear in the shell history: `read -rs P && npm run -s auth:hash-password -- "$P"`.
 */
import { hashPassword } from "../lib/crypto/password-hash";

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

async function main(): Promise<void> {
  const password = process.argv[2] ?? (process.stdin.isTTY ? "" : await readStdin());
  if (!password) {
    console.error("usage: npm run -s auth:hash-password -- PASSWORD   (or pipe the password on standard input)");
    process.exit(2);
  }
  if (password.length < 8) {
    console.error("The password is shorter than 8 characters; choose a longer one.");
    process.exit(2);
  }
  console.log(await hashPassword(password));
}

void main();
