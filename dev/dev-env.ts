import { LocalStackStartError } from './local-stack-start-error.js';

type Env = Record<string, string | undefined>;

/**
 * A variable of `npm run dev`, or undefined when it is unset or set to nothing (`KEY=` in
 * `.env`): the README promises its default then, as the functions' configuration does.
 */
export const devSetting = (env: Env, name: string): string | undefined => {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
};

/**
 * A whole-number variable of `npm run dev` (a port, a delay), or `fallback` when unset or empty;
 * anything else stops the start with a line naming the variable and what it holds.
 *
 * @example
 * devNumber(process.env, 'PORT', 4000); // 4000 with PORT unset or PORT=
 */
export const devNumber = (env: Env, name: string, fallback: number): number => {
  const value = devSetting(env, name);
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) {
    throw new LocalStackStartError(`${name} must be a whole number; got ${JSON.stringify(value)}`);
  }
  return Number(value);
};

const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;

/** `LOG_LEVEL` of `npm run dev` (default INFO: one line per request); another word stops the start. */
export const devLogLevel = (env: Env): (typeof LOG_LEVELS)[number] => {
  const value = devSetting(env, 'LOG_LEVEL')?.toUpperCase() ?? 'INFO';
  const level = LOG_LEVELS.find((known) => known === value);
  if (level === undefined) {
    throw new LocalStackStartError(
      `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got ${JSON.stringify(value)}`,
    );
  }
  return level;
};
