import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('the CDK app (bin/app.ts)', () => {
  it('fails on a bad context setting with the problem alone, no stack trace', () => {
    const outdir = mkdtempSync(join(tmpdir(), 'cdk-out-'));
    try {
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'bin/app.ts'], {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          CDK_OUTDIR: outdir,
          CDK_CONTEXT_JSON: JSON.stringify({ retrievalTopK: 'lots' }),
        },
      });

      expect(run.status).toBe(1);
      expect(run.stderr).toContain('Invalid CDK context configuration:\n  retrievalTopK:');
      expect(run.stderr).not.toMatch(/^\s+at /m);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  });
});
