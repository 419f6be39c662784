import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';
import { describe, expect, it } from 'vitest';
import { ownCodeSourceMap, packageOf, type SourceMapV3 } from '../../lib/own-code-source-map.js';

const SOURCES = [
  '../../lambdas/handlers/chat-api.ts',
  '../../node_modules/openai/core/streaming.mjs',
  '../../lambdas/core/chat/answer-question.ts',
];

/** One generated line: our handler, the SDK, our use case, the SDK again. */
const LINE: SourceMapSegment[] = [
  [0, 0, 10, 2, 0],
  [40, 1, 500, 4, 1],
  [90, 1, 501, 0],
  [120, 2, 30, 6, 2],
  [160, 1, 700, 8],
];

const bundleMap = (): SourceMapV3 => ({
  version: 3,
  sources: [...SOURCES],
  names: ['handler', 'cleanup', 'answer'],
  mappings: encode([LINE, LINE]),
});

const entryAt = (map: SourceMapV3, column: number) =>
  new SourceMap(map as never).findEntry(1, column) as {
    originalSource?: string;
    originalLine?: number;
    originalColumn?: number;
    name?: string;
  };

describe('ownCodeSourceMap', () => {
  it('maps the project code as the whole map did', () => {
    const full = bundleMap();

    const own = ownCodeSourceMap(full);

    for (const column of [0, 5, 120, 130]) {
      expect(entryAt(own, column)).toEqual(entryAt(full, column));
    }
  });

  it("maps a dependency's code to the start of its package, never to project code", () => {
    const own = ownCodeSourceMap(bundleMap());

    for (const column of [40, 100, 170]) {
      expect(entryAt(own, column)).toMatchObject({
        originalSource: '../../node_modules/openai',
        originalLine: 0,
        originalColumn: 0,
      });
    }
  });

  it('maps a stretch of one package with one mapping', () => {
    const own = ownCodeSourceMap(bundleMap());

    expect(own.mappings.split(';')[0]?.split(',')).toHaveLength(4);
  });

  it('keeps the sources and names of the project code, and one source per package', () => {
    const own = ownCodeSourceMap(bundleMap());

    expect(own.sources).toEqual([SOURCES[0], '../../node_modules/openai', SOURCES[2]]);
    expect(own.names).toEqual(['handler', 'answer']);
  });

  it('keeps the content of the project sources it keeps', () => {
    const own = ownCodeSourceMap({ ...bundleMap(), sourcesContent: ['a', 'b', 'c'] });

    expect(own.sourcesContent).toEqual(['a', null, 'c']);
  });

  it('rewrites a map file when run as a script by Node.js, as the CDK construct runs it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'own-map-'));
    const file = join(dir, 'index.mjs.map');
    writeFileSync(file, JSON.stringify(bundleMap()));

    execFileSync(process.execPath, [
      new URL('../../lib/own-code-source-map.ts', import.meta.url).pathname,
      file,
    ]);

    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(ownCodeSourceMap(bundleMap()));
    rmSync(dir, { recursive: true, force: true });
  });
});

describe('packageOf', () => {
  it('names the package folder of a dependency, scoped or not', () => {
    expect(packageOf('../../node_modules/@smithy/core/dist-es/index.js')).toBe(
      '../../node_modules/@smithy/core',
    );
    expect(packageOf('node_modules/zod/v4/core/util.js')).toBe('node_modules/zod');
  });

  it('names none for the project code', () => {
    expect(packageOf('../../lambdas/handlers/my_node_modules_helper.ts')).toBeUndefined();
  });
});
