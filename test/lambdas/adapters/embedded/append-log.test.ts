import { appendFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AppendLog } from '../../../../lambdas/adapters/embedded/append-log.js';

describe('AppendLog', () => {
  let dir: string;
  let path: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'append-log-'));
    path = join(dir, 'sub', 'changes.log');
  });

  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('reads back every record of concurrent appends, in the order they were made', async () => {
    const log = new AppendLog(path);

    await Promise.all(Array.from({ length: 20 }, (_, n) => log.append([{ n }])));

    expect(await new AppendLog(path).read()).toEqual(Array.from({ length: 20 }, (_, n) => ({ n })));
  });

  it('empties itself after a checkpoint, keeping appends made during it', async () => {
    const log = new AppendLog(path);
    await log.append([{ n: 1 }]);
    let during: Promise<void> | undefined;

    await log.checkpoint(async () => {
      during = log.append([{ n: 2 }]);
    });
    await during;

    expect(await log.read()).toEqual([{ n: 2 }]);
  });

  it('skips a torn last line', async () => {
    const log = new AppendLog(path);
    await log.append([{ n: 1 }]);
    await appendFile(path, '{"n":');

    expect(await log.read()).toEqual([{ n: 1 }]);
  });
});
