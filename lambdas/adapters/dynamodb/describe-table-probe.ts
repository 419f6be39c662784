import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import type { DependencyProbe } from '../../core/health/check-health.js';

/**
 * A health probe of the table: `DescribeTable` with the DynamoDB client, which is imported and
 * built on the first probe, not at load. The public function probes the table only for
 * `GET /health?deep=true`, so its bundle leaves the client out (the package is installed beside
 * it, `lib/bundling.ts`) and a shallow `/health`, `/docs` or `/openapi.json` loads none of it.
 *
 * @example
 * const probe = describeTableProbe('rag-table', { region: 'us-east-1' });
 * await probe(AbortSignal.timeout(2_000)); // resolves while the table answers
 */
export const describeTableProbe = (
  tableName: string,
  clientConfig: DynamoDBClientConfig,
): DependencyProbe => {
  let client: DynamoDBClient | undefined;
  return async (signal) => {
    const { DynamoDBClient, DescribeTableCommand } = await import('@aws-sdk/client-dynamodb');
    client ??= new DynamoDBClient(clientConfig);
    await client.send(new DescribeTableCommand({ TableName: tableName }), { abortSignal: signal });
  };
};
