import { describe, expect, it } from 'vitest';
import { repeatedMember } from '../../../../lambdas/core/text/repeated-member.js';

describe('repeatedMember', () => {
  it('finds a name one object repeats', () => {
    expect(repeatedMember('{"title":"a","text":"b","title":"c"}')).toBe('title');
  });

  it('tells names apart by object, so nested and sibling objects may share names', () => {
    expect(repeatedMember('{"a":{"b":1},"b":[{"a":1},{"a":2}]}')).toBeUndefined();
  });

  it('finds a repeated name inside a nested object', () => {
    expect(repeatedMember('{"metadata":{"team":"a","team":"b"}}')).toBe('team');
  });

  it('reads names as JSON does: an escape names the same member', () => {
    expect(repeatedMember('{"title":"a","\\u0074itle":"b"}')).toBe('title');
  });

  it('skips string values, with their quotes, commas and braces, in one jump', () => {
    expect(
      repeatedMember('{"text":"a \\"title\\": 1, {\\"x\\"} ,\\\\","title":"t"}'),
    ).toBeUndefined();
  });
});
