import { describe, expect, it } from 'vitest';
import { toSources } from '../../../../lambdas/core/chat/to-sources.js';
import { chunkText } from '../../../../lambdas/core/ingestion/chunk-text.js';
import type { ScoredChunk } from '../../../../lambdas/core/ports/vector-store.js';
import { truncate } from '../../../../lambdas/core/text/truncate.js';

const graphemes = new Intl.Segmenter('und', { granularity: 'grapheme' });
/** Whether `index` falls between two user-perceived characters of `text`. */
const atGraphemeBoundary = (text: string, index: number) =>
  index === text.length || [...graphemes.segment(text)].some((part) => part.index === index);

// Thai is written without spaces; vowels and tone marks are combining characters.
const THAI =
  'ภาษาไทยเป็นภาษาที่ไม่มีการเว้นวรรคระหว่างคำในประโยคซึ่งทำให้การตัดคำเป็นเรื่องยากมากสำหรับคอมพิวเตอร์ที่ต้องประมวลผลข้อความภาษาไทยจำนวนมาก'.repeat(
    3,
  );

describe('truncate, snippets and chunks at user-perceived characters', () => {
  it('truncate (session titles, 80 units) keeps a ZWJ emoji sequence or a flag whole', () => {
    const title = 'Family trip planning 👨‍👩‍👧‍👦 and flags 🇯🇵🇫🇷';
    for (let max = 20; max < title.length; max += 1) {
      const cut = truncate(title, max);
      expect(atGraphemeBoundary(title, cut.length), `cut at ${max}: ${JSON.stringify(cut)}`).toBe(
        true,
      );
    }
  });

  it('truncate keeps a Devanagari syllable whole (a Hindi question as a session title)', () => {
    // "Why does the old API key still work after I changed the password, must it be revoked?"
    const question =
      'मेरे खाते में पासवर्ड बदलने के बाद भी पुरानी एपीआई कुंजी क्यों काम कर रही है, क्या इसे रद्द करना होगा?';
    const title = truncate(question, 80); // TITLE_CHARS of the DynamoDB session store

    expect(atGraphemeBoundary(question, title.length), JSON.stringify(title.slice(-4))).toBe(true);
  });

  it('a source snippet of Thai text does not end inside a character', () => {
    const chunk: ScoredChunk = { documentId: 'd', title: 't', chunkIndex: 0, score: 1, text: THAI };
    for (let start = 0; start < 40; start += 1) {
      const text = THAI.slice(start);
      const [source] = toSources([{ ...chunk, text }]);
      const body = source!.snippet.replace(/…$/, '');
      expect(atGraphemeBoundary(text, body.length), `offset ${start}: ${body.slice(-3)}`).toBe(
        true,
      );
    }
  });

  it('a chunk of Thai text does not start with a detached vowel or tone mark', () => {
    const chunks = chunkText(THAI, { maxTokens: 40, overlapTokens: 8, format: 'plain' });

    for (const chunk of chunks) expect(chunk.text).not.toMatch(/^\p{M}/u);
  });
});
