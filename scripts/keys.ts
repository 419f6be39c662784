// Settings in .env first, as npm run dev reads them (the same DATA_DIR, ports and keys).
import '../dev/load-env-file.js';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import dynalite from 'dynalite';
import { dataDirOf, LOCAL_TABLE_NAME, localEndpointFile } from '../dev/local-paths.js';
import { createAppTable } from '../lambdas/adapters/dynamodb/create-app-table.js';
import { DynamoDbApiKeyStore } from '../lambdas/adapters/dynamodb/dynamodb-api-key-store.js';
import { DynamoDbTenantLimitsStore } from '../lambdas/adapters/dynamodb/dynamodb-tenant-limits-store.js';
import { issueApiKey } from '../lambdas/core/auth/issue-api-key.js';
import { isTenantId, TENANT_ID_RULE } from '../lambdas/core/auth/tenant-id.js';
import type { TenantLimits } from '../lambdas/core/limits/tenant-limits.js';
import { systemClock } from '../lambdas/core/ports/clock.js';

const USAGE = `Usage: npm run keys -- <command> [options]

Commands:
  create --tenant NAME     issue a key for a tenant (printed once, only its hash is stored)
  list [--tenant NAME]     list keys (id, tenant, prefix, created, last used, revoked)
  revoke KEY_ID            revoke a key; it stops working within the key cache TTL
  limits --tenant NAME [--requests-per-minute N] [--tokens-per-day N] [--concurrent-streams N]
                           [--concurrent-followers N]
                           set a tenant's limits (the others keep their value or the
                           default); without a limit, print the tenant's overrides. Functions
                           see a change within TENANT_LIMITS_CACHE_TTL_SECONDS

Table:
  --table NAME             a deployed stack's table (AWS credentials and region from the
                           environment, as for the AWS CLI); default: TABLE_NAME, else the
                           local stack's data in DATA_DIR (default .data)
`;

/** A command line that cannot be run: said in one line, exit 2, nothing opened or written. */
class UsageError extends Error {}

const OPTIONS = {
  allowPositionals: true,
  options: {
    tenant: { type: 'string' },
    table: { type: 'string' },
    help: { type: 'boolean' },
    'requests-per-minute': { type: 'string' },
    'tokens-per-day': { type: 'string' },
    'concurrent-streams': { type: 'string' },
    'concurrent-followers': { type: 'string' },
  },
} as const;

/** The command line, or one line saying what is wrong with it and exit 2. */
const { values, positionals } = (() => {
  try {
    return parseArgs(OPTIONS);
  } catch (error) {
    const reason = (error as Error).message.split('\n')[0];
    process.stderr.write(`keys: ${reason} (npm run keys -- --help)\n`);
    process.exit(2);
  }
})();

/** Reads a limit option: a whole number of 0 or more, or undefined when not given. */
const limitOption = (name: keyof typeof values): number | undefined => {
  const raw = values[name];
  if (raw === undefined) return undefined;
  // Digits only: Number('') and Number(' ') are 0, which would lock a tenant out.
  const value = Number(raw);
  if (typeof raw !== 'string' || !/^\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
    throw new UsageError(`--${name} needs a whole number of 0 or more; got ${String(raw)}`);
  }
  return value;
};

/** The limits given on the command line. */
const limitsFromOptions = (): Partial<TenantLimits> => {
  const limits: Partial<TenantLimits> = {};
  const requestsPerMinute = limitOption('requests-per-minute');
  const tokensPerDay = limitOption('tokens-per-day');
  const concurrentStreams = limitOption('concurrent-streams');
  const concurrentFollowers = limitOption('concurrent-followers');
  if (requestsPerMinute !== undefined) limits.requestsPerMinute = requestsPerMinute;
  if (tokensPerDay !== undefined) limits.tokensPerDay = tokensPerDay;
  if (concurrentStreams !== undefined) limits.concurrentStreams = concurrentStreams;
  if (concurrentFollowers !== undefined) limits.concurrentFollowers = concurrentFollowers;
  return limits;
};

