import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import {
  Effect,
  Grant,
  type IGrantable,
  type IPrincipal,
  PolicyStatement,
} from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { APP_TABLE_SCHEMA } from '../../lambdas/adapters/dynamodb/table-schema.js';

/** An item-level DynamoDB action a function may be granted on the table and its indexes. */
export type ItemAction =
  | 'dynamodb:GetItem'
  | 'dynamodb:BatchGetItem'
  | 'dynamodb:Query'
  | 'dynamodb:PutItem'
  | 'dynamodb:UpdateItem'
  | 'dynamodb:DeleteItem'
  | 'dynamodb:BatchWriteItem';

/** Partition key values of API key items: `APIKEY#<sha256 of the key>`. */
export const API_KEY_PARTITION_PATTERN = 'APIKEY#*';

/** The only attribute a data function may change on an API key item: `touch` on each use. */
export const API_KEY_TOUCHED_ATTRIBUTE = 'lastUsedAt';

const string = (name: string) => ({ name, type: AttributeType.STRING });

/** Properties of an {@link AppTable}. */
export interface AppTableProps {
  /** Keep the table (and refuse its deletion) when the stack is deleted. */
  retainData: boolean;
}

/**
 * The application's single DynamoDB table (sessions, messages, documents, API keys), built from
 * {@link APP_TABLE_SCHEMA} so the deployed table and the one the tests run against cannot
 * drift: on-demand billing, TTL, point-in-time recovery, AWS-managed encryption at rest, and
 * the listing GSI.
 *
 * Grants are explicit and exact: the actions each function uses (the artifact tests' IAM
 * coverage check lists any granted action no call used), on the table and each named index
 * (no `index/*` wildcard), and no `Scan` (every access pattern is a key lookup or a query
 * within one tenant).
 *
 * @example
 * const table = new AppTable(this, 'Table', { retainData: true });
 * table.grantItemActions(chat.function, ['dynamodb:GetItem', 'dynamodb:Query']);
 */
export class AppTable extends Construct {
  /** The table. */
  readonly table: TableV2;

  constructor(scope: Construct, id: string, props: AppTableProps) {
    super(scope, id);
    this.table = new TableV2(this, 'Table', {
      partitionKey: string(APP_TABLE_SCHEMA.partitionKey),
      sortKey: string(APP_TABLE_SCHEMA.sortKey),
      timeToLiveAttribute: APP_TABLE_SCHEMA.timeToLiveAttribute,
      globalSecondaryIndexes: APP_TABLE_SCHEMA.globalSecondaryIndexes.map((index) => ({
        indexName: index.indexName,
        partitionKey: string(index.partitionKey),
        sortKey: string(index.sortKey),
      })),
      billing: Billing.onDemand(),
      encryption: TableEncryptionV2.awsManagedKey(),
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: props.retainData,
      removalPolicy: props.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    });
  }

  /** The table name. */
  get tableName(): string {
    return this.table.tableName;
  }

  /** Lets `grantee` use these item actions on the table and its indexes. */
  grantItemActions(grantee: IGrantable, actions: readonly ItemAction[]): Grant {
    return this.grant(grantee, [...actions]);
  }

  /**
   * Denies `principal` every write to API key items (partition {@link API_KEY_PARTITION_PATTERN},
   * matched with `dynamodb:LeadingKeys`), except setting {@link API_KEY_TOUCHED_ATTRIBUTE}, which
   * authentication does on each use: a data function that is compromised or buggy cannot
   * issue, change or revoke keys. Keys are managed with `npm run keys`, outside the functions.
   */
  denyApiKeyWrites(principal: IPrincipal): void {
    const resources = [this.table.tableArn];
    const leadingKeys = { 'dynamodb:LeadingKeys': [API_KEY_PARTITION_PATTERN] };
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DenyApiKeyItemWrites',
        effect: Effect.DENY,
        actions: ['dynamodb:PutItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'],
        resources,
        conditions: { 'ForAnyValue:StringLike': leadingKeys },
      }),
    );
    principal.addToPrincipalPolicy(
      new PolicyStatement({
        sid: 'DenyApiKeyItemUpdatesButTouch',
        effect: Effect.DENY,
        actions: ['dynamodb:UpdateItem'],
        resources,
        conditions: {
          'ForAnyValue:StringLike': leadingKeys,
          'ForAnyValue:StringNotEquals': {
            'dynamodb:Attributes': [
              APP_TABLE_SCHEMA.partitionKey,
              APP_TABLE_SCHEMA.sortKey,
              API_KEY_TOUCHED_ATTRIBUTE,
            ],
          },
        },
      }),
    );
  }

  /** Lets `grantee` describe the table and nothing else (the deep health check). */
  grantDescribe(grantee: IGrantable): Grant {
    return Grant.addToPrincipal({
      grantee,
      actions: ['dynamodb:DescribeTable'],
      resourceArns: [this.table.tableArn],
    });
  }

  private grant(grantee: IGrantable, actions: string[]): Grant {
    const indexArns = APP_TABLE_SCHEMA.globalSecondaryIndexes.map(
      (index) => `${this.table.tableArn}/index/${index.indexName}`,
    );
    return Grant.addToPrincipal({
      grantee,
      actions,
      resourceArns: [this.table.tableArn, ...indexArns],
    });
  }
}
