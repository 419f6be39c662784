import { describe, expect, it } from 'vitest';
import { EntitiesReferenceLoader } from '../../../../lambdas/adapters/html/entities-reference-loader.js';

describe('EntitiesReferenceLoader', () => {
  it('decodes named, decimal and hexadecimal references in text', async () => {
    const references = await new EntitiesReferenceLoader().load();

    expect(references.text('Caf&eacute; &amp; chips &#8211; &#x20AC;5')).toBe('Café & chips – €5');
  });

  it('reads the numeric references 128–159 as Windows-1252 and legacy names without `;` in text', async () => {
    const references = await new EntitiesReferenceLoader().load();

    expect(references.text('&#150; &copy 2026 &unknown;')).toBe('– © 2026 &unknown;');
  });

  it('leaves a legacy name without `;` before `=` as written in an attribute value', async () => {
    const references = await new EntitiesReferenceLoader().load();

    expect(references.attribute('/x?a=1&copy=2&amp;b=&#58;')).toBe('/x?a=1&copy=2&b=:');
  });
});
