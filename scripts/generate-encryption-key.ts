/**
 * Prints a new random key for CONVERSATION_ENCRYPTION_KEY: `npx tsx scripts/generate-encryption-key.ts`.
 * The key is alone on one line. To rotate, put the new key first and keep the old ones after it
 * (`NEW,OLD`): old conversations still open, new ones use the new key.
 */
import { generateKey } from "../lib/crypto/keyring";

console.log(generateKey());
