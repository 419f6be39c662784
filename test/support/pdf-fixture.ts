/** Options of {@link makePdf}. */
export interface PdfOptions {
  /**
   * Adds a standard security handler (RC4, 40-bit) whose keys match no password, so a reader
   * must ask for one: an encrypted PDF.
   */
  encrypted?: boolean;
  /** The document information's `/Producer`: other bytes, the same text. */
  producer?: string;
}

const escapeText = (text: string) => text.replace(/[\\()]/g, (char) => `\\${char}`);

/** A page's content stream: its lines in Helvetica, or a drawn square when it has none. */
const contentOf = (lines: readonly string[]): string =>
  lines.length === 0
    ? '0.5 g 72 72 200 200 re f'
    : [
        'BT /F1 11 Tf 14 TL 56 790 Td',
        ...lines.map((line) => `(${escapeText(line)}) Tj T*`),
        'ET',
      ].join('\n');

/**
 * A valid PDF 1.4 file with one page per entry, each page its lines of text (ASCII) in the
 * standard Helvetica font; a page without lines holds only a drawn square, as a scanned page
 * holds only an image. Written by hand (objects, cross-reference table and trailer, with
 * exact byte offsets) because the tests need files no library in the project makes: encrypted
 * ones, pages without text, and hundreds of pages in milliseconds.
 *
 * @example
 * makePdf([['Page one'], ['Page two']]) // a two-page PDF, as a Buffer
 */
export const makePdf = (
  pages: readonly (readonly string[])[],
  options: PdfOptions = {},
): Buffer => {
  const objects: string[] = [];
  const add = (body: string) => {
    objects.push(body);
    return objects.length;
  };
  const catalog = add('');
  const pagesId = add('');
  const font = add('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>');
  const kids = pages.map((lines) => {
    const content = contentOf(lines);
    const stream = add(
      `<< /Length ${Buffer.byteLength(content, 'latin1')} >>\nstream\n${content}\nendstream`,
    );
    return add(
      `<< /Type /Page /Parent ${pagesId} 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 ${font} 0 R >> >> /Contents ${stream} 0 R >>`,
    );
  });
  objects[catalog - 1] = `<< /Type /Catalog /Pages ${pagesId} 0 R >>`;
  objects[pagesId - 1] =
    `<< /Type /Pages /Kids [${kids.map((kid) => `${kid} 0 R`).join(' ')}] /Count ${kids.length} >>`;
  const encrypt = options.encrypted
    ? add(
        `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -44 /O <${'a5'.repeat(32)}> /U <${'5a'.repeat(32)}> >>`,
      )
    : undefined;

  const info =
    options.producer === undefined
      ? undefined
      : add(`<< /Producer (${escapeText(options.producer)}) >>`);

  let body = '%PDF-1.4\n';
  const offsets = objects.map((object, index) => {
    const offset = Buffer.byteLength(body, 'latin1');
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
    return offset;
  });
  const xref = Buffer.byteLength(body, 'latin1');
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  body += offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('');
  const id = `<${'0123456789abcdef'.repeat(2)}>`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root ${catalog} 0 R /ID [${id} ${id}]${
    encrypt ? ` /Encrypt ${encrypt} 0 R` : ''
  }${info ? ` /Info ${info} 0 R` : ''} >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
};

/**
 * Lines of filler prose for page `page` (1-based) of a generated document: about 350 words
 * that name the page, so every page makes its own chunk.
 */
export const fillerLines = (page: number): string[] =>
  Array.from(
    { length: 35 },
    (_, line) =>
      `Section ${page}.${line}: the handbook describes routine ${page * 100 + line} and its steps in plain words here.`,
  );
