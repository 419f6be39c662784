import { readFile } from 'node:fs/promises';
import { z } from 'zod';

const split = z.enum(['tune', 'heldout']);

/** The labelled question set (`eval/dataset.json`). */
export const evalDatasetSchema = z.object({
  corpus: z.string(),
  answerable: z.array(
    z.object({
      id: z.string(),
      question: z.string().min(1),
      expected: z.array(z.string()).min(1),
      split,
    }),
  ),
  unanswerable: z.array(z.object({ id: z.string(), question: z.string().min(1), split })),
  conversations: z.array(
    z.object({
      id: z.string(),
      turns: z.tuple([z.string().min(1), z.string().min(1)]),
      expected: z.array(z.string()).min(1),
      split,
    }),
  ),
});

export type EvalDataset = z.infer<typeof evalDatasetSchema>;
export type Split = z.infer<typeof split>;

/** Reads and validates the labelled set. */
export const loadDataset = async (path: string): Promise<EvalDataset> =>
  evalDatasetSchema.parse(JSON.parse(await readFile(path, 'utf8')));
