import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A resource of a synthesized CloudFormation template. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

/** A synthesized CloudFormation template. */
export interface CloudFormationTemplate {
  Resources: Record<string, TemplateResource>;
}

/** What `Ref` and `Fn::GetAtt` return for one resource, in the local run. */
export interface PhysicalResource {
  ref: string;
  attributes?: Record<string, string>;
}

/** The local values template tokens resolve to. */
export interface TokenValues {
  region: string;
  accountId: string;
  /** The physical resource of a logical id (undefined: the token stays unresolvable). */
  resource(logicalId: string, resource: TemplateResource): PhysicalResource | undefined;
}

/**
 * Evaluates the intrinsic functions a CDK template uses (`Ref`, `Fn::GetAtt`, `Fn::Join`,
 * `Fn::Select`, `Fn::Split`, `Fn::Sub` without a variable map) against local values.
 * Written by hand: the CDK has no public evaluator outside a deployment, and these six
 * functions are all its templates need here.
 *
 * @throws Error naming the token that has no local value.
 */
export const resolveTokens = (
  value: unknown,
  template: CloudFormationTemplate,
  values: TokenValues,
): unknown => {
  const resolve = (node: unknown): unknown => resolveTokens(node, template, values);
  const physical = (logicalId: string): PhysicalResource => {
    const resource = template.Resources[logicalId];
    const found = resource ? values.resource(logicalId, resource) : undefined;
    if (!found) throw new Error(`no local value for the resource ${logicalId}`);
    return found;
  };
  const pseudo: Record<string, string> = {
    'AWS::Region': values.region,
    'AWS::AccountId': values.accountId,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (Array.isArray(value)) return value.map(resolve);
  if (typeof value !== 'object' || value === null) return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length !== 1 || key === undefined) {
    return Object.fromEntries(entries.map(([name, item]) => [name, resolve(item)]));
  }
  switch (key) {
    case 'Ref': {
      const name = String(argument);
      return pseudo[name] ?? physical(name).ref;
    }
    case 'Fn::GetAtt': {
      const [logicalId, attribute] = argument as [string, string];
      const found = physical(logicalId).attributes?.[attribute];
      if (found === undefined) throw new Error(`no local value for ${logicalId}.${attribute}`);
      return found;
    }
    case 'Fn::Join': {
      const [separator, parts] = argument as [string, unknown[]];
      return (resolve(parts) as unknown[]).map(String).join(separator);
    }
    case 'Fn::Select': {
      const [index, list] = argument as [number, unknown];
      return (resolve(list) as unknown[])[Number(index)];
    }
    case 'Fn::Split': {
      const [separator, text] = argument as [string, unknown];
      return String(resolve(text)).split(separator);
    }
    case 'Fn::Sub':
      return String(argument).replace(/\$\{([^}]+)\}/g, (_, name: string) => {
        const [logicalId, attribute] = name.split('.');
        if (pseudo[name]) return pseudo[name];
        const target = physical(logicalId ?? name);
        return attribute ? (target.attributes?.[attribute] ?? '') : target.ref;
      });
    default:
      return Object.fromEntries(entries.map(([name, item]) => [name, resolve(item)]));
  }
};

/** One IAM policy statement, as written in a template (single values or lists). */
export interface PolicyStatement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
  Sid?: string;
}

/** A Lambda function of the template, with what the runtime needs to run its bundle. */
export interface TemplateFunction {
  logicalId: string;
  /** `Handler`, e.g. `index.handler`. */
  handler: string;
  /**
   * The bundle's folder in the cloud assembly (from the `aws:asset:path` metadata, which
   * `cdk synth` writes); undefined when synthesized without asset metadata.
   */
  codeDirectory: string | undefined;
  /** `Environment.Variables`, tokens unresolved. */
  environment: Record<string, unknown>;
  memorySize: number;
  timeoutSeconds: number;
  /** The logical id of its execution role. */
  roleLogicalId: string;
  /** Statements of every `AWS::IAM::Policy` attached to that role, tokens unresolved. */
  statements: PolicyStatement[];
}

/** Reads `<stack>.template.json` from a cloud assembly (`cdk.out`). */
export const readTemplate = (cdkOut: string, stackName: string): CloudFormationTemplate =>
  JSON.parse(readFileSync(join(cdkOut, `${stackName}.template.json`), 'utf8'));

const roleIdOf = (role: unknown): string => {
  const getAtt = (role as { 'Fn::GetAtt'?: [string, string] })['Fn::GetAtt'];
  if (!getAtt) throw new Error(`a function role is not a Fn::GetAtt: ${JSON.stringify(role)}`);
  return getAtt[0];
};

/**
 * Functions CDK adds for its own custom resources, run by CloudFormation at deploy time with
 * CDK's code, not ours: the bucket notifications handler (S3 event notifications to the queue).
 */
export const CDK_PROVIDED_FUNCTIONS: readonly RegExp[] = [
  /^BucketNotificationsHandler[0-9a-f]{32}[0-9A-F]{8}$/,
];

/**
 * Every `AWS::Lambda::Function` of a template with its handler, bundle folder, environment,
 * and the policy statements of its role ({@link CDK_PROVIDED_FUNCTIONS} left out).
 */
export const templateFunctions = (
  template: CloudFormationTemplate,
  cdkOut: string,
): TemplateFunction[] =>
  Object.entries(template.Resources)
    .filter(
      ([logicalId, resource]) =>
        resource.Type === 'AWS::Lambda::Function' &&
        !CDK_PROVIDED_FUNCTIONS.some((pattern) => pattern.test(logicalId)),
    )
    .map(([logicalId, resource]) => {
      const properties = resource.Properties ?? {};
      const assetPath = resource.Metadata?.['aws:asset:path'];
      const roleLogicalId = roleIdOf(properties.Role);
      const statements = Object.values(template.Resources)
        .filter(
          (policy) =>
            policy.Type === 'AWS::IAM::Policy' &&
            (policy.Properties?.Roles as { Ref: string }[] | undefined)?.some(
              (role) => role.Ref === roleLogicalId,
            ),
        )
        .flatMap(
          (policy) =>
            (policy.Properties?.PolicyDocument as { Statement?: PolicyStatement[] } | undefined)
              ?.Statement ?? [],
        );
      return {
        logicalId,
        handler: String(properties.Handler),
        codeDirectory: typeof assetPath === 'string' ? join(cdkOut, assetPath) : undefined,
        environment:
          (properties.Environment as { Variables?: Record<string, unknown> } | undefined)
            ?.Variables ?? {},
        memorySize: Number(properties.MemorySize ?? 128),
        timeoutSeconds: Number(properties.Timeout ?? 3),
        roleLogicalId,
        statements,
      };
    });
