import { z } from 'zod';

const count = (description: string) => z.number().int().describe(description);

/** The counted usage of one UTC day. */
export const dayUsageSchema = z
  .object({
    date: z.string().describe('The UTC day, YYYY-MM-DD.'),
    requests: count('Limited requests received (chat, stream, uploads), refused ones included.'),
    tokens: count('Model tokens of answers (prompt + completion): what the daily budget counts.'),
    promptTokens: count('Prompt tokens of answers, as the model reported them.'),
    completionTokens: count('Completion tokens of answers, as the model reported them.'),
    embeddingTokens: count(
      'Tokens of the embeddings of uploads, as the embedding API reported them (not in the budget).',
    ),
    streams: count('Streamed answers, counted when they end.'),
    documents: count('Documents indexed.'),
    chunks: count('Chunks stored by indexing.'),
  })
  .meta({ id: 'DayUsage' });

/** Reply of `GET /v1/usage`. */
export const usageReportSchema = z
  .object({
    limits: z
      .object({
        requestsPerMinute: z.number().int(),
        tokensPerDay: z.number().int(),
        concurrentStreams: z.number().int(),
      })
      .describe("The tenant's limits (its overrides over the defaults)."),
    today: dayUsageSchema.extend({
      tokensRemaining: count('Model tokens left today.'),
    }),
    days: z.array(dayUsageSchema).describe('The last 30 days, today first.'),
  })
  .meta({ id: 'UsageReport' });

/** The counts of one day in `GET /v1/usage`. */
export type DayUsage = z.infer<typeof dayUsageSchema>;

/** What `GET /v1/usage` answers. */
export type UsageReport = z.infer<typeof usageReportSchema>;
