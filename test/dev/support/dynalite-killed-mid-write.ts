/**
 * A process that opens dynalite (with the local stack's transaction emulator) over a data
 * folder, prepares some items, then makes one more write and SIGKILLs itself right after the
 * `killAfter`-th LevelDB write of it has landed: a crash at an exact point, for the tests of
 * what the next start finds.
 *
 * Usage: node --import tsx dynalite-killed-mid-write.ts <dataDir> <item|transaction> <killAfter> <atomic|plain>
 * Prints `survived` when the write ended before `killAfter` writes.
 */
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { AbstractLevel } from 'abstract-level';
import dynalite from 'dynalite';
import { makeDynaliteWritesAtomic } from '../../../dev/atomic-dynalite-writes.js';
import { startTransactWriteEmulator } from '../../../dev/transact-write-emulator.js';
import { createAppTable } from '../../../lambdas/adapters/dynamodb/create-app-table.js';
import { PENDING_DOCUMENT, TABLE, TRANSACTION_ITEMS } from './killed-write-scenarios.js';

const [dataDir = '', scenario = '', killAfter = '1', mode = 'atomic'] = process.argv.slice(2);

let armed = false;
let writes = 0;
const prototype = AbstractLevel.prototype as unknown as Record<
  string,
  (...args: unknown[]) => unknown
>;
for (const method of ['put', 'del', 'batch']) {
  const original = prototype[method]!;
  prototype[method] = function (this: unknown, ...args: unknown[]) {
    const result = original.apply(this, args);
    if (!armed || !(result instanceof Promise)) return result;
    return result.then((value) => {
      writes += 1;
      if (writes >= Number(killAfter)) process.kill(process.pid, 'SIGKILL');
      return value;
    });
  };
}

process.env.AWS_REGION = 'local';
process.env.AWS_ACCESS_KEY_ID = 'local';
process.env.AWS_SECRET_ACCESS_KEY = 'local';
if (mode === 'atomic') makeDynaliteWritesAtomic();
const server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const emulator = await startTransactWriteEmulator((server.address() as AddressInfo).port, {
  journalFile: join(dataDir, 'transaction.journal'),
});
const client = new DynamoDBClient({ endpoint: emulator.endpoint });
await createAppTable(client, TABLE);
const documents = DynamoDBDocumentClient.from(client);

if (scenario === 'item') {
  await documents.send(new PutCommand({ TableName: TABLE, Item: PENDING_DOCUMENT }));
  armed = true;
  await documents.send(
    new UpdateCommand({
      TableName: TABLE,
      Key: { pk: PENDING_DOCUMENT.pk, sk: PENDING_DOCUMENT.sk },
      UpdateExpression: 'SET #status = :indexing, gsi2sk = :later',
      ExpressionAttributeNames: { '#status': 'status' },
      ExpressionAttributeValues: { ':indexing': 'indexing', ':later': '2026-01-01T00:01:00Z' },
    }),
  );
} else {
  for (const item of TRANSACTION_ITEMS) {
    await documents.send(new PutCommand({ TableName: TABLE, Item: { ...item, n: 0 } }));
  }
  armed = true;
  await documents.send(
    new TransactWriteCommand({
      TransactItems: TRANSACTION_ITEMS.map((item) => ({
        Update: {
          TableName: TABLE,
          Key: item,
          UpdateExpression: 'SET n = :one',
          ExpressionAttributeValues: { ':one': 1 },
        },
      })),
    }),
  );
}
process.stdout.write('survived\n');
process.exit(0);
