import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type RequestListener,
  type Server,
} from 'node:http';
import type { AddressInfo } from 'node:net';

type Json = Record<string, unknown>;

interface DynamoReply {
  status: number;
  body: Json;
}

const TARGET_PREFIX = 'DynamoDB_20120810.';

/**
 * Per-item locks: a transaction waits only for the earlier transactions that touch one of its
 * items, so transactions on different items (uploads of different documents) run at once while
 * each stays atomic with respect to every other. A transaction registers on all its items in
 * one synchronous step and waits only for transactions registered before it, so no two can
 * wait for each other.
 */
class ItemLocks {
  readonly #tails = new Map<string, Promise<void>>();

  async run<T>(items: readonly string[], work: () => Promise<T>): Promise<T> {
    const earlier = items.flatMap((item) => this.#tails.get(item) ?? []);
    let release = () => {};
    const done = new Promise<void>((resolve) => {
      release = resolve;
    });
    for (const item of items) this.#tails.set(item, done);
    try {
      await Promise.all(earlier);
      return await work();
    } finally {
      release();
      for (const item of items) if (this.#tails.get(item) === done) this.#tails.delete(item);
    }
  }
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
 * Every other request passes through untouched. A transaction holds a lock on each of its
 * items ({@link ItemLocks}: transactions on other items run meanwhile); its items' old images
 * are read, then each action is applied as the matching single-item call with its own
 * condition; when any fails, the ones applied are rolled back from their old images and the
 * client gets a `TransactionCanceledException` with per-action `CancellationReasons`, as
 * DynamoDB answers. `ConditionCheck` actions are refused (400):
 * nothing here uses them and a faithful check needs an expression evaluator.
 *
 * With `options.passThrough` (dynalite's own request listener, when it runs in the same
 * thread), other requests are handed to it as they are, without a second HTTP hop.
 *
 * @example
 * const emulator = await startTransactWriteEmulator(dynalitePort);
 * new DynamoDBClient({ endpoint: emulator.endpoint });
 */
export const startTransactWriteEmulator = async (
  targetPort: number,
  options: { passThrough?: RequestListener } = {},
): Promise<{ endpoint: string; port: number; close(): Promise<void> }> => {
  const locks = new ItemLocks();
  const keySchemas = new Map<string, Promise<string[]>>();

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

  /** A table's key attributes: asked once per table (a table's key schema never changes). */
  const keySchemaOf = (headers: IncomingHttpHeaders, table: string): Promise<string[]> => {
    let schema = keySchemas.get(table);
    if (schema === undefined) {
      schema = call(headers, 'DescribeTable', { TableName: table }).then(({ body }) =>
        ((body.Table as Json).KeySchema as { AttributeName: string }[]).map((k) => k.AttributeName),
      );
      schema.catch(() => keySchemas.delete(table));
      keySchemas.set(table, schema);
    }
    return schema;
  };

  const keyOf = async (
    headers: IncomingHttpHeaders,
    table: string,
    action: Json,
  ): Promise<Json> => {
    const [kind, spec] = Object.entries(action)[0] as [string, Json];
    if (kind !== 'Put') return spec.Key as Json;
    const item = spec.Item as Json;
    return Object.fromEntries(
      (await keySchemaOf(headers, table)).map((name) => [name, item[name]]),
    );
  };

  /** The lock name of one item: its table and key, attribute order aside. */
  const itemName = (table: string, key: Json) =>
    JSON.stringify([table, Object.entries(key).sort(([a], [b]) => (a < b ? -1 : 1))]);

  const transact = async (headers: IncomingHttpHeaders, input: Json): Promise<DynamoReply> => {
    const actions = (input.TransactItems ?? []) as Json[];
    const targets = await Promise.all(
      actions.map(async (action) => {
        const table = String((Object.values(action)[0] as Json).TableName);
        return { table, key: await keyOf(headers, table, action) };
      }),
    );
    const names = targets.map(({ table, key }) => itemName(table, key));
    // The actions touch distinct items (DynamoDB refuses a transaction that does not), so with
    // their locks held they are read, then applied, all at once.
    return locks.run(names, async () => {
      const before = await Promise.all(
        targets.map(({ table, key }) =>
          call(headers, 'GetItem', { TableName: table, Key: key, ConsistentRead: true }),
        ),
      );
      const results = await Promise.all(actions.map((action) => applyAction(headers, action)));
      if (results.every((result) => result.status === 200)) return { status: 200, body: {} };
      await Promise.all(
        results.map((result, index) => {
          if (result.status !== 200) return undefined;
          const { table, key } = targets[index]!;
          const old = before[index]!.body.Item as Json | undefined;
          return old
            ? call(headers, 'PutItem', { TableName: table, Item: old })
            : call(headers, 'DeleteItem', { TableName: table, Key: key });
        }),
      );
      const conditional = (result: DynamoReply) =>
        String(result.body.__type ?? '').endsWith('ConditionalCheckFailedException');
      const other = results.find((result) => result.status !== 200 && !conditional(result));
      if (other) return other;
      const reasons = results.map((result) =>
        result.status === 200
          ? { Code: 'None' }
          : { Code: 'ConditionalCheckFailed', Message: 'The conditional request failed' },
      );
      return {
        status: 400,
        body: {
          __type: 'com.amazonaws.dynamodb.v20120810#TransactionCanceledException',
          Message: `Transaction cancelled, please refer cancellation reasons for specific reasons [${reasons.map((r) => r.Code).join(', ')}]`,
          CancellationReasons: reasons,
        },
      };
    });
  };

  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const transaction = target === `${TARGET_PREFIX}TransactWriteItems`;
    if (!transaction && options.passThrough) {
      options.passThrough(req, res);
      return;
    }
    try {
      const body = await readAll(req);
      if (transaction) {
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
