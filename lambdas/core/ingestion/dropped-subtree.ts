import type { Steps } from '../text/work-steps.js';
import { endOfElementByName } from './element-ends.js';
import { hidesElement } from './hidden-element.js';
import { endOfHiddenSubtree, foreignElementEnd, holdsTag } from './hidden-subtree.js';
import { FOREIGN, HEAD_CONTENT, RAW_TEXT, VOID } from './html-element-kinds.js';
import type { HtmlScanner, Tag } from './html-scanner.js';
import type { OpenElements } from './open-elements.js';

/** Elements that hold no readable text, dropped with their raw text up to their end tag. */
const UNREAD_RAW_TEXT = new Set(['script', 'style', 'noscript', 'iframe']);

/** A subtree left out of the text. */
export interface DroppedSubtree {
  /** Index just past its end. */
  end: number;
  /**
   * Whether it stands for a space: a script, style or image does (as before hidden elements were
   * known); a hidden element does not, as a browser joins the text on either side of it.
   */
  spaced: boolean;
  /**
   * The end tag of an element around it that ended it (`</td>` in `<td><span hidden>…</td>`),
   * which closed that element too and stands for what it does in the text.
   */
  closingTag?: Tag;
}

/**
 * The subtree that the start tag `tag` opens when a reader never sees its text (scripts, styles,
 * the head, embedded objects, SVG images, templates, hidden elements), or undefined when it is
 * read. A hidden void element (`<br hidden>`) ends with its tag; any other hidden element ends
 * where a browser ends it ({@link endOfHiddenSubtree}). `open`, the stack of open elements, is
 * left as it is after the subtree, or forgotten when skipped markup may have changed it.
 */
export function* droppedSubtree(
  scanner: HtmlScanner,
  tag: Tag,
  { inMathMl }: { inMathMl: boolean },
  open: OpenElements,
): Steps<DroppedSubtree | undefined> {
  const { html } = scanner;
  if (UNREAD_RAW_TEXT.has(tag.name))
    return { end: yield* scanner.endOfElement(tag.name, tag.end), spaced: true };
  if (tag.name === 'head' || tag.name === 'object') {
    const end = yield* scanner.endOfElement(tag.name, tag.end);
    const inert = tag.name === 'head' ? HEAD_CONTENT : VOID;
    if (holdsTag(html, tag.end, end, (name) => !inert.has(name))) open.forget();
    return { end, spaced: true };
  }
  if (tag.name === 'svg') {
    const svg = yield* foreignElementEnd(scanner, tag);
    if (!svg.known) open.forget();
    return { end: svg.end, spaced: true };
  }
  const hidden = tag.name === 'template' || hidesElement(scanner.attributesOf(tag), { inMathMl });
  if (!hidden) return undefined;
  if (VOID.has(tag.name) || (inMathMl && tag.selfClosing)) return { end: tag.end, spaced: false };
  if (inMathMl) {
    open.forget();
    return { end: yield* endOfElementByName(scanner, tag.name, tag.end), spaced: false };
  }
  if (RAW_TEXT.has(tag.name)) {
    if (!open.closeBefore(tag.name)) open.forget();
    return { end: yield* scanner.endOfElement(tag.name, tag.end), spaced: false };
  }
  if (FOREIGN.has(tag.name)) {
    const foreign = yield* foreignElementEnd(scanner, tag);
    if (!foreign.known) open.forget();
    return { end: foreign.end, spaced: false };
  }
  return { ...(yield* endOfHiddenSubtree(scanner, tag, open)), spaced: false };
}
