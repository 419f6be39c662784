import type { Steps } from '../text/work-steps.js';
import { endOfElementByName, endOfForeignElement, TAGS_PER_STEP } from './element-ends.js';
import { hidesElement } from './hidden-element.js';
import { FOREIGN, FOREIGN_EXITS, FORMATTING, RAW_TEXT } from './html-element-kinds.js';
import { CDATA_OPENING, type HtmlScanner, skippedMarkupEnd, type Tag } from './html-scanner.js';
import type { OpenElements } from './open-elements.js';
import { UnclosedFormatting } from './unclosed-formatting.js';

const TAG_NAME = /<\/?([a-zA-Z][^\s/>]*)/y;
const CDATA = CDATA_OPENING.toLowerCase();

/**
 * Whether markup from `from` to `to` holds a tag whose name `matches`, comments and raw text
 * (`<script>`…) skipped; linear in its length. A comment or raw text element left unclosed in it
 * counts as such a tag: the answer is "yes" whenever it is not sure.
 */
export const holdsTag = (
  html: string,
  from: number,
  to: number,
  matches: (name: string) => boolean,
): boolean => {
  const lower = html.slice(from, to).toLowerCase();
  let at = 0;
  for (let lt = lower.indexOf('<'); lt >= 0; lt = lower.indexOf('<', at)) {
    at = lt + 1;
    const opening = lower.startsWith('<!--', lt) ? '-->' : lower.startsWith(CDATA, lt) ? ']]>' : '';
    if (opening !== '') {
      const close = lower.indexOf(opening, lt + 4);
      if (close < 0) return true;
      at = close + 3;
      continue;
    }
    TAG_NAME.lastIndex = lt;
    const name = TAG_NAME.exec(lower)?.[1];
    if (name === undefined) continue;
    if (matches(name)) return true;
    if (lower[lt + 1] !== '/' && RAW_TEXT.has(name)) {
      const close = lower.indexOf(`</${name}`, lt + name.length + 1);
      if (close < 0) return true;
      at = close;
    }
  }
  return false;
};

/**
 * Index where a foreign element (`<svg>`, `<math>`) whose start tag is `tag` ends, and whether
 * the stack of open elements is still known after it: not when it holds a tag that takes a
 * browser back to HTML (`<div>`, `<p>`…, or SVG's `<foreignObject>`).
 */
export function* foreignElementEnd(
  scanner: HtmlScanner,
  tag: Tag,
): Steps<{ end: number; known: boolean }> {
  if (tag.selfClosing) return { end: tag.end, known: true };
  const end = yield* endOfForeignElement(scanner, tag.name, tag.end);
  return { end, known: !holdsTag(scanner.html, tag.end, end, (name) => FOREIGN_EXITS.has(name)) };
}

/**
 * Where the hidden element `tag` ends by its own end tags from `from` on, the stack no longer
 * known; the stack is forgotten.
 */
function* endByOwnTags(
  scanner: HtmlScanner,
  tag: Tag,
  from: number,
  open: OpenElements,
): Steps<HiddenSubtreeEnd> {
  const depth = Math.max(1, open.countHidden(tag.name));
  open.forget();
  return { end: yield* endOfElementByName(scanner, tag.name, from, depth) };
}

/** Start tags that open no element in a page's body but give it their attributes. */
const MERGED_INTO_PAGE = new Set(['html', 'body']);

/** Whether the start tag `tag` hides its element (`hidden`, `display: none`…). */
const hides = (scanner: HtmlScanner, tag: Tag): boolean =>
  hidesElement(scanner.attributesOf(tag), { inMathMl: false });

/**
 * Where hiding ends when hidden formatting elements (`<b hidden>`…) opened in a hidden subtree
 * are still unclosed by their own end tags at `from`, where the subtree ended: a browser opens
 * each again, attributes and all, at the next text, so the text stays hidden up to their own end
 * tags ({@link endOfElementByName}); the stack is forgotten. `from` when there are none.
 */
function* endOfReopenedHidden(
  scanner: HtmlScanner,
  unclosed: ReadonlyMap<string, number>,
  from: number,
  open: OpenElements,
): Steps<number> {
  let end = from;
  for (const [name, count] of unclosed) {
    if (count === 0) continue;
    open.forget();
    end = Math.max(end, yield* endOfElementByName(scanner, name, from, count));
  }
  return end;
}

