import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/config.js';
import { RagApiStack } from '../../lib/rag-api-stack.js';
import { cdkJsonContext } from '../support/cdk-json-context.js';
import { type DynaliteHandle, startDynalite } from '../support/dynalite.js';
import {
  type SecretsManagerStandIn,
  startSecretsManagerStandIn,
} from '../support/secrets-manager-stand-in.js';
import { ARTIFACT_FUNCTIONS, artifactFunctionOf } from './artifact-functions.js';
import {
  type CloudFormationTemplate,
  type PhysicalResource,
  resolveTokens,
  type TemplateFunction,
  templateFunctions,
} from './cloudformation-template.js';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';

let db: DynaliteHandle;
let secrets: SecretsManagerStandIn;
let template: CloudFormationTemplate;
let functions: TemplateFunction[];
const saved = { ...process.env };

/** The template's environment of a function, its tokens resolved to local names. */
const environmentOf = (fn: TemplateFunction): Record<string, string> =>
  Object.fromEntries(
    Object.entries(
      resolveTokens(fn.environment, template, {
        region: REGION,
        accountId: ACCOUNT,
        resource: (logicalId, resource): PhysicalResource =>
          resource.Type === 'AWS::DynamoDB::GlobalTable'
            ? { ref: db.tableName }
            : resource.Type === 'AWS::SQS::Queue'
              ? { ref: `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${logicalId}` }
              : resource.Type === 'AWS::Lambda::Url'
                ? {
                    ref: logicalId,
                    attributes: {
                      FunctionUrl: `https://${logicalId.toLowerCase()}.lambda-url.${REGION}.on.aws/`,
                    },
                  }
                : { ref: logicalId.toLowerCase() },
      }) as Record<string, unknown>,
    ).map(([name, value]) => [name, String(value)]),
  );

beforeAll(async () => {
  // Synthesis without bundling: only the template is needed here.
  const app = new App({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      qdrantUrl: 'https://qdrant.example.com',
    },
  });
  const stack = new RagApiStack(app, 'ComposeStack', {
    config: loadAppConfig(app.node),
    env: { region: REGION },
  });
  template = Template.fromStack(stack).toJSON() as CloudFormationTemplate;
  functions = templateFunctions(template, 'cdk.out');
  db = await startDynalite();
  secrets = await startSecretsManagerStandIn();
  for (const fn of functions) {
    for (const [name, value] of Object.entries(environmentOf(fn))) {
      if (name.endsWith('_SECRET_ARN') && !secrets.resolve(value))
        secrets.put(value, 'sk-compose-test');
    }
  }
  // What the Lambda runtime and the SDK's endpoint variables would give the function.
  Object.assign(process.env, {
    AWS_REGION: REGION,
    AWS_ACCESS_KEY_ID: 'compose-test',
    AWS_SECRET_ACCESS_KEY: 'compose-test',
    AWS_ENDPOINT_URL_DYNAMODB: db.endpoint,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
  });
});

afterAll(async () => {
  process.env = saved;
  await secrets?.close();
  await db?.close();
});

describe('composition from the template environment', () => {
  it('knows every function of the template', () => {
    expect(functions.map((fn) => artifactFunctionOf(fn.logicalId)?.name).sort()).toEqual(
      ARTIFACT_FUNCTIONS.map((fn) => fn.name).sort(),
    );
  });

  for (const definition of ARTIFACT_FUNCTIONS) {
    it(`composes ${definition.name} from its variables alone, with no adapters passed in`, async () => {
      const fn = functions.find(
        (candidate) => artifactFunctionOf(candidate.logicalId) === definition,
      );
      if (!fn) throw new Error(`${definition.name} is not in the template`);

      const composed = await definition.compose(environmentOf(fn));

      expect(composed).toBeTypeOf('object');
    });
  }
});
