/** Escaping for the little HTML the renderer writes itself; everything else goes through DOMPurify. */
const ENTITIES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

export function escapeAttribute(text: string): string {
  // Leaves the entities marked has already produced ("&lt;") alone, as its own image renderer does.
  return text.replace(/&(?!#?\w+;)|[<>"']/g, (ch) => ENTITIES[ch] ?? ch);
}

/** The reply as escaped text in one paragraph: what is shown when it cannot be rendered safely. */
export function plainTextHtml(markdown: string): string {
  return `<p>${escapeText(markdown).replace(/\r\n?|\n/g, "<br>")}</p>`;
}
