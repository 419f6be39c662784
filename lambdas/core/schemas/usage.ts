import * as z from 'zod';

/** The counted usage of one UTC day. */
export const dayUsageSchema = z
  .object({
    date: z.string().describe('The UTC day, YYYY-MM-DD.'),
    requests: z
      .number()
      .int()
      .describe('Limited requests received (chat, stream, uploads), refused ones included.'),
    tokens: z.number().int().describe('Model tokens (prompt + completion) of answers.'),
    streams: z.number().int().describe('Streamed answers, counted when they end.'),
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
      tokensRemaining: z.number().int().describe('Model tokens left today.'),
    }),
    days: z.array(dayUsageSchema).describe('The last 30 days, today first.'),
  })
  .meta({ id: 'UsageReport' });

/** What `GET /v1/usage` answers. */
export type UsageReport = z.infer<typeof usageReportSchema>;
