/**
 * The slice of jsdom's API the unit tests use. jsdom comes in as a dependency of
 * isomorphic-dompurify and ships no types; this avoids adding @types/jsdom for one constructor.
 */
declare module "jsdom" {
  export class JSDOM {
    constructor(html?: string);
    readonly window: Window & typeof globalThis;
  }
}
