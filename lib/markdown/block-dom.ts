/**
 * Keeps an element's children equal to a list of blocks of sanitized HTML (from ./stream),
 * replacing only the blocks whose HTML changed: while a reply streams in, that is the open tail,
 * so the finished blocks stay the same nodes and are neither parsed nor laid out again.
 *
 * The blocks' nodes are the element's direct children, as if the blocks' HTML had been joined and
 * set as its innerHTML, so the stylesheet's `.markdown > :first-child` and sibling rules see what
 * they always saw. Each block is parsed on its own, in an inert document (no scripts, no loads),
 * so no markup in one block can open an element that takes in the next.
 */
export class BlockView {
  readonly #element: Element;
  readonly #parser: Element;
  #shown: Array<{ html: string; nodes: ChildNode[] }> = [];

  constructor(element: Element) {
    this.#element = element;
    this.#parser = element.ownerDocument.implementation.createHTMLDocument("").createElement("div");
    element.replaceChildren();
  }

  show(blocks: readonly string[]): void {
    const next: Array<{ html: string; nodes: ChildNode[] }> = [];
    blocks.forEach((html, index) => {
      const shown = this.#shown[index];
      // Finished blocks come back as the very same string: this is a pointer comparison.
      if (shown !== undefined && shown.html === html) {
        next.push(shown);
        return;
      }
      const nodes = this.#parse(html);
      const anchor = this.#firstNodeFrom(index);
      for (const node of nodes) this.#element.insertBefore(node, anchor);
      if (shown !== undefined) for (const node of shown.nodes) node.remove();
      next.push({ html, nodes });
    });
    for (const gone of this.#shown.slice(blocks.length)) for (const node of gone.nodes) node.remove();
    this.#shown = next;
  }

  #parse(html: string): ChildNode[] {
    this.#parser.innerHTML = html;
    const nodes = Array.from(this.#parser.childNodes);
    this.#parser.replaceChildren();
    return nodes;
  }

  /** The first node shown for block `index` or a later one: where block `index`'s new nodes go. */
  #firstNodeFrom(index: number): ChildNode | null {
    for (let i = index; i < this.#shown.length; i++) {
      const first = this.#shown[i]?.nodes[0];
      if (first !== undefined) return first;
    }
    return null;
  }
}
