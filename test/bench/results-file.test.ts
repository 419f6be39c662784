import { describe, expect, it } from 'vitest';
import { PARTIAL_RESULTS_FILE, RESULTS_FILE, resultsFileOf } from '../../bench/lib/paths.js';

describe('resultsFileOf', () => {
  it('writes a full run to bench/results.json', () => {
    expect(resultsFileOf({ quick: false })).toBe(RESULTS_FILE);
  });

  it('writes a run of some sections beside it, never over it', () => {
    expect(resultsFileOf({ only: '1,7', quick: false })).toBe(PARTIAL_RESULTS_FILE);
  });

  it('writes a quick run beside it, never over it', () => {
    expect(resultsFileOf({ quick: true })).toBe(PARTIAL_RESULTS_FILE);
  });
});
