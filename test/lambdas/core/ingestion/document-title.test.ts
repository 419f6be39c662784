import { describe, expect, it } from 'vitest';
import { documentTitle } from '../../../../lambdas/core/ingestion/document-title.js';
import { inboxKey } from '../../../../lambdas/core/ingestion/object-keys.js';
import { ingestionFixture } from '../../../support/ingestion-fixture.js';

// "Résumé équipe.md" typed on a keyboard (NFC) and as macOS file names / many sync tools give it (NFD).
const NFC = 'Résumé équipe.md'.normalize('NFC');
const NFD = NFC.normalize('NFD');

describe('documentTitle', () => {
  it('names the same title in NFC and NFD as one title', () => {
    expect(NFC).not.toBe(NFD); // different code points, same text on screen
    expect(documentTitle(NFD)).toBe(documentTitle(NFC));
  });

  it('leaves out a byte order mark pasted at the start of a title', () => {
    expect(documentTitle('\ufeffRelease notes.md')).toBe('Release notes.md');
  });

  it('a re-upload of the same title in another normalization form replaces the document', async () => {
    const { uploadText, documents } = ingestionFixture();
    const first = await uploadText(NFC, '# Team\n\nOld text: the team has five people.');
    const second = await uploadText(NFD, '# Team\n\nNew text: the team has six people.');

    expect(second.id).toBe(first.id);
    expect(second.version).toBe(2);
    const { items } = await documents.list('acme', { limit: 10 });
    expect(items).toHaveLength(1);
  });

  it('a drop-folder file with an NFD name updates the document uploaded through the API', async () => {
    const { uploadText, blobs, objectEvents, documents } = ingestionFixture();
    const uploaded = await uploadText(NFC, '# Team\n\nThe team has five people.');

    const key = inboxKey('acme', NFD);
    await blobs.put(key, Buffer.from('# Team\n\nThe team has six people.'), 'text/markdown');
    const outcome = await objectEvents.execute({ change: 'created', key, sizeBytes: 40 });

    expect(outcome).toMatchObject({ kind: 'queued', documentId: uploaded.id, version: 2 });
    expect((await documents.list('acme', { limit: 10 })).items).toHaveLength(1);
  });
});
