import {
  BLOCK_END,
  BUTTON_SCOPE,
  CLOSES_P,
  DEFAULT_SCOPE,
  FORMATTING,
  HEADINGS,
  IMPLIED_END_TAGS,
  LIST_ITEM_SCOPE,
  SPECIAL,
  TABLE_ENDS,
  TABLE_PARTS,
  TABLE_SCOPE,
  TABLE_SECTIONS,
  VOID,
} from './html-element-kinds.js';

/** Most elements kept: past this depth the outermost half is forgotten. */
export const MAX_OPEN_ELEMENTS = 128;

/** Most names of forgotten elements kept. */
const MAX_FORGOTTEN_NAMES = 64;

/** The elements by which a browser reads a table's tags (its insertion mode). */
const TABLE_CONTEXTS = new Set([...TABLE_PARTS, 'table', 'template']);

/** Start tags a browser opens no element for in a page's body. */
const IGNORED_IN_BODY = new Set(['html', 'body', 'head', 'frame']);

/** A list item, which a new one's start tag closes. */
const LIST_ITEMS: ReadonlySet<string> = new Set(['li']);

/** A definition's term or description, which the next one's start tag closes. */
const DEFINITIONS: ReadonlySet<string> = new Set(['dd', 'dt']);

/** Where a start tag leaves the stack: its element opened, nothing opened, or not known. */
export type Opening = 'opened' | 'none' | 'unknown';

/** An element looked for on the stack: its index, not open (or out of scope), or not known. */
type Found = number | 'absent' | 'unknown';

/**
 * The top of a browser's stack of open elements, as HTML's tree construction keeps it while it
 * reads a page's body, bounded in depth: so that a hidden element ends where a browser ends it
 * (at an enclosing element's end tag, or a start tag that closes an enclosing paragraph, list
 * item or cell) and nowhere earlier. It models the rules for well-formed and commonly malformed
 * markup; a tag whose effect it does not model exactly (a misnested formatting element, `<select>`,
 * column groups…) answers "unknown", and the reader then forgets the stack ({@link forget}): what
 * is kept is always exactly the top of the browser's stack, whatever the page holds.
 */
export class OpenElements {
  readonly #names: string[] = [];
  /** Elements forgotten below the kept ones (depth = this + kept). */
  #below = 0;
  /**
   * The names of the forgotten elements, each once, nearest first: what a search down the stack
   * meets first among them (an element looked for, or one that stops the search) is the first
   * of its name.
   */
  #forgotten: string[] = [];
  /** Whether the elements kept and the names forgotten reach the `<body>`. */
  #complete = true;
  /** Index of the hidden element being read past, while it is open. */
  #hiddenAt: number | undefined;
  /** Whether a `<form>` is open as the form element (undefined: not known). */
  #form: boolean | undefined = false;
  /** Formatting elements closed by another's tag, which a browser opens again at the next text. */
  readonly #reopened = new Set<string>();

  /** How many elements are open (those forgotten included). */
  get depth(): number {
    return this.#below + this.#names.length;
  }

  /** Forgets every element kept: what is open is no longer known. */
  forget(): void {
    this.#names.length = 0;
    this.#below = 0;
    this.#forgotten = [];
    this.#complete = false;
    this.#form = undefined;
    this.#hiddenAt = undefined;
  }

  /** Marks the current element as hidden: {@link hiding} until it and all in it are closed. */
  hideCurrent(): void {
    this.#hiddenAt = this.depth - 1;
  }

  /** Whether the element marked hidden, or an element in it, is still open. */
  get hiding(): boolean {
    return this.#hiddenAt !== undefined && this.depth > this.#hiddenAt;
  }

