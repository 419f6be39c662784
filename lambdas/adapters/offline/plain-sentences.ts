/**
 * The prose sentences of a Markdown text, for quoting: code blocks, include directives,
 * headings, admonition fences and HTML lines are dropped; links keep their text; emphasis
 * marks go; list items and table-free paragraphs are split into sentences.
 *
 * @example
 * plainSentences('# Title\n\nFirst one. Second **one**!\n\n```py\ncode\n```');
 * // ['First one.', 'Second one!']
 */
export const plainSentences = (markdown: string): string[] => {
  const withoutCode = markdown
    .replace(/^[ \t]*(```|~~~)[\s\S]*?^[ \t]*\1[^\n]*$/gm, '\n')
    .replace(/\{\*[\s\S]*?\*\}/g, '\n');
  const blocks: string[] = [];
  let paragraph: string[] = [];
  const close = () => {
    if (paragraph.length > 0) blocks.push(paragraph.join(' '));
    paragraph = [];
  };
  for (const raw of withoutCode.split('\n')) {
    const line = raw.trim();
    if (line === '' || /^(#{1,6}\s|\/\/\/|<\/?[a-z][^>]*>$|\||-{3,}$|={3,}$)/i.test(line)) {
      close();
      continue;
    }
    if (/^([*+-]|\d+[.)])\s+/.test(line)) {
      close();
      paragraph.push(line.replace(/^([*+-]|\d+[.)])\s+/, ''));
      continue;
    }
    paragraph.push(line);
  }
  close();
  return (
    blocks
      .map((block) =>
        block
          .replace(/!\[[^\]]*\]\([^)]*\)/g, '')
          .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1')
          .replace(/\{\s*#[^}]*\}/g, '')
          .replace(/(\*\*|__)(.+?)\1/g, '$2')
          .replace(/(^|[\s(])[*_]([^*_\s][^*_]*?)[*_](?=[\s).,;:!?]|$)/g, '$1$2')
          .replace(/\s+/g, ' ')
          .trim(),
      )
      // A sentence ends at . ! ? : before a space and a capital (of any script, or ¿ ¡ quotes),
      // or at the full stops of Chinese and Japanese, which take no space after them.
      .flatMap((block) =>
        block.split(/(?<=[.!?:])\s+(?=[\p{Lu}\p{N}`"'(*[¿¡«“‘])|(?<=[。！？])\s*(?=\S)/u),
      )
      .map((sentence) => sentence.trim())
      .filter((sentence) => sentence !== '')
  );
};
