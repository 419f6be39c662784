import { createUIMessageStream, createUIMessageStreamResponse } from 'ai';
import OpenAI from 'openai';
import { listen, type RunningServer, readText, sendWebResponse } from '../lib/http-server.js';

/** Options of {@link startAiSdkBaseline}. */
export interface AiSdkBaselineOptions {
  /** The OpenAI-compatible base URL (the stand-in's, ending in `/v1`). */
  openAiUrl: string;
  model: string;
}

/**
 * The streaming baseline: a minimal `node:http` server built only from the AI SDK's own UI
 * message stream helpers (`createUIMessageStream`, `createUIMessageStreamResponse`), relaying
 * the `openai` SDK's streamed chat completion from the same stand-in: `start`, `text-start`, a
 * `text-delta` per token, `text-end`, `finish`. No auth, retrieval or storage: what remains is
 * the cost of relaying tokens, which is what the per-token comparison needs.
 *
 * @example
 * const baseline = await startAiSdkBaseline({ openAiUrl: standIn.url, model: 'gpt-4o-mini' });
 */
export const startAiSdkBaseline = async (options: AiSdkBaselineOptions): Promise<RunningServer> => {
  const openai = new OpenAI({
    apiKey: 'bench',
    baseURL: options.openAiUrl,
    maxRetries: 0,
    timeout: 20_000,
  });
  return listen(async (request, response) => {
    const { message } = JSON.parse(await readText(request)) as { message: string };
    const stream = createUIMessageStream({
      execute: async ({ writer }) => {
        const completion = await openai.chat.completions.create({
          model: options.model,
          messages: [{ role: 'user', content: message }],
          stream: true,
        });
        const id = 'text-1';
        writer.write({ type: 'start' });
        writer.write({ type: 'text-start', id });
        for await (const chunk of completion) {
          const delta = chunk.choices[0]?.delta.content;
          if (delta) writer.write({ type: 'text-delta', id, delta });
        }
        writer.write({ type: 'text-end', id });
        writer.write({ type: 'finish' });
      },
    });
    await sendWebResponse(createUIMessageStreamResponse({ stream }), response);
  });
};
