import { described, integer } from './common.js';
import * as z from './zod-mini.js';

const count = (description: string) => described(integer(), { description });

/** The counted usage of one UTC day. */
export const dayUsageSchema = described(
  z.object({
    date: described(z.string(), { description: 'The UTC day, YYYY-MM-DD.' }),
    requests: count(
      'Limited requests received (chat, stream, uploads, usage reports), refused ones included.',
    ),
    tokens: count('Model tokens of answers (prompt + completion): what the daily budget counts.'),
    promptTokens: count('Prompt tokens of answers, as the model reported them.'),
    completionTokens: count('Completion tokens of answers, as the model reported them.'),
    embeddingTokens: count(
      'Tokens of the embeddings of uploads, as the embedding API reported them (not in the budget).',
    ),
    streams: count('Streamed answers, counted when they end.'),
    documents: count('Documents indexed.'),
    chunks: count('Chunks stored by indexing.'),
  }),
  { id: 'DayUsage' },
);

/** Reply of `GET /v1/usage`. */
export const usageReportSchema = described(
  z.object({
    limits: described(
      z.object({
        requestsPerMinute: integer(),
        tokensPerDay: integer(),
        concurrentStreams: integer(),
        concurrentFollowers: integer(),
      }),
      { description: "The tenant's limits (its overrides over the defaults)." },
    ),
    today: z.extend(dayUsageSchema, {
      tokensRemaining: count('Model tokens left today.'),
    }),
    days: described(z.array(dayUsageSchema), { description: 'The last 30 days, today first.' }),
  }),
  { id: 'UsageReport' },
);

/** The counts of one day in `GET /v1/usage`. */
export type DayUsage = z.infer<typeof dayUsageSchema>;

/** What `GET /v1/usage` answers. */
export type UsageReport = z.infer<typeof usageReportSchema>;
