import { describe, expect, it } from 'vitest';
import { devLogLevel, devNumber, devSetting } from '../../dev/dev-env.js';

describe('npm run dev settings', () => {
  it('takes a variable set to nothing (KEY= in .env) as unset', () => {
    expect(devSetting({ CORS_ORIGINS: '' }, 'CORS_ORIGINS')).toBeUndefined();
    expect(devSetting({ CORS_ORIGINS: ' ' }, 'CORS_ORIGINS')).toBeUndefined();
  });

  it('gives an empty port its default, not 0 (a random port)', () => {
    expect(devNumber({ PORT: '' }, 'PORT', 4000)).toBe(4000);
    expect(devNumber({ PORT: '4100' }, 'PORT', 4000)).toBe(4100);
  });

  it('refuses a number it cannot read, naming the variable and what it holds', () => {
    expect(() => devNumber({ PORT: 'abc' }, 'PORT', 4000)).toThrow(
      'PORT must be a whole number; got "abc"',
    );
  });

  it('refuses a log level it does not know', () => {
    expect(devLogLevel({})).toBe('INFO');
    expect(devLogLevel({ LOG_LEVEL: 'debug' })).toBe('DEBUG');
    expect(() => devLogLevel({ LOG_LEVEL: 'verbose' })).toThrow('LOG_LEVEL must be one of');
  });
});
