/** Of the elements of one name: how many are open, and the index of the outermost hidden one. */
interface OfName {
  open: number;
  /** -1: none of them hidden. */
  outermostHidden: number;
}

/**
 * The formatting elements (`<b>`, `<i>`…) opened in a hidden subtree and not yet closed by their
 * own end tags, hidden or not, by name: those a browser opens again after an enclosing end tag
 * closes them, nested as they were. An element's own end tag closes the innermost open one of
 * its name, so of each name it keeps only how many are open and where the outermost hidden one
 * is: constant space per name, constant time per tag.
 */
export class UnclosedFormatting {
  readonly #byName = new Map<string, OfName>();

  /** Records an element `name` opened inside the others, `hidden` or not. */
  opened(name: string, hidden: boolean): void {
    const ofName = this.#byName.get(name) ?? { open: 0, outermostHidden: -1 };
    if (hidden && ofName.outermostHidden < 0) ofName.outermostHidden = ofName.open;
    ofName.open += 1;
    this.#byName.set(name, ofName);
  }

  /** Records the innermost open element `name` closed by its own end tag. */
  closed(name: string): void {
    const ofName = this.#byName.get(name);
    if (ofName === undefined || ofName.open === 0) return;
    ofName.open -= 1;
    if (ofName.outermostHidden >= ofName.open) ofName.outermostHidden = -1;
  }

  /**
   * How many end tags of each name close every hidden element of that name still open (the
   * elements inside the outermost hidden one too); names with no hidden element open left out.
   */
  endTagsToReveal(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const [name, { open, outermostHidden }] of this.#byName) {
      if (outermostHidden >= 0) counts.set(name, open - outermostHidden);
    }
    return counts;
  }
}
