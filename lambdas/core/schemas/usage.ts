import { described, integer } from './common.js';
import * as z from './zod-mini.js';

/** The counted usage of one UTC day. */
export const dayUsageSchema = described(
  z.object({
    date: described(z.string(), { description: 'The UTC day, YYYY-MM-DD.' }),
    requests: described(integer(), {
      description: 'Limited requests received (chat, stream, uploads), refused ones included.',
    }),
    tokens: described(integer(), { description: 'Model tokens (prompt + completion) of answers.' }),
    streams: described(integer(), { description: 'Streamed answers, counted when they end.' }),
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
      }),
      { description: "The tenant's limits (its overrides over the defaults)." },
    ),
    today: z.extend(dayUsageSchema, {
      tokensRemaining: described(integer(), { description: 'Model tokens left today.' }),
    }),
    days: described(z.array(dayUsageSchema), { description: 'The last 30 days, today first.' }),
  }),
  { id: 'UsageReport' },
);

/** What `GET /v1/usage` answers. */
export type UsageReport = z.infer<typeof usageReportSchema>;
