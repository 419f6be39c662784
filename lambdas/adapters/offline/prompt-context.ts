import type { ChatMessage } from '../../core/ports/chat-model.js';

/** One numbered source the prompt builder put in the context block. */
export interface PromptSource {
  /** The citation number, as the model should write it: `[id]`. */
  id: string;
  title: string;
  text: string;
}

/** What the offline model reads from a prompt: the retrieved sources and the question. */
export interface PromptContext {
  sources: PromptSource[];
  question: string;
}

const attribute = (attributes: string, name: string): string | undefined => {
  const match = new RegExp(`\\b${name}\\s*=\\s*"([^"]*)"`).exec(attributes);
  return match?.[1];
};

/**
 * Reads the context and the question out of the messages the prompt builder made, the same
 * messages a real model receives. The last user message holds
 * `<context>` … `<source id="N" title="…">` text `</source>` … `</context>` and then a line
 * starting `Question:` followed by the question (on that line or the next ones). Without a
 * `Question:` line, the message minus its context block is the question. Texts are read as
 * written: the prompt builder escapes no entity (`&lt;` in a passage is the passage's own
 * `&lt;`, decoding it turned the quote's meaning round).
 *
 * @example
 * const { sources, question } = readPromptContext(messages);
 */
export const readPromptContext = (messages: readonly ChatMessage[]): PromptContext => {
  const last = [...messages].reverse().find((message) => message.role === 'user');
  const content = last?.content ?? '';
  const context = /<context>([\s\S]*?)<\/context>/.exec(content)?.[1] ?? '';
  const sources: PromptSource[] = [];
  for (const match of context.matchAll(/<source\b([^>]*)>([\s\S]*?)<\/source>/g)) {
    const attributes = match[1] ?? '';
    const text = (match[2] ?? '').trim();
    const id = attribute(attributes, 'id') ?? String(sources.length + 1);
    if (text !== '') sources.push({ id, title: attribute(attributes, 'title') ?? '', text });
  }
  const marker = /^[ \t]*Question:[ \t]*/gm;
  let questionStart: number | undefined;
  for (const match of content.matchAll(marker)) questionStart = match.index + match[0].length;
  const question =
    questionStart === undefined
      ? content.replace(/<context>[\s\S]*?<\/context>/g, '')
      : content.slice(questionStart);
  return { sources, question: question.trim() };
};
