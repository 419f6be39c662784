import { describe, expect, it } from 'vitest';
import { DependencyError } from '../../../../lambdas/core/dependency-error.js';
import {
  deletedDocumentsFixture,
  recordedLiveness,
} from '../../../support/deleted-documents-fixture.js';

const TENANT = 'acme';
const QUESTION = 'What hydration should a sourdough loaf have?';
const SOURDOUGH =
  'Sourdough hydration: a sourdough loaf should have a hydration of 75 percent, water to flour.';
const COOKIES = 'Cookie parameters are declared with Cookie, the same way as Query parameters.';
/** Documents that hold none of the question's words: candidates, never cited. */
const OTHERS = [
  ['Headers', 'Header parameters are declared with Header.'],
  ['Forms', 'Form fields are received with Form instead of JSON.'],
  ['Files', 'Uploaded files are received with UploadFile.'],
  ['Status codes', 'The status code of a response is set with status_code.'],
] as const;

/** The documents function, the indexer and the chat function over one set of stores. */
const setup = () => {
  const fixture = deletedDocumentsFixture({ tenantId: TENANT });
  const unavailable = () => new DependencyError('qdrant', 'unavailable', 'delete points');
  return { ...fixture, unavailable };
};

describe('AnswerQuestion and deleted documents', () => {
  it('cites a ready document that answers the question', async () => {
    const { answers, indexed } = setup();
    const id = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);

    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect(answer.message.sources.map((source) => source.documentId)).toContain(id);
  });

  it('reads the liveness of the documents that decide the answer, not of every candidate', async () => {
    const { liveness, asked } = recordedLiveness();
    const { answers, indexed } = deletedDocumentsFixture({ tenantId: TENANT, liveness });
    const sourdough = await indexed('Sourdough', SOURDOUGH);
    for (const [title, text] of [['Cookies', COOKIES], ...OTHERS]) await indexed(title, text);

    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    const cited = [...new Set(answer.message.sources.map((source) => source.documentId))];
    expect(cited).toContain(sourdough);
    expect(asked).toEqual([cited]);
  });

  it('never cites a document being deleted whose chunks the vector store failed to remove', async () => {
    const { documents, vectors, deleteDocument, answers, model, indexed, unavailable } = setup();
    const id = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    vectors.deleteFailures.push(unavailable());
    await expect(deleteDocument.execute(TENANT, id)).rejects.toThrow(DependencyError);

    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect((await documents.get(TENANT, id))?.status).toBe('deleting');
    expect(await vectors.count(TENANT, id)).toBeGreaterThan(0);
    expect(answer.message.sources.map((source) => source.documentId)).not.toContain(id);
    expect(JSON.stringify(model.prompts[0])).not.toContain('75 percent');
  });

  it('never cites chunks left in the vector store of a document that no longer exists', async () => {
    const { documents, vectors, answers, model, indexed } = setup();
    const id = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    await documents.delete(TENANT, id);

    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect(await vectors.count(TENANT, id)).toBeGreaterThan(0);
    expect(answer.message.sources.map((source) => source.documentId)).not.toContain(id);
    expect(JSON.stringify(model.prompts[0])).not.toContain('75 percent');
  });

  it('cites the document uploaded again under the same title once its deletion finished', async () => {
    const { vectors, deleteDocument, answers, indexed, unavailable } = setup();
    const deleted = await indexed('Sourdough', SOURDOUGH);
    await indexed('Cookies', COOKIES);
    vectors.deleteFailures.push(unavailable());
    await deleteDocument.execute(TENANT, deleted).catch(() => undefined);
    await deleteDocument.execute(TENANT, deleted);

    const again = await indexed('Sourdough', SOURDOUGH);
    const answer = await answers.answer({ tenantId: TENANT, message: QUESTION });

    expect(again).not.toBe(deleted);
    expect(answer.message.sources.map((source) => source.documentId)).toContain(again);
  });
});
