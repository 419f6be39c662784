import { EntitiesReferenceLoader } from '../../lambdas/adapters/html/entities-reference-loader.js';
import { UnpdfReader } from '../../lambdas/adapters/pdf/unpdf-reader.js';
import type { ExtractionReaders } from '../../lambdas/core/ingestion/extract-document.js';

/** The readers the functions compose (pdf.js and `entities` have no outside dependency to fake). */
export const testReaders: ExtractionReaders = {
  pdf: new UnpdfReader(),
  htmlReferences: new EntitiesReferenceLoader(),
};

/** The decoder of HTML's character references the functions load, for the pure functions' tests. */
export const htmlReferences = await testReaders.htmlReferences.load();
