import type { AttachmentType } from "../wire";

/** Extensions a download may keep for each type; any other gets the type's own appended. */
const EXTENSIONS: Record<AttachmentType, string[]> = {
  "text/plain": ["txt", "text", "log"],
  "text/markdown": ["md", "markdown"],
  "text/csv": ["csv"],
  "application/json": ["json"],
  "application/pdf": ["pdf"],
};

const MAX_NAME_CHARS = 120;

/**
 * A file's name as the app shows and stores it: the last path segment only, without control,
 * invisible or bidi characters (which can make `evil‮fdp.exe` read as `evil.exe.pdf`), trimmed and
 * at most 120 characters; "document" when nothing is left.
 */
export function cleanFileName(raw: string): string {
  const base = raw.split(/[\\/]/).pop() ?? "";
  const clean = base
    .normalize("NFC")
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, "")
    .replace(/["<>|*?:]/g, "_")
    .replace(/\s+/g, " ")
    .trim()
    .replace(/^\.+/, "");
  const name = [...clean].slice(0, MAX_NAME_CHARS).join("").trim();
  return name || "document";
}

/**
 * The name a download is saved under: the stored name, with the extension of the type the content
 * really is when the name says otherwise, so a text file named `page.html` is saved as
 * `page.html.txt` and never opens as a web page from the person's disk.
 */
export function downloadName(name: string, type: AttachmentType): string {
  const extension = /\.([A-Za-z0-9]{1,10})$/.exec(name)?.[1]?.toLowerCase();
  const allowed = EXTENSIONS[type];
  return extension && allowed.includes(extension) ? name : `${name}.${allowed[0]}`;
}
