import { UnpdfReader } from '../../lambdas/adapters/pdf/unpdf-reader.js';
import type { ExtractionReaders } from '../../lambdas/core/ingestion/extract-document.js';

/** The readers the functions compose (pdf.js has no outside dependency to fake). */
export const testReaders: ExtractionReaders = { pdf: new UnpdfReader() };
