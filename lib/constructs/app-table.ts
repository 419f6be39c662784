import { RemovalPolicy } from 'aws-cdk-lib';
import { AttributeType, Billing, TableEncryptionV2, TableV2 } from 'aws-cdk-lib/aws-dynamodb';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { APP_TABLE_SCHEMA } from '../../lambdas/adapters/dynamodb/table-schema.js';

const READ_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:BatchGetItem',
  'dynamodb:Query',
  'dynamodb:ConditionCheckItem',
  'dynamodb:DescribeTable',
];

const WRITE_ACTIONS = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
];

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
 * Grants are explicit and exact: the table and each named index (no `index/*` wildcard), and no
 * `Scan` (every access pattern is a key lookup or a query within one tenant).
 *
 * @example
 * const table = new AppTable(this, 'Table', { retainData: true });
 * table.grantReadWriteData(chat.function);
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

  /** Lets `grantee` read items from the table and its indexes. */
  grantReadData(grantee: IGrantable): Grant {
    return this.grant(grantee, READ_ACTIONS);
  }

  /** Lets `grantee` read and write items of the table and read its indexes. */
  grantReadWriteData(grantee: IGrantable): Grant {
    return this.grant(grantee, [...READ_ACTIONS, ...WRITE_ACTIONS]);
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