/** Opens the table the configuration points at: a deployed one, or the local stack's. */
const openTable = async (): Promise<{
  client: DynamoDBClient;
  table: string;
  close(): Promise<void>;
}> => {
  const table = values.table ?? process.env.TABLE_NAME;
  if (table) return { client: new DynamoDBClient({}), table, close: async () => undefined };

  const dataDir = resolve(dataDirOf(process.env));
  const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };
  const endpointFile = localEndpointFile(dataDir);
  if (existsSync(endpointFile)) {
    // The local stack is running and holds the database's lock: go through its server.
    const endpoint = readFileSync(endpointFile, 'utf8').trim();
    const client = new DynamoDBClient({ endpoint, region: 'local', credentials });
    try {
      await createAppTable(client, LOCAL_TABLE_NAME);
      return { client, table: LOCAL_TABLE_NAME, close: async () => undefined };
    } catch {
      client.destroy();
    }
  }
  mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const server = dynalite({ path: join(dataDir, 'dynamodb'), createTableMs: 0 });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  const client = new DynamoDBClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'local',
    credentials,
  });
  await createAppTable(client, LOCAL_TABLE_NAME);
  return {
    client,
    table: LOCAL_TABLE_NAME,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
};

const COMMANDS = new Set(['create', 'list', 'revoke', 'limits']);

const main = async (): Promise<number> => {
  const [command, argument] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (!command) {
    process.stderr.write(USAGE);
    return 2;
  }
  if (!COMMANDS.has(command)) {
    process.stderr.write(`Unknown command ${command}\n\n${USAGE}`);
    return 2;
  }
  // Every argument is checked before the table is opened: a wrong command writes nothing.
  const limits = command === 'limits' ? limitsFromOptions() : {};
  if ((command === 'limits' || command === 'create') && !values.tenant) {
    throw new UsageError(`${command} needs --tenant NAME`);
  }
  if (command === 'revoke' && !argument) {
    throw new UsageError('revoke needs a KEY_ID (see `list`)');
  }
  if (values.tenant !== undefined && !isTenantId(values.tenant)) {
    process.stderr.write(`--tenant ${JSON.stringify(values.tenant)}: ${TENANT_ID_RULE}\n`);
    return 2;
  }
  const { client, table, close } = await openTable();
  const store = new DynamoDbApiKeyStore(DynamoDBDocumentClient.from(client), table);
  try {
    switch (command) {
      case 'create': {
        const { key, record } = await issueApiKey(store, systemClock, values.tenant as string);
        process.stdout.write(
          `Created ${record.keyId} for tenant "${record.tenantId}" in ${table}.\n` +
            `Key (shown once, store it now):\n\n  ${key}\n\n`,
        );
        return 0;
      }
      case 'list': {
        const records = await store.list(values.tenant);
        const rows = records.map((r) =>
          [
            r.keyId,
            r.tenantId,
            r.prefix,
            r.createdAt,
            r.lastUsedAt ?? '-',
            r.revokedAt ?? '-',
          ].join('\t'),
        );
        process.stdout.write(
          `${['KEY_ID', 'TENANT', 'PREFIX', 'CREATED', 'LAST_USED', 'REVOKED'].join('\t')}\n${rows.join('\n')}\n`,
        );
        return 0;
      }
      case 'revoke': {
        const revoked = await store.revoke(argument as string, systemClock.now().toISOString());
        process.stdout.write(revoked ? `Revoked ${argument}.\n` : `No key ${argument}.\n`);
        return revoked ? 0 : 1;
      }
      case 'limits': {
        const tenant = values.tenant as string;
        const limitsStore = new DynamoDbTenantLimitsStore(
          DynamoDBDocumentClient.from(client),
          table,
        );
        if (Object.keys(limits).length > 0) await limitsStore.put(tenant, limits);
        const stored = (await limitsStore.get(tenant)) ?? {};
        process.stdout.write(
          `Limits of tenant "${tenant}" in ${table} (unset ones use the defaults):\n${JSON.stringify(stored, null, 2)}\n`,
        );
        return 0;
      }
      default:
        throw new Error(`command ${command} has no case`);
    }
  } finally {
    client.destroy();
    await close();
  }
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`keys: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
