/**
 * Why the local stack could not start, in one line that says what holds the resource and how
 * to pick another: `npm run dev` prints the message alone, without a stack trace, and exits 1.
 */
export class LocalStackStartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'LocalStackStartError';
  }
}
