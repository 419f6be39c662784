/**
 * Run by `transact-write-emulator-close.test.ts` in a process of its own: closes the database
 * (dynalite behind the transaction emulator) while a `TransactWriteItems` of 100 actions is
 * being applied, then prints `survived` if the process lives on.
 */
import { TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { startDynalite } from '../../support/dynalite.js';

const db = await startDynalite('close-during-transaction');
const TransactItems = Array.from({ length: 100 }, (_, index) => ({
  Put: { TableName: db.tableName, Item: { pk: `TENANT#t#DOC#${index}`, sk: 'DOC', n: index } },
}));
const sent = db.documentClient.send(new TransactWriteCommand({ TransactItems })).then(
  () => 'committed',
  (error: Error) => `failed: ${error.name}`,
);
await new Promise((resolve) => setTimeout(resolve, 50));
await db.close();
process.stdout.write(`client: ${await sent}\n`);
await new Promise((resolve) => setTimeout(resolve, 500));
process.stdout.write('survived\n');