  /** How many open elements named `name` are the hidden element or in it. */
  countHidden(name: string): number {
    const from = Math.max(0, (this.#hiddenAt ?? this.depth) - this.#below);
    return this.#names.slice(from).filter((n) => n === name).length;
  }

  /**
   * Applies a start tag: the elements its tag closes ({@link closeBefore}), then its element
   * opened ({@link open}).
   */
  start(name: string): Opening {
    return this.closeBefore(name) ? this.open(name) : 'unknown';
  }

  /**
   * Closes the elements a start tag closes before its element opens (an open `<p>` at a block,
   * the previous item at `<li>`, the cell at the next `<td>`…); false when not known. Applying
   * it twice closes nothing more.
   */
  closeBefore(name: string): boolean {
    if (TABLE_PARTS.has(name)) return this.#closeForTablePart(name);
    if (name === 'table') return this.#closeForTable();
    if (name === 'select' || name === 'frameset' || name === 'colgroup' || name === 'col')
      return false;
    if ((name === 'a' || name === 'nobr') && !this.#isNew(name)) return false;
    if (name === 'li' && !this.#closeItem(LIST_ITEMS)) return false;
    if ((name === 'dd' || name === 'dt') && !this.#closeItem(DEFINITIONS)) return false;
    if (CLOSES_P.has(name) && !(name === 'form' && this.#form !== false)) {
      if (!this.#closeIn((n) => n === 'p', BUTTON_SCOPE)) return false;
    }
    if (HEADINGS.has(name)) return this.#popCurrentIf((n) => HEADINGS.has(n));
    if (name === 'option' || name === 'optgroup') return this.#popCurrentIf((n) => n === 'option');
    if (name === 'button') return this.#closeIn((n) => n === 'button', DEFAULT_SCOPE);
    if (name === 'rb' || name === 'rtc' || name === 'rp' || name === 'rt') return false;
    return true;
  }

  /** Opens the element of a start tag whose closing {@link closeBefore} has applied. */
  open(name: string): Opening {
    // A browser reads `<html>`, `<body>` and `<head>` in a page's body as no element.
    if (VOID.has(name) || IGNORED_IN_BODY.has(name)) return 'none';
    if (name === 'form') {
      if (this.#form === undefined || this.#mayBeOpen('template')) return 'unknown';
      if (this.#form) return 'none';
      this.#form = true;
      if (this.#inTableMode()) return 'none';
    }
    if (TABLE_PARTS.has(name)) return this.#openTablePart(name);
    this.#push(name);
    return 'opened';
  }

  /** Applies an end tag: the elements it closes; false when not known. */
  end(name: string): boolean {
    if (name === 'body' || name === 'html' || name === 'br') return true;
    if (name === 'p') return this.#closeIn((n) => n === 'p', BUTTON_SCOPE, true);
    if (name === 'li') return this.#closeIn((n) => n === 'li', LIST_ITEM_SCOPE, true);
    if (name === 'dd' || name === 'dt' || BLOCK_END.has(name))
      return this.#closeIn((n) => n === name, DEFAULT_SCOPE, true);
    if (HEADINGS.has(name)) return this.#closeIn((n) => HEADINGS.has(n), DEFAULT_SCOPE, true);
    if (TABLE_ENDS.has(name)) return this.#closeIn((n) => n === name, TABLE_SCOPE, true);
    if (name === 'template') return this.#closeIn((n) => n === name, new Set(), true);
    if (name === 'form') return this.#endForm();
    if (FORMATTING.has(name) && this.#reopened.has(name)) return false;
    return this.#endOther(name);
  }

  /** Index of the topmost element `matches`, unless one of `scope` comes first. */
  #find(matches: (name: string) => boolean, scope: ReadonlySet<string>): Found {
    for (let index = this.#names.length - 1; index >= 0; index -= 1) {
      const name = this.#names[index]!;
      if (matches(name)) return index;
      if (scope.has(name)) return 'absent';
    }
    for (const name of this.#forgotten) {
      if (matches(name)) return 'unknown';
      if (scope.has(name)) return 'absent';
    }
    return this.#complete ? 'absent' : 'unknown';
  }

  /** Whether an element named `name` is open, or may be among those not known. */
  #mayBeOpen(name: string): boolean {
    return !this.#complete || this.#names.includes(name) || this.#forgotten.includes(name);
  }

  /** Closes the topmost element `matches` in `scope`, with those above it; false when not known. */
  #closeIn(matches: (name: string) => boolean, scope: ReadonlySet<string>, own = false): boolean {
    const found = this.#find(matches, scope);
    if (found === 'unknown') return false;
    if (found !== 'absent') this.#popTo(found, own);
    return true;
  }

  /** Pops the element at `index` and those above it (`own`: by its own end tag). */
  #popTo(index: number, own = false): void {
    for (let at = this.#names.length - 1; at >= index; at -= 1) {
      const name = this.#names.pop()!;
      if (FORMATTING.has(name) && !(own && at === index)) this.#reopened.add(name);
    }
    if (this.#hiddenAt !== undefined && !this.hiding) this.#hiddenAt = undefined;
  }

  #push(name: string): void {
    if (this.#names.length >= MAX_OPEN_ELEMENTS) {
      const outermost = this.#names.splice(0, MAX_OPEN_ELEMENTS / 2);
      this.#below += outermost.length;
      const names = [...new Set([...outermost.reverse(), ...this.#forgotten])];
      if (names.length > MAX_FORGOTTEN_NAMES) this.#complete = false;
      this.#forgotten = names.slice(0, MAX_FORGOTTEN_NAMES);
    }
    this.#names.push(name);
  }

  /** Whether no element `name` can be open, so that its start tag only opens one. */
  #isNew(name: string): boolean {
    return !this.#reopened.has(name) && !this.#mayBeOpen(name);
  }

  /** Pops the current element if it `matches`; false when the current element is not known. */
  #popCurrentIf(matches: (name: string) => boolean): boolean {
    const current = this.#names.at(-1);
    const unknown = !this.#complete || this.#forgotten.length > 0;
    if (current === undefined ? unknown : this.#reopened.size > 0) return false;
    if (current !== undefined && matches(current)) this.#names.pop();
    return true;
  }

  /**
   * Closes an open list item (or definition) as a new one's start tag does: the topmost of
   * `names` unless a special element other than `<address>`, `<div>` or `<p>` comes first.
   */
  #closeItem(names: ReadonlySet<string>): boolean {
    for (let index = this.#names.length - 1; index >= 0; index -= 1) {
      const name = this.#names[index]!;
      if (names.has(name)) {
        this.#popTo(index);
        return true;
      }
      if (SPECIAL.has(name) && name !== 'address' && name !== 'div' && name !== 'p') return true;
    }
    for (const name of this.#forgotten) {
      if (names.has(name)) return false;
      if (SPECIAL.has(name) && name !== 'address' && name !== 'div' && name !== 'p') return true;
    }
    return this.#complete;
  }

  /** An end tag with no rule of its own: it closes its element unless a special one is above. */
  #endOther(name: string): boolean {
    for (let index = this.#names.length - 1; index >= 0; index -= 1) {
      const open = this.#names[index]!;
      if (open === name) {
        this.#popTo(index, true);
        return true;
      }
      // A special element stops the end tag; but a formatting element's end tag reaches past
      // it to its element (a browser then moves elements around: not modelled).
      if (SPECIAL.has(open)) return !FORMATTING.has(name) || !this.#mayBeOpen(name);
    }
    for (const open of this.#forgotten) {
      if (open === name) return false;
      if (SPECIAL.has(open)) return !FORMATTING.has(name) || !this.#mayBeOpen(name);
    }
    return this.#complete;
  }

  /** `</form>` takes the form out of the stack, leaving the elements in it open. */
  #endForm(): boolean {
    if (this.#form === undefined || this.#mayBeOpen('template')) return false;
    if (!this.#form) return true;
    this.#form = false;
    const found = this.#find((n) => n === 'form', DEFAULT_SCOPE);
    if (found === 'unknown') return false;
    if (found === 'absent') return true;
    if (this.#reopened.size > 0) return false;
    while (this.#names.length - 1 > found && IMPLIED_END_TAGS.has(this.#names.at(-1)!))
      this.#names.pop();
    this.#names.splice(found, 1);
    if (this.#hiddenAt !== undefined && this.#below + found < this.#hiddenAt) this.#hiddenAt -= 1;
    return true;
  }

  /** Index of the nearest table part (or table, or template) open. */
  #tableContext(): Found {
    for (let index = this.#names.length - 1; index >= 0; index -= 1) {
      if (TABLE_CONTEXTS.has(this.#names[index]!)) return index;
    }
    if (this.#forgotten.some((name) => TABLE_CONTEXTS.has(name))) return 'unknown';
    return this.#complete ? 'absent' : 'unknown';
  }

  /** Whether table tags are read in a table itself, outside any cell or caption. */
  #inTableMode(): boolean {
    const context = this.#tableContext();
    return (
      typeof context === 'number' &&
      ['table', 'tbody', 'thead', 'tfoot', 'tr'].includes(this.#names[context]!)
    );
  }

  /**
   * Closes what a table part's start tag closes: an open cell or caption, a row before a row or
   * section, a section before a section, and anything a browser left open in the table.
   */
  #closeForTablePart(name: string): boolean {
    if (name === 'col' || name === 'colgroup') return false;
    for (;;) {
      const context = this.#tableContext();
      if (context === 'unknown') return false;
      if (context === 'absent') return true;
      const part = this.#names[context]!;
      const cellPart = name === 'td' || name === 'th';
      if (part === 'template') return false;
      if (part === 'table' || (part === 'tr' && cellPart)) {
        this.#popTo(context + 1);
        return true;
      }
      if (TABLE_SECTIONS.has(part) && (cellPart || name === 'tr')) {
        this.#popTo(context + 1);
        return true;
      }
      this.#popTo(context);
    }
  }

  /** Opens a table part, with the section and row a browser opens for it. */
  #openTablePart(name: string): Opening {
    const context = this.#tableContext();
    if (context === 'unknown') return 'unknown';
    if (context === 'absent') return 'none';
    const part = this.#names[context]!;
    const cellPart = name === 'td' || name === 'th';
    if (part === 'table' && (cellPart || name === 'tr')) this.#push('tbody');
    if ((part === 'table' || TABLE_SECTIONS.has(part)) && cellPart) this.#push('tr');
    this.#push(name);
    return 'opened';
  }

  /** `<table>` in a table closes it; elsewhere, it would close a `<p>` but for quirks mode. */
  #closeForTable(): boolean {
    if (this.#inTableMode()) {
      const table = this.#find((n) => n === 'table', TABLE_SCOPE);
      if (typeof table !== 'number') return false;
      this.#popTo(table);
      return !this.#inTableMode() && this.#closeForTable();
    }
    // Whether `<table>` closes a `<p>` depends on the doctype, which is not read.
    return this.#find((n) => n === 'p', BUTTON_SCOPE) === 'absent';
  }
}
