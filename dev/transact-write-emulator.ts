import { appendFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

interface DynamoReply {
  status: number;
  body: Json;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';

/** A request of the emulator's own (no client to forward from): dynalite wants its shape only. */
const RECOVERY_HEADERS: IncomingHttpHeaders = {
  'content-type': 'application/x-amz-json-1.0',
  authorization:
    'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=0',
  'x-amz-date': '20260101T000000Z',
};

/**
 * Serialises async work: transactions run one at a time, so each is atomic with respect to the
 * others (real DynamoDB would instead cancel one of two conflicting transactions).
 */
class Mutex {
  #tail: Promise<void> = Promise.resolve();

  run<T>(work: () => Promise<T>): Promise<T> {
    const result = this.#tail.then(work);
    this.#tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}

/** One line of the journal: the image an item had before a transaction's action changed it. */
interface JournalEntry {
  table: string;
  key: Json;
  old?: Json;
}

/** Options of {@link startTransactWriteEmulator}. */
export interface TransactWriteEmulatorOptions {
  /**
   * A file for the undo journal that makes each transaction crash-atomic: before an action is
   * applied, its item's old image is appended there; the file is removed once the transaction
   * has ended (committed or rolled back). At start, a journal left behind by a killed process is
   * rolled back. Without it (an in-memory database) transactions are atomic only while the
   * process lives.
   */
  journalFile?: string;
}

const readAll = async (stream: AsyncIterable<unknown>): Promise<Buffer> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
};

/**
 * Puts `TransactWriteItems` in front of dynalite, which lacks it (dynalite implements the
 * DynamoDB protocol without transactions; no maintained local DynamoDB for Node has them).
 *
 * Every other request passes through untouched. A transaction runs under a global lock: each
 * action is applied as the matching single-item call with its own condition, after reading
 * the item's old image; when one fails, the ones already applied are rolled back from their
 * old images and the client gets a `TransactionCanceledException` with per-action
 * `CancellationReasons`, as DynamoDB answers. `ConditionCheck` actions are refused (400):
 * nothing here uses them and a faithful check needs an expression evaluator.
 *
 * With a `journalFile`, a transaction is also all-or-nothing across a crash: each action's old
 * image is journaled before the action is applied, and a journal found at start (the process
 * was killed mid-transaction) is rolled back before the emulator serves anything. Like the
 * rollback of a cancelled transaction, restoring an image also undoes a plain write another
 * client made to the same item meanwhile (real DynamoDB would have refused one of them).
 *
 * @example
 * const emulator = await startTransactWriteEmulator(dynalitePort);
 * new DynamoDBClient({ endpoint: emulator.endpoint });
 */
export const startTransactWriteEmulator = async (
  targetPort: number,
  options: TransactWriteEmulatorOptions = {},
): Promise<{ endpoint: string; port: number; close(): Promise<void> }> => {
  const mutex = new Mutex();
  const { journalFile } = options;

  const forward = (headers: IncomingHttpHeaders, method: string, path: string, body: Buffer) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }>(
      (resolve, reject) => {
        const upstream = httpRequest(
          {
            host: '127.0.0.1',
            port: targetPort,
            method,
            path,
            headers: { ...headers, 'content-length': body.length },
          },
          async (response) => {
            resolve({
              status: response.statusCode ?? 500,
              headers: response.headers,
              body: await readAll(response),
            });
          },
        );
        upstream.on('error', reject);
        upstream.end(body);
      },
    );

  const call = async (
    headers: IncomingHttpHeaders,
    operation: string,
    input: Json,
  ): Promise<DynamoReply> => {
    const reply = await forward(
      { ...headers, 'x-amz-target': `${TARGET_PREFIX}${operation}` },
      'POST',
      '/',
      Buffer.from(JSON.stringify(input)),
    );
    return {
      status: reply.status,
      body: reply.body.length ? (JSON.parse(reply.body.toString()) as Json) : {},
    };
  };

  const applyAction = async (
    headers: IncomingHttpHeaders,
    action: Json,
  ): Promise<DynamoReply & { key?: Json; table?: string }> => {
    const [kind, spec] = Object.entries(action)[0] as [string, Json];
    const common = {
      TableName: spec.TableName,
      ...(spec.ConditionExpression ? { ConditionExpression: spec.ConditionExpression } : {}),
      ...(spec.ExpressionAttributeNames
        ? { ExpressionAttributeNames: spec.ExpressionAttributeNames }
        : {}),
      ...(spec.ExpressionAttributeValues
        ? { ExpressionAttributeValues: spec.ExpressionAttributeValues }
        : {}),
    };
    switch (kind) {
      case 'Put':
        return call(headers, 'PutItem', { ...common, Item: spec.Item });
      case 'Update':
        return call(headers, 'UpdateItem', {
          ...common,
          Key: spec.Key,
          UpdateExpression: spec.UpdateExpression,
        });
      case 'Delete':
        return call(headers, 'DeleteItem', { ...common, Key: spec.Key });
      default:
        return {
          status: 400,
          body: {
            __type: 'com.amazon.coral.validate#ValidationException',
            message: `${kind} is not emulated locally`,
          },
        };
    }
  };

  const keyOf = async (
    headers: IncomingHttpHeaders,
    table: string,
    action: Json,
  ): Promise<Json> => {
    const [kind, spec] = Object.entries(action)[0] as [string, Json];
    if (kind !== 'Put') return spec.Key as Json;
    const { body } = await call(headers, 'DescribeTable', { TableName: table });
    const schema = ((body.Table as Json).KeySchema as { AttributeName: string }[]).map(
      (k) => k.AttributeName,
    );
    const item = spec.Item as Json;
    return Object.fromEntries(schema.map((name) => [name, item[name]]));
  };

  const restore = async (headers: IncomingHttpHeaders, images: JournalEntry[]) => {
    for (const { table, key, old } of [...images].reverse()) {
      const reply = old
        ? await call(headers, 'PutItem', { TableName: table, Item: old })
        : await call(headers, 'DeleteItem', { TableName: table, Key: key });
      if (reply.status !== 200) {
        throw new Error(`rolling back a transaction failed: ${JSON.stringify(reply.body)}`);
      }
    }
  };

  const journal = {
    /** Records an old image; a transaction's first one starts the file afresh. */
    write: (entry: JournalEntry, first: boolean) => {
      if (!journalFile) return;
      const line = `${JSON.stringify(entry)}\n`;
      if (first) writeFileSync(journalFile, line);
      else appendFileSync(journalFile, line);
    },
    end: () => {
      if (journalFile) rmSync(journalFile, { force: true });
    },
  };

  /** Rolls back the transaction a killed process left half applied (its journal's entries). */
  const recover = async () => {
    if (!journalFile || !existsSync(journalFile)) return;
    const images = readFileSync(journalFile, 'utf8')
      .split('\n')
      // A line cut off by the kill was being written before its action was sent: not applied.
      .flatMap((line) => {
        try {
          return [JSON.parse(line) as JournalEntry];
        } catch {
          return [];
        }
      });
    await restore(RECOVERY_HEADERS, images);
    journal.end();
  };

  const transact = async (headers: IncomingHttpHeaders, input: Json): Promise<DynamoReply> =>
    mutex.run(async () => {
      const actions = (input.TransactItems ?? []) as Json[];
      const applied: JournalEntry[] = [];
      const reasons: Json[] = actions.map(() => ({ Code: 'None' }));
      for (const [index, action] of actions.entries()) {
        const spec = Object.values(action)[0] as Json;
        const table = String(spec.TableName);
        const key = await keyOf(headers, table, action);
        const before = await call(headers, 'GetItem', {
          TableName: table,
          Key: key,
          ConsistentRead: true,
        });
        const image: JournalEntry = { table, key, old: before.body.Item as Json | undefined };
        journal.write(image, index === 0);
        const result = await applyAction(headers, action);
        if (result.status === 200) {
          applied.push(image);
          continue;
        }
        await restore(headers, applied);
        journal.end();
        const type = String(result.body.__type ?? '');
        if (!type.endsWith('ConditionalCheckFailedException')) return result;
        reasons[index] = {
          Code: 'ConditionalCheckFailed',
          Message: 'The conditional request failed',
        };
        return {
          status: 400,
          body: {
            __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
            Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
            CancellationReasons: reasons,
          },
        };
      }
      journal.end();
      return { status: 200, body: {} };
    });

  const server: Server = createServer(async (req, res) => {
    try {
      const body = await readAll(req);
      const target = String(req.headers['x-amz-target'] ?? '');
      if (target === `${TARGET_PREFIX}TransactWriteItems`) {
        const reply = await transact(req.headers, JSON.parse(body.toString()) as Json);
        const payload = Buffer.from(JSON.stringify(reply.body));
        res.writeHead(reply.status, {
          'content-type': 'application/x-amz-json-1.0',
          'content-length': payload.length,
        });
        res.end(payload);
        return;
      }
      const reply = await forward(req.headers, req.method ?? 'POST', req.url ?? '/', body);
      res.writeHead(reply.status, reply.headers);
      res.end(reply.body);
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(
        JSON.stringify({
          __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
          message: String(error),
        }),
      );
    }
  });
  await recover();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
};
