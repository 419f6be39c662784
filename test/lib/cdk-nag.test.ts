import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAppConfig } from '../../lib/config.js';
import { RagApiStack } from '../../lib/rag-api-stack.js';
import { cdkJsonContext } from '../support/cdk-json-context.js';

interface Acknowledgment {
  path: string;
  id: string;
  reason: string;
}

interface Violation {
  ruleName: string;
  severity: string;
  violatingResources: { constructPath?: string }[];
}

let synthError: unknown;
let violations: Violation[];
let acknowledgments: Acknowledgment[];

/** Every `Validations.of(...).acknowledge()` recorded in the construct tree. */
const collectAcknowledgments = (stack: RagApiStack): Acknowledgment[] =>
  stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

const describeViolations = (found: Violation[]): string[] =>
  found.flatMap((violation) =>
    violation.violatingResources.map(
      (resource) => `${violation.ruleName} at ${resource.constructPath}`,
    ),
  );

beforeAll(() => {
  const app = new App({
    context: { ...cdkJsonContext(), qdrantUrl: 'https://qdrant.example.com' },
  });
  const stack = new RagApiStack(app, 'NagStack', { config: loadAppConfig(app.node) });
  const pack = new AwsSolutionsChecks(app, { verbose: true });
  Validations.of(app).addPlugins(pack);
  try {
    app.synth();
  } catch (error) {
    synthError = error;
  }
  violations = pack.validateScope(stack).violations as Violation[];
  acknowledgments = collectAcknowledgments(stack);
});

describe('cdk-nag AwsSolutions checks', () => {
  it('synthesizes with the AwsSolutions pack registered', () => {
    expect(synthError).toBeUndefined();
  });

  it('reports no unacknowledged error', () => {
    // Act
    const errors = violations.filter((violation) => violation.severity === 'error');

    // Assert
    expect(describeViolations(errors)).toEqual([]);
  });

  it('reports no unacknowledged warning', () => {
    // Act
    const warnings = violations.filter((violation) => violation.severity === 'warning');

    // Assert
    expect(describeViolations(warnings)).toEqual([]);
  });

  it('gives every acknowledgment a specific reason', () => {
    expect(acknowledgments.length).toBeGreaterThan(0);
    for (const acknowledgment of acknowledgments) {
      expect(acknowledgment.reason.length, acknowledgment.id).toBeGreaterThanOrEqual(20);
    }
  });

  it('acknowledges only the reviewed rules', () => {
    // Act
    const ids = new Set(acknowledgments.map((ack) => ack.id.replace(/<[^>]+>/g, '<resource>')));

    // Assert
    expect([...ids].sort()).toEqual([
      'AwsSolutions-APIG4',
      'AwsSolutions-IAM4[Policy::arn:<resource>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<resource>/*]',
      'AwsSolutions-IAM5[Resource::<resource>/tenants/*/documents/*/*]',
      'AwsSolutions-IAM5[Resource::<resource>/tenants/*/uploads/*/*]',
      'AwsSolutions-SNS2',
    ]);
  });
});
