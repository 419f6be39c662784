/**
 * Source maps of the function bundles that map the project's own code only. Runs as a plain
 * Node.js 24 script too (types stripped): the CDK construct calls it after esbuild, with the
 * map's path as its argument.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decode, encode, type SourceMapSegment } from '@jridgewell/sourcemap-codec';

/** The fields of a source map (v3) this reads and writes. */
export interface SourceMapV3 {
  version: number;
  sources: string[];
  names: string[];
  mappings: string;
  sourcesContent?: (string | null)[];
  [field: string]: unknown;
}

/**
 * The package folder a bundled source belongs to (`../node_modules/@smithy/core`), or
 * undefined for the project's own code.
 *
 * @example
 * packageOf('../node_modules/@smithy/core/dist-es/index.js'); // '../node_modules/@smithy/core'
 */
export const packageOf = (source: string): string | undefined =>
  /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(source)?.[1];

/**
 * The map with the dependencies' code mapped to their package only: each stretch of a
 * package's bundled code maps, as one mapping, to the first line of a source named after the
 * package (`../node_modules/openai:1:1` in a stack trace), while the project's own code maps
 * exactly as before. Sources and names only dependencies used are dropped.
 *
 * Why: with `--enable-source-maps`, Node.js reads and parses a bundle's map when it loads the
 * bundle, and decodes every mapping the first time it formats an error's stack. The map of
 * the streaming function (1.2 MB, nine tenths of it dependencies') took 90–150 ms to decode,
 * paid by the request that made the process's first error: a first streamed answer, whose
 * SDK creates one when it releases the response body's reader. The code of a dependency
 * cannot simply be left unmapped: Node.js ignores unmapped segments and would give its frames
 * the position of the project code before them. Written by hand (with
 * `@jridgewell/sourcemap-codec` for the encoding): esbuild maps every input or none.
 *
 * @example
 * ownCodeSourceMap(JSON.parse(readFileSync('index.mjs.map', 'utf8')));
 */
export const ownCodeSourceMap = (map: SourceMapV3): SourceMapV3 => {
  const packages = map.sources.map(packageOf);
  const sources: string[] = [];
  const names: string[] = [];
  const sourceIndex = new Map<string, number>();
  const nameIndex = new Map<number, number>();
  const keptSource = (name: string) => {
    let index = sourceIndex.get(name);
    if (index === undefined) {
      index = sources.push(name) - 1;
      sourceIndex.set(name, index);
    }
    return index;
  };
  const keptName = (index: number) => {
    let kept = nameIndex.get(index);
    if (kept === undefined) {
      kept = names.push(map.names[index] ?? '') - 1;
      nameIndex.set(index, kept);
    }
    return kept;
  };
  const lines = decode(map.mappings).map((segments) => {
    const kept: SourceMapSegment[] = [];
    let current: string | undefined;
    for (const segment of segments) {
      if (segment.length === 1) {
        kept.push(segment);
        current = undefined;
        continue;
      }
      const dependency = packages[segment[1]];
      if (dependency === undefined) {
        const source = keptSource(map.sources[segment[1]] ?? '');
        kept.push(
          segment.length === 5
            ? [segment[0], source, segment[2], segment[3], keptName(segment[4])]
            : [segment[0], source, segment[2], segment[3]],
        );
        current = undefined;
      } else if (dependency !== current) {
        kept.push([segment[0], keptSource(dependency), 0, 0]);
        current = dependency;
      }
    }
    return kept;
  });
  const { sourcesContent, ...rest } = map;
  const contentOf = new Map(map.sources.map((source, index) => [source, sourcesContent?.[index]]));
  return {
    ...rest,
    sources,
    names,
    mappings: encode(lines),
    ...(sourcesContent
      ? { sourcesContent: sources.map((source) => contentOf.get(source) ?? null) }
      : {}),
  };
};

/**
 * Rewrites the source map at `path` with {@link ownCodeSourceMap}.
 *
 * @example
 * trimSourceMapFile('cdk.out/asset.123/index.mjs.map');
 */
export const trimSourceMapFile = (path: string): void => {
  const map = JSON.parse(readFileSync(path, 'utf8')) as SourceMapV3;
  writeFileSync(path, JSON.stringify(ownCodeSourceMap(map)));
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const path of process.argv.slice(2)) trimSourceMapFile(path);
}
