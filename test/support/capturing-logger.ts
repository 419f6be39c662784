import { Logger, type LogItem } from '@aws-lambda-powertools/logger';

/**
 * A real Powertools Logger that keeps each item's attributes instead of printing them, so tests
 * can read what would be logged.
 *
 * @example
 * const logger = new CapturingLogger({ logLevel: 'INFO' });
 * logger.info('hello'); logger.items[0].message // 'hello'
 */
export class CapturingLogger extends Logger {
  readonly items: Record<string, unknown>[] = [];

  protected override printLog(_logLevel: number, log: LogItem): void {
    log.prepareForPrint();
    this.items.push(log.getAttributes());
  }
}
