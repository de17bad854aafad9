/**
 * Personal data out of the prompt: detectors for emails, phone numbers, card numbers, IBANs, US
 * SSNs, IP addresses and credentials, a per-conversation placeholder map, and a stream restorer.
 * Pure functions and classes: no I/O, no environment, safe in scripts, tests and the browser.
 */
export { ENTITY_TYPES, findEntities, findSecrets, secretHoldStart } from "./find";
export { PlaceholderMap, type PlaceholderMapJSON, type RedactedEntity } from "./placeholders";
export { PlaceholderRestorer } from "./restore-stream";
