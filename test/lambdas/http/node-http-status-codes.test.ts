import { STATUS_CODES as NODE_STATUS_CODES } from 'node:http';
import { describe, expect, it } from 'vitest';
import { STATUS_CODES } from '../../../lambdas/http/node-http-status-codes.js';

describe("STATUS_CODES (the public bundle's stand-in for node:http)", () => {
  it("names every status exactly as the running Node's node:http does", () => {
    expect(STATUS_CODES).toEqual(NODE_STATUS_CODES);
  });
});
