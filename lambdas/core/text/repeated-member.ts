import { HttpProblem } from '../problem.js';

/**
 * The first member name that one JSON object of `json` repeats, or undefined. `JSON.parse`
 * keeps the last value of a repeated name; a layer that reads the first (a gateway's filter, a
 * client's validator, a log) would then see another request than the one stored, so the API
 * refuses such bodies (I-JSON, RFC 7493). One pass over the text, jumping over string contents
 * with `indexOf` (a document's text is one long string); meant for text `JSON.parse` accepts.
 * Written by hand: no parser among the project's dependencies reports repeated names.
 *
 * @example
 * repeatedMember('{"title":"a","text":"b","title":"c"}'); // 'title'
 */
export const repeatedMember = (json: string): string | undefined => {
  // One entry per open object (its names so far) or array (null).
  const open: (Set<string> | null)[] = [];
  let expectingName = false;
  for (let index = 0; index < json.length; index += 1) {
    const code = json.charCodeAt(index);
    if (code === 0x22) {
      const end = closingQuote(json, index + 1);
      if (end < 0) return undefined;
      const names = open.at(-1);
      if (expectingName && names) {
        const name = JSON.parse(json.slice(index, end + 1)) as string;
        if (names.has(name)) return name;
        names.add(name);
        expectingName = false;
      }
      index = end;
    } else if (code === 0x7b) {
      open.push(new Set());
      expectingName = true;
    } else if (code === 0x5b) {
      open.push(null);
      expectingName = false;
    } else if (code === 0x7d || code === 0x5d) {
      open.pop();
    } else if (code === 0x2c) {
      expectingName = Boolean(open.at(-1));
    }
  }
  return undefined;
};

/** Where the string whose content starts at `from` ends (its closing quote), or -1. */
const closingQuote = (json: string, from: number): number => {
  for (let quote = json.indexOf('"', from); quote >= 0; quote = json.indexOf('"', quote + 1)) {
    let backslashes = 0;
    while (json.charCodeAt(quote - 1 - backslashes) === 0x5c) backslashes += 1;
    if (backslashes % 2 === 0) return quote;
  }
  return -1;
};

/**
 * Refuses, with a 400, a JSON body (as API Gateway or the function URL delivers it) one of
 * whose objects names a member twice; call it once the body parsed.
 *
 * @example
 * refuseRepeatedMembers(event.body, event.isBase64Encoded);
 */
export const refuseRepeatedMembers = (body: unknown, isBase64Encoded?: boolean): void => {
  if (typeof body !== 'string') return;
  const text = isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body;
  const name = repeatedMember(text);
  if (name !== undefined) {
    throw new HttpProblem(400, {
      type: 'urn:problem:malformed-json',
      detail: `The request body names the member ${JSON.stringify(name)} twice in one object`,
    });
  }
};
