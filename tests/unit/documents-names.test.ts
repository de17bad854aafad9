import { describe, expect, it } from "vitest";
import { cleanFileName, downloadName } from "@/lib/documents/names";

describe("cleanFileName", () => {
  it.each([
    ["report.pdf", "report.pdf"],
    ["C:\\Users\\ada\\Desktop\\report.pdf", "report.pdf"],
    ["../../etc/passwd", "passwd"],
    // A right-to-left override would make "invoice‮fdp.exe" read as "invoiceexe.pdf".
    ["invoice\u202efdp.exe", "invoicefdp.exe"],
    ["zero\u200bwidth\u2060.txt", "zerowidth.txt"],
    ["line\nbreak\r\n.md", "linebreak.md"],
    ['quote"s <and> pipes|*?.txt', "quote_s _and_ pipes___.txt"],
    ["   spaced    out  .txt  ", "spaced out .txt"],
    [".hidden", "hidden"],
    ["", "document"],
    ["\u200b\u202e", "document"],
    ["/", "document"],
  ])("%j → %j", (raw, clean) => {
    expect(cleanFileName(raw)).toBe(clean);
  });

  it("keeps at most 120 characters, never splitting a character in two", () => {
    const name = cleanFileName(`${"😀".repeat(130)}.txt`);
    expect([...name]).toHaveLength(120);
    expect(name).toBe("😀".repeat(120));
  });
});

describe("downloadName", () => {
  it.each([
    ["notes.txt", "text/plain", "notes.txt"],
    ["notes.TXT", "text/plain", "notes.TXT"],
    ["plan.md", "text/markdown", "plan.md"],
    ["plan.markdown", "text/markdown", "plan.markdown"],
    ["data.csv", "text/csv", "data.csv"],
    ["report.pdf", "application/pdf", "report.pdf"],
    // The content decides: a name that says otherwise gets the real type's extension.
    ["page.html", "text/plain", "page.html.txt"],
    ["setup.exe", "text/plain", "setup.exe.txt"],
    ["report.pdf", "text/markdown", "report.pdf.md"],
    ["config", "application/json", "config.json"],
    ["image.svg", "text/plain", "image.svg.txt"],
  ] as const)("%s as %s → %s", (name, type, expected) => {
    expect(downloadName(name, type)).toBe(expected);
  });
});
