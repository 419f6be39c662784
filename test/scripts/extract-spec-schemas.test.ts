import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  EXTRACT_PATH,
  extractSpecSchemas,
  type Json,
  normalizeSchema,
  PROJECT_ROOT,
  type SpecExtract,
  serializeExtract,
} from '../../scripts/extract-spec-schemas.js';

const SHARED_DIR = join(PROJECT_ROOT, '..', 'shared');
const SPECS_PRESENT = existsSync(join(SHARED_DIR, 'specs'));

function committedText(): string {
  return readFileSync(EXTRACT_PATH, 'utf8');
}

/** Every keyword used in a JSON value (property names aside), and every `$ref` target. */
function walk(value: Json, keys: Set<string>, refs: Set<string>, propertyNames = false): void {
  if (Array.isArray(value)) {
    for (const item of value) walk(item, keys, refs);
  } else if (value !== null && typeof value === 'object') {
    for (const [key, sub] of Object.entries(value)) {
      if (!propertyNames) keys.add(key);
      if (key === '$ref' && typeof sub === 'string') refs.add(sub);
      walk(sub, keys, refs, !propertyNames && key === 'properties');
    }
  }
}

describe('extract-spec-schemas', () => {
  it.skipIf(!SPECS_PRESENT)('reproduces the committed extract byte for byte', () => {
    const regenerated = serializeExtract(extractSpecSchemas(SHARED_DIR));

    expect(regenerated, 'run: npx tsx scripts/extract-spec-schemas.ts').toBe(committedText());
  });

  it('covers every operation the project calls', () => {
    const extract = JSON.parse(committedText()) as SpecExtract;

    expect(Object.keys(extract.services.openai.operations).sort()).toEqual([
      'POST /chat/completions',
      'POST /embeddings',
    ]);
    expect(Object.keys(extract.services.qdrant.operations)).toEqual(
      expect.arrayContaining([
        'GET /',
        'PUT /collections/{collection_name}',
        'GET /collections/{collection_name}/exists',
        'PUT /collections/{collection_name}/index',
        'PUT /collections/{collection_name}/points',
        'POST /collections/{collection_name}/points/delete',
        'POST /collections/{collection_name}/points/query',
        'POST /collections/{collection_name}/points/count',
      ]),
    );
    expect(extract.services.openai.basePath).toBe('/v1');
    expect(extract.services.openai.schemas).toHaveProperty('CreateChatCompletionStreamResponse');
    expect(extract.services.qdrant.schemas).toHaveProperty('ErrorResponse');
  });

  it('keeps no annotations or nullable, and every $ref resolves within its service', () => {
    const extract = JSON.parse(committedText()) as SpecExtract;

    for (const service of Object.values(extract.services)) {
      const keys = new Set<string>();
      const refs = new Set<string>();
      walk(service.operations as unknown as Json, keys, refs);
      walk(Object.values(service.schemas), keys, refs);
      const schemaNames = Object.keys(service.schemas);
      const unresolved = [...refs].filter(
        (ref) => !schemaNames.includes(ref.replace('#/components/schemas/', '')),
      );

      expect(unresolved).toEqual([]);
      expect(
        [...keys].filter((key) => ['nullable', 'example', 'discriminator'].includes(key)),
      ).toEqual([]);
      expect([...keys].filter((key) => key.startsWith('x-'))).toEqual([]);
    }
  });

  describe('normalizeSchema', () => {
    it('turns OpenAPI 3.0 nullable into JSON Schema null types', () => {
      const typed = normalizeSchema({ type: 'string', enum: ['a'], nullable: true }, 't');
      const referenced = normalizeSchema({ $ref: '#/components/schemas/X', nullable: true }, 'r');
      const bare = normalizeSchema({ nullable: true }, 'b');

      expect(typed).toEqual({ type: ['string', 'null'], enum: ['a', null] });
      expect(referenced).toEqual({ anyOf: [{ $ref: '#/components/schemas/X' }, { type: 'null' }] });
      expect(bare).toEqual({ type: 'null' });
    });

    it('drops annotations but keeps properties that happen to be named like them', () => {
      const schema = normalizeSchema(
        {
          type: 'object',
          description: 'dropped',
          title: 'dropped',
          'x-oaiMeta': {},
          properties: { title: { type: 'string', example: 'dropped' } },
          required: ['title'],
        },
        's',
      );

      expect(schema).toEqual({
        type: 'object',
        properties: { title: { type: 'string' } },
        required: ['title'],
      });
    });

    it('fails loudly on a keyword it does not know', () => {
      expect(() => normalizeSchema({ type: 'string', contentEncoding: 'base64' }, 'here')).toThrow(
        /here: keyword 'contentEncoding'/,
      );
    });
  });
});
