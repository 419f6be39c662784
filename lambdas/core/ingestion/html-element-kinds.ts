/** Kinds of HTML elements, as HTML's tokenizer and tree construction tell them apart. */

const words = (text: string): ReadonlySet<string> => new Set(text.split(' '));

/** Elements without content: no end tag, never on the stack of open elements. */
export const VOID = words(
  'area base basefont bgsound br col embed hr image img input keygen link meta param source track wbr',
);

/** Elements whose content is text up to their end tag, not markup (raw text and RCDATA). */
export const RAW_TEXT = words('script style textarea title xmp iframe noembed noframes noscript');

/** Elements whose content is foreign (SVG, MathML): CDATA sections, `/>` closes an element. */
export const FOREIGN = words('svg math');

/** Start tags that close an open `<p>` (`<table>` only outside quirks mode, so not here). */
export const CLOSES_P = words(
  'address article aside blockquote center details dialog dir div dl fieldset figcaption figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr li dd dt listing main menu nav ol p pre search section summary ul xmp plaintext',
);

/** The "special" elements of tree construction: an end tag of another name stops at them. */
export const SPECIAL = words(
  'address applet area article aside base basefont bgsound blockquote body br button caption center col colgroup dd details dir div dl dt embed fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html iframe img input keygen li link listing main marquee menu meta nav noembed noframes noscript object ol p param plaintext pre script search section select source style summary table tbody td template textarea tfoot th thead title tr track ul wbr xmp',
);

/** Formatting elements: a browser opens one again after an end tag of another closed it. */
export const FORMATTING = words('a b big code em font i nobr s small strike strong tt u');

/** Elements whose end tag a browser implies when another element's tag closes their parent. */
export const IMPLIED_END_TAGS = words('dd dt li optgroup option p rb rp rt rtc');

/** Where an element is looked for "in scope": an end tag does not reach past these. */
export const DEFAULT_SCOPE = words('applet caption html table td th marquee object template');

/** "In button scope": the default scope and `<button>`. */
export const BUTTON_SCOPE = words('applet caption html table td th marquee object template button');

/** "In list item scope": the default scope, `<ol>` and `<ul>`. */
export const LIST_ITEM_SCOPE = words(
  'applet caption html table td th marquee object template ol ul',
);

/** "In table scope". */
export const TABLE_SCOPE = words('html table template');

/** End tags that close their element when it is in scope, the elements above it with it. */
export const BLOCK_END = words(
  'address article aside blockquote button center details dialog dir div dl fieldset figcaption figure footer header hgroup listing main menu nav ol pre search section summary ul applet marquee object',
);

/** Headings: the end tag of one closes whichever heading is open. */
export const HEADINGS = words('h1 h2 h3 h4 h5 h6');

/** The parts of a table, whose start tags a browser reads by where in a table they come. */
export const TABLE_PARTS = words('caption colgroup col tbody thead tfoot tr td th');

/** The table elements whose end tags close them when they are in table scope. */
export const TABLE_ENDS = words('table caption tbody thead tfoot tr td th');

/** Table sections: rows go in them. */
export const TABLE_SECTIONS = words('tbody thead tfoot');

/** Elements that can only appear in a document's head, with nothing readable in them. */
export const HEAD_CONTENT = words(
  'head base basefont bgsound link meta title style script noscript template',
);

/**
 * Start tags that end SVG or MathML content (a browser goes back to HTML for them), and the SVG
 * elements whose content is HTML again.
 */
export const FOREIGN_EXITS = words(
  'b big blockquote body br center code dd div dl dt em embed h1 h2 h3 h4 h5 h6 head hr i img li listing menu meta nobr ol p pre ruby s small span strong strike sub sup table tt u ul var font foreignobject desc title mi mo mn ms mtext annotation-xml',
);
