import { App } from 'aws-cdk-lib';
import { describe, expect, it } from 'vitest';
import { loadAppConfig, parseAppConfig } from '../../lib/config.js';

describe('parseAppConfig', () => {
  it('says a flag must be true or false', () => {
    expect(() => parseAppConfig({ resumableStreams: 'yes' })).toThrow(
      'resumableStreams: must be true or false',
    );
  });

  it('takes true and false written as text, as -c gives them', () => {
    expect(parseAppConfig({ resumableStreams: 'false' }).resumableStreams).toBe(false);
  });
});

describe('loadAppConfig', () => {
  it('refuses a context key that spells a configuration key otherwise, naming the key meant', () => {
    const app = new App({ context: { QDRANT_COLLECTION: 'chunks_hybrid' } });

    expect(() => loadAppConfig(app.node)).toThrow(
      'QDRANT_COLLECTION: not a configuration key; did you mean qdrantCollection?',
    );
  });

  it('reads the configuration keys and leaves feature flags and other context alone', () => {
    const app = new App({
      context: {
        qdrantCollection: 'chunks_hybrid',
        '@aws-cdk/core:defaultCrossStackReferences': 'weak',
        team: 'search',
      },
    });

    expect(loadAppConfig(app.node).qdrantCollection).toBe('chunks_hybrid');
  });
});
