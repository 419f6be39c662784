import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { loadAppConfig } from '../../lib/config.js';
import { RagApiStack } from '../../lib/rag-api-stack.js';
import { CDK_PROVIDED_FUNCTIONS } from '../deployment/cloudformation-template.js';
import { cdkJsonContext } from './cdk-json-context.js';

/** One of the stack's own functions in a synthesized template. */
export interface SynthesizedFunction {
  logicalId: string;
  /** Its environment, CloudFormation references replaced by a placeholder string (a URL for a function URL's). */
  env: Record<string, string>;
  timeoutSeconds: number;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/**
 * What stands for a CloudFormation reference in an environment: a URL for a function URL's
 * `FunctionUrl` (a setting that must be a URL), a name for anything else.
 */
const placeholderOf = (name: string, reference: unknown): string => {
  const [logicalId, attribute] =
    (reference as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'] ?? [];
  return attribute === 'FunctionUrl'
    ? `https://${logicalId?.toLowerCase()}.lambda-url.us-east-1.on.aws/`
    : `reference-${name.toLowerCase()}`;
};

/**
 * Synthesizes the stack without bundling from context given as `-c key=value` gives it (text),
 * over `cdk.json`'s own context: the template and the functions' environments, as deployed.
 *
 * @example
 * const { fn } = synthStack({ historyTokenBudget: '0' });
 * loadRuntimeConfig(fn('ChatApi').env);
 */
export const synthStack = (context: Record<string, unknown>) => {
  const app = new App({
    context: {
      ...cdkJsonContext(),
      'aws:cdk:bundling-stacks': [],
      qdrantUrl: 'https://qdrant.example.com',
      ...context,
    },
  });
  const stack = new RagApiStack(app, 'SynthStack', { config: loadAppConfig(app.node) });
  const resources = Template.fromStack(stack).toJSON().Resources as Resources;
  const functions: SynthesizedFunction[] = Object.entries(resources)
    .filter(
      ([id, resource]) =>
        resource.Type === 'AWS::Lambda::Function' &&
        !CDK_PROVIDED_FUNCTIONS.some((pattern) => pattern.test(id)),
    )
    .map(([logicalId, resource]) => {
      const variables =
        (resource.Properties.Environment as { Variables?: Record<string, unknown> } | undefined)
          ?.Variables ?? {};
      return {
        logicalId,
        env: Object.fromEntries(
          Object.entries(variables).map(([name, value]) => [
            name,
            typeof value === 'string' ? value : placeholderOf(name, value),
          ]),
        ),
        timeoutSeconds: Number(resource.Properties.Timeout),
      };
    });
  const fn = (prefix: string): SynthesizedFunction => {
    const found = functions.find((candidate) => candidate.logicalId.startsWith(prefix));
    if (!found) throw new Error(`no function ${prefix}`);
    return found;
  };
  const resource = (type: string, prefix = '') =>
    Object.entries(resources).find(([id, item]) => item.Type === type && id.startsWith(prefix))?.[1]
      .Properties ?? {};
  return { functions, fn, resource, resources };
};
