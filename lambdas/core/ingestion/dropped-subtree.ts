import type { Steps } from '../text/work-steps.js';
import { hidesElement } from './hidden-element.js';
import { readAttributes } from './html-attributes.js';
import { type HtmlScanner, skippedMarkupEnd, type Tag } from './html-scanner.js';

/** Elements whose content is text up to their end tag, not markup (HTML's raw text and RCDATA). */
const RAW_TEXT = new Set([
  'script',
  'style',
  'textarea',
  'title',
  'xmp',
  'iframe',
  'noembed',
  'noframes',
  'noscript',
]);

/** Elements that hold no readable text, dropped with their raw text up to their end tag. */
const UNREAD_RAW_TEXT = new Set(['script', 'style', 'noscript', 'iframe']);

/** Elements whose content is foreign (SVG, MathML): CDATA sections, `/>` closes an element. */
const FOREIGN = new Set(['svg', 'math']);

/** Elements without content: no end tag, nothing inside to hide. */
const VOID = new Set(
  'area base br col embed hr img input keygen link meta param source track wbr'.split(' '),
);

/** Start tags that close an open `<p>` (`<table>` only outside quirks mode, so not here). */
const CLOSES_P = new Set(
  'address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li dd dt listing main menu nav ol p pre search section summary ul xmp plaintext'.split(
    ' ',
  ),
);

/** The start tags that close an element whose end tag is optional, beside `<p>`'s. */
const IMPLIED_END: Record<string, ReadonlySet<string>> = {
  p: CLOSES_P,
  li: new Set(['li']),
  dt: new Set(['dt', 'dd']),
  dd: new Set(['dt', 'dd']),
  option: new Set(['option', 'optgroup']),
};

/**
 * Elements inside which a start tag does not close an outer `<p>` or list item (the scopes of
 * HTML's tree construction), nor does an end tag reach past.
 */
const SCOPE_BOUNDARIES = new Set(
  'applet button caption marquee object table td template th ul ol dl'.split(' '),
);

/** Pauses every this many tags read inside a dropped subtree. */
const TAGS_PER_STEP = 1_024;

/**
 * Index just past the foreign element (`svg`, `math`) whose content starts at `from`: at the end
 * tag that closes it (nested elements of the same name counted, `/>` closing an element), CDATA
 * sections and comments read whole, so an end tag inside them ends nothing; or the end of the
 * text.
 */
export function* endOfForeignElement(
  scanner: HtmlScanner,
  name: string,
  from: number,
): Steps<number> {
  const { html } = scanner;
  let depth = 1;
  let tags = 0;
  let at = from;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    if (lt < 0) break;
    const skip = yield* skippedMarkupEnd(scanner, lt, true);
    const tag = skip === undefined ? scanner.tagAt(lt) : undefined;
    at = skip ?? tag?.end ?? lt + 1;
    if (tag?.name !== name || (!tag.closing && tag.selfClosing)) continue;
    depth += tag.closing ? -1 : 1;
    if (depth === 0) return tag.end;
    tags += 1;
    if (tags % TAGS_PER_STEP === 0) yield;
  }
  return html.length;
}

/**
 * Index where a hidden element whose content starts at `from` ends, as a browser closes it: just
 * past its end tag (nested elements of the same name counted), at a start tag that closes it
 * (`<p>` at the next block, `<li>` at the next item) or at the end of the text. Comments, raw
 * text (`<script>`, `<textarea>`…) and foreign content are read whole, so an end tag inside them
 * ends nothing. A tag that closes an element around it (`</section>`, or `<div>` closing the
 * `<p>` it is in), which a browser lets close the hidden element too, does not: hidden text
 * never ends early, at the cost of leaving out the text that follows in such a page. Linear in
 * the length of the text however deep the nesting: nothing is read twice.
 */
export function* endOfHiddenElement(
  scanner: HtmlScanner,
  name: string,
  from: number,
): Steps<number> {
  const { html } = scanner;
  const impliedEnd = IMPLIED_END[name];
  let depth = 1;
  let boundaries = 0;
  let tags = 0;
  let at = from;
  while (at < html.length) {
    const lt = html.indexOf('<', at);
    if (lt < 0) break;
    const skip = yield* skippedMarkupEnd(scanner, lt);
    const tag = skip === undefined ? scanner.tagAt(lt) : undefined;
    at = skip ?? tag?.end ?? lt + 1;
    if (tag === undefined) continue;
    tags += 1;
    if (tags % TAGS_PER_STEP === 0) yield;
    if (tag.closing) {
      // An element whose end tag is optional holds one of its name only inside a scope (an item
      // of a nested list), which ends that one.
      if (tag.name === name && (impliedEnd === undefined || boundaries === 0)) {
        depth -= 1;
        if (depth === 0) return tag.end;
      } else if (SCOPE_BOUNDARIES.has(tag.name) && boundaries > 0) {
        boundaries -= 1;
      }
      continue;
    }
    if (depth === 1 && boundaries === 0 && impliedEnd?.has(tag.name)) return lt;
    if (tag.name === 'plaintext') return html.length;
    if (RAW_TEXT.has(tag.name)) at = yield* scanner.endOfElement(tag.name, tag.end);
    else if (FOREIGN.has(tag.name) && !tag.selfClosing)
      at = yield* endOfForeignElement(scanner, tag.name, tag.end);
    else if (tag.name === name && impliedEnd === undefined) depth += 1;
    else if (SCOPE_BOUNDARIES.has(tag.name)) boundaries += 1;
  }
  return html.length;
}

/** A subtree left out of the text. */
export interface DroppedSubtree {
  /** Index just past its end. */
  end: number;
  /**
   * Whether it stands for a space: a script, style or image does (as before hidden elements were
   * known); a hidden element does not, as a browser joins the text on either side of it.
   */
  spaced: boolean;
}

/**
 * The subtree that the start tag `tag` opens when a reader never sees its text (scripts, styles,
 * the head, embedded objects, SVG images, templates, hidden elements), or undefined when it is
 * read. A hidden void element (`<br hidden>`) ends with its tag.
 */
export function* droppedSubtree(
  scanner: HtmlScanner,
  tag: Tag,
  { inMathMl }: { inMathMl: boolean },
): Steps<DroppedSubtree | undefined> {
  if (UNREAD_RAW_TEXT.has(tag.name) || tag.name === 'head' || tag.name === 'object')
    return { end: yield* scanner.endOfElement(tag.name, tag.end), spaced: true };
  if (tag.name === 'svg') {
    const end = tag.selfClosing ? tag.end : yield* endOfForeignElement(scanner, 'svg', tag.end);
    return { end, spaced: true };
  }
  const hidden =
    tag.name === 'template' ||
    hidesElement(readAttributes(scanner.html, tag.attributesStart, tag.end - 1), { inMathMl });
  if (!hidden) return undefined;
  if (VOID.has(tag.name) || (inMathMl && tag.selfClosing)) return { end: tag.end, spaced: false };
  return { end: yield* endOfHiddenElement(scanner, tag.name, tag.end), spaced: false };
}
