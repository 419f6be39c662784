import { describe, expect, it } from 'vitest';
import { extractiveAnswer } from '../../../../lambdas/adapters/offline/extractive-answer.js';
import { plainSentences } from '../../../../lambdas/adapters/offline/plain-sentences.js';

describe('extractiveAnswer and plainSentences in languages other than English', () => {
  it('splits Chinese prose into sentences at 。！？', () => {
    expect(
      plainSentences('系统支持多种文件格式。上传的文件不能超过两兆字节！索引需要多久？'),
    ).toEqual(['系统支持多种文件格式。', '上传的文件不能超过两兆字节！', '索引需要多久？']);
  });

  it('quotes the Chinese sentence that answers a Chinese question', () => {
    const answer = extractiveAnswer({
      question: '上传的文件大小限制是多少？',
      sources: [
        {
          id: '1',
          title: '上传指南',
          text: '系统支持多种文件格式。上传的文件大小不能超过两兆字节。索引通常在几秒钟内完成。',
        },
      ],
    });

    expect(answer).toContain('上传的文件大小不能超过两兆字节。 [1]');
    expect(answer).not.toContain('None of the retrieved passages answers this directly');
  });

  it('quotes the Japanese sentence that answers a Japanese question', () => {
    const answer = extractiveAnswer({
      question: 'アップロードできるファイルの最大サイズは？',
      sources: [
        {
          id: '1',
          title: 'ガイド',
          text: 'このシステムは複数の形式に対応しています。アップロードできるファイルの最大サイズは2MBです。',
        },
      ],
    });

    expect(answer).not.toContain('None of the retrieved passages answers this directly');
    expect(answer).toContain('アップロードできるファイルの最大サイズは2MBです。 [1]');
  });

  it.each([
    ['French (À, É)', 'Le fichier est trop grand. À cause de la limite, il est refusé.', 2],
    ['Spanish (¿)', 'Hola mundo. ¿Cómo subo un archivo? Usa la API.', 3],
    ['Russian', 'Файл загружен. Размер файла не больше двух мегабайт.', 2],
    ['Greek', 'Το αρχείο ανέβηκε. Η σελίδα δεν βρέθηκε.', 2],
  ])('splits %s sentences that start with a non-ASCII letter', (_, text, count) => {
    expect(plainSentences(text)).toHaveLength(count);
  });
});