/** Where a hidden subtree ends. */
export interface HiddenSubtreeEnd {
  /** Index just past it (or of the start tag that closed it, which is read again). */
  end: number;
  /** The end tag of an element around it that ended it, which closed that element too. */
  closingTag?: Tag;
}

/**
 * Where the hidden element whose start tag is `tag` ends, as a browser ends it: where the
 * stack of open elements `open` (the elements open before it) pops it, at its end tag, at an
 * enclosing element's end tag (`<div><span hidden>…</div>`), at a start tag that closes an
 * enclosing paragraph, list item or cell (then the index of that tag, which is read again), or at
 * the end of the text; never earlier (`</span>` does not end `<span hidden><div>…`, as a special
 * element stops it). Where the stack is not known (markup it does not model), it falls back on
 * the element's own end tags ({@link endOfElementByName}) and forgets the stack. A table part
 * outside a table (`<td hidden>` in a `<div>`), whose tag a browser ignores, hides nothing. A
 * hidden formatting element in the subtree (`<b hidden>`) left unclosed where it ends keeps the
 * text after it hidden up to its own end tag, as a browser opens it again. Comments, raw text
 * and foreign content are read whole. `open` is left as the browser's stack after the end.
 */
export function* endOfHiddenSubtree(
  scanner: HtmlScanner,
  tag: Tag,
  open: OpenElements,
): Steps<HiddenSubtreeEnd> {
  const { html } = scanner;
  /** Formatting elements opened in the subtree, less those their own end tags closed. */
  const formatting = new UnclosedFormatting();
  /** Where hiding ends when the subtree ends at `from` ({@link endOfReopenedHidden}). */
  const endAfter = (from: number) =>
    endOfReopenedHidden(scanner, formatting.endTagsToReveal(), from, open);
  /**
   * Where hiding ends when the stack is no longer known at `from`: by own end tags; those of
   * reopened formatting elements counted from `reopenedFrom` (past an end tag whose effect is
   * not known, which is taken to close none of them).
   */
  function* fallBack(from: number, reopenedFrom = from): Steps<HiddenSubtreeEnd> {
    const own = yield* endByOwnTags(scanner, tag, from, open);
    return { end: Math.max(own.end, yield* endAfter(reopenedFrom)) };
  }
  const opening = open.start(tag.name);
  // A table part outside a table, or a form in a form, opens nothing, so hides nothing.
  if (opening === 'none' && !MERGED_INTO_PAGE.has(tag.name)) return { end: tag.end };
  if (opening !== 'opened') return yield* fallBack(tag.end);
  open.hideCurrent();
  const hiddenAt = open.depth - 1;
  // A browser opens a formatting element again after an enclosing end tag closes it.
  if (FORMATTING.has(tag.name)) return yield* fallBack(tag.end);
  let at = tag.end;
  let tags = 0;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    if (lt < 0) break;
    const skip = yield* skippedMarkupEnd(scanner, lt);
    const inner = skip === undefined ? scanner.tagAt(lt) : undefined;
    at = skip ?? inner?.end ?? lt + 1;
    if (inner === undefined) continue;
    tags += 1;
    if (tags % TAGS_PER_STEP === 0) yield;
    if (inner.closing) {
      const depth = open.depth;
      if (!open.end(inner.name)) return yield* fallBack(lt, inner.end);
      // An end tag that closed an element inside the hidden one closed the innermost of its name.
      if (open.hiding && open.depth < depth) formatting.closed(inner.name);
      if (!open.hiding) {
        const end = yield* endAfter(inner.end);
        if (end > inner.end) return { end };
        return { end, closingTag: open.depth < hiddenAt ? inner : undefined };
      }
      continue;
    }
    if (!open.closeBefore(inner.name)) return yield* fallBack(lt);
    if (!open.hiding) return { end: yield* endAfter(lt) };
    if (inner.name === 'plaintext') return { end: html.length };
    if (RAW_TEXT.has(inner.name)) {
      at = yield* scanner.endOfElement(inner.name, inner.end);
    } else if (FOREIGN.has(inner.name)) {
      const foreign = yield* foreignElementEnd(scanner, inner);
      if (!foreign.known) return yield* fallBack(foreign.end);
      at = foreign.end;
    } else {
      const opening = open.open(inner.name);
      if (opening === 'unknown') return yield* fallBack(lt);
      if (opening === 'opened' && FORMATTING.has(inner.name))
        formatting.opened(inner.name, hides(scanner, inner));
    }
  }
  return { end: html.length };
}
