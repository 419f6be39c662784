import type { Steps } from '../text/work-steps.js';
import { CLOSES_P, FOREIGN, RAW_TEXT } from './html-element-kinds.js';
import { type HtmlScanner, skippedMarkupEnd } from './html-scanner.js';

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
export const TAGS_PER_STEP = 1_024;

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
 * Index where an element named `name` whose content starts at `from` ends by the end tags of its
 * name alone (`depth` of them open): just past the end tag that closes it (nested elements of
 * the same name counted), at a start tag that closes it (`<p>` at the next block, `<li>` at the
 * next item) or at the end of the text. Comments, raw text (`<script>`, `<textarea>`…) and
 * foreign content are read whole, so an end tag inside them ends nothing. The rule a hidden
 * element falls back on where the stack of open elements is not known: it ignores enclosing
 * elements' end tags, so that hidden text does not end early. Linear in the length of the text
 * however deep the nesting: nothing is read twice.
 */
export function* endOfElementByName(
  scanner: HtmlScanner,
  name: string,
  from: number,
  depth = 1,
): Steps<number> {
  const { html } = scanner;
  const impliedEnd = IMPLIED_END[name];
  let open = depth;
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
        open -= 1;
        if (open === 0) return tag.end;
      } else if (SCOPE_BOUNDARIES.has(tag.name) && boundaries > 0) {
        boundaries -= 1;
      }
      continue;
    }
    if (open === 1 && boundaries === 0 && impliedEnd?.has(tag.name)) return lt;
    if (tag.name === 'plaintext') return html.length;
    if (RAW_TEXT.has(tag.name)) at = yield* scanner.endOfElement(tag.name, tag.end);
    else if (FOREIGN.has(tag.name) && !tag.selfClosing)
      at = yield* endOfForeignElement(scanner, tag.name, tag.end);
    else if (tag.name === name && impliedEnd === undefined) open += 1;
    else if (SCOPE_BOUNDARIES.has(tag.name)) boundaries += 1;
  }
  return html.length;
}
