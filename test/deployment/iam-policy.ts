import type { PolicyStatement } from './cloudformation-template.js';

/** One AWS API call a function made, as IAM authorizes it. */
export interface AwsCall {
  /** The function (its logical id prefix in the template, e.g. `DocumentsApi`). */
  functionName: string;
  /** The IAM action, e.g. `s3:ListBucket`. */
  action: string;
  /** The ARN the action applies to. */
  resource: string;
  /** Condition keys of the request, e.g. `{ 's3:prefix': ['tenants/t1/documents/d1/'] }`. */
  context: Record<string, string[]>;
}

/** The outcome of evaluating a call against a role's statements. */
export type Decision = 'allowed' | 'implicitly-denied' | 'explicitly-denied';

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const escapeRegExp = (text: string) => text.replace(/[.+^${}()|[\]\\]/g, '\\$&');

/** IAM wildcard matching: `*` any run of characters, `?` exactly one. */
export const wildcardMatch = (pattern: string, value: string, ignoreCase = false): boolean =>
  new RegExp(
    `^${escapeRegExp(pattern).replace(/\*/g, '.*').replace(/\?/g, '.')}$`,
    ignoreCase ? 'is' : 's',
  ).test(value);

const matchesAction = (statement: PolicyStatement, action: string): boolean =>
  statement.NotAction !== undefined
    ? !list(statement.NotAction).some((pattern) => wildcardMatch(pattern, action, true))
    : list(statement.Action).some((pattern) => wildcardMatch(pattern, action, true));

const matchesResource = (statement: PolicyStatement, resource: string): boolean =>
  list(statement.Resource).some((pattern) => wildcardMatch(pattern, resource));

/**
 * One condition operator on the request's values of a key, with IAM's semantics for a missing
 * key (a positive operator does not match; a negated one does) and for multivalued keys
 * (`ForAnyValue:` / `ForAllValues:`; without a set operator, any value matching counts).
 */
const conditionHolds = (operator: string, expected: string[], actual: string[] | undefined) => {
  const [setOperator, baseOperator] = operator.includes(':')
    ? (operator.split(':') as [string, string])
    : [undefined, operator];
  const compare: Record<string, (pattern: string, value: string) => boolean> = {
    StringEquals: (pattern, value) => pattern === value,
    StringLike: (pattern, value) => wildcardMatch(pattern, value),
    StringNotEquals: (pattern, value) => pattern === value,
    StringNotLike: (pattern, value) => wildcardMatch(pattern, value),
  };
  const matcher = compare[baseOperator];
  if (!matcher) throw new Error(`condition operator ${operator} is not supported by this check`);
  const negated = baseOperator.includes('Not');
  const valueMatches = (value: string) => expected.some((pattern) => matcher(pattern, value));
  const holdsFor = (value: string) => (negated ? !valueMatches(value) : valueMatches(value));
  const values = actual ?? [];
  // Set operators: ForAllValues holds for no values at all; ForAnyValue needs one value.
  if (setOperator === 'ForAllValues') return values.every(holdsFor);
  if (setOperator === 'ForAnyValue') return values.some(holdsFor);
  // A single-valued key missing from the request: a negated operator holds, a positive one not.
  if (values.length === 0) return negated;
  return negated ? !values.some(valueMatches) : values.some(valueMatches);
};

const conditionsHold = (statement: PolicyStatement, call: AwsCall): boolean =>
  Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, expected]) =>
      conditionHolds(operator, list(expected), call.context[key]),
    ),
  );

const applies = (statement: PolicyStatement, call: AwsCall) =>
  matchesAction(statement, call.action) &&
  matchesResource(statement, call.resource) &&
  conditionsHold(statement, call);

/**
 * Evaluates a call against the identity policy statements of its function's role, the way IAM
 * does for one policy type: an applicable Deny wins, else an applicable Allow allows, else the
 * call is implicitly denied. Resources and conditions must be resolved to local values first.
 * Written by hand because no IAM policy simulator runs offline; it supports the operators the
 * stack uses (`String(Not)Equals`, `String(Not)Like`, with `ForAnyValue`/`ForAllValues`) and
 * throws on any other, so a new condition cannot be silently ignored.
 *
 * @example
 * evaluate(statements, { functionName: 'DocumentsApi', action: 's3:ListBucket', resource: 'arn:aws:s3:::raw', context: { 's3:prefix': ['tenants/t/documents/d/'] } });
 */
export const evaluate = (statements: PolicyStatement[], call: AwsCall): Decision => {
  const applicable = statements.filter((statement) => applies(statement, call));
  if (applicable.some((statement) => statement.Effect === 'Deny')) return 'explicitly-denied';
  if (applicable.some((statement) => statement.Effect === 'Allow')) return 'allowed';
  return 'implicitly-denied';
};

/** A call the policy would deny. */
export interface DeniedCall extends AwsCall {
  decision: Exclude<Decision, 'allowed'>;
}

/** The actions a role's Allow statements name that no recorded call used. */
export interface UnusedGrant {
  functionName: string;
  action: string;
}

/** The result of {@link checkCoverage}. */
export interface CoverageReport {
  denied: DeniedCall[];
  unused: UnusedGrant[];
}

/**
 * Checks every recorded call against its function's statements, and lists each action a
 * function is granted but never used (except `ignoredActions`: those the Lambda service uses
 * on the function's behalf, such as logs, X-Ray and the SQS event source).
 */
export const checkCoverage = (
  statementsByFunction: Record<string, PolicyStatement[]>,
  calls: AwsCall[],
  ignoredActions: readonly string[] = [],
): CoverageReport => {
  const denied: DeniedCall[] = [];
  for (const call of calls) {
    const statements = statementsByFunction[call.functionName];
    if (!statements)
      throw new Error(`a call was recorded for an unknown function: ${call.functionName}`);
    const decision = evaluate(statements, call);
    if (decision !== 'allowed') denied.push({ ...call, decision });
  }
  const unused: UnusedGrant[] = [];
  for (const [functionName, statements] of Object.entries(statementsByFunction)) {
    const granted = new Set(
      statements
        .filter((statement) => statement.Effect === 'Allow')
        .flatMap((statement) => list(statement.Action)),
    );
    for (const action of granted) {
      if (ignoredActions.some((pattern) => wildcardMatch(pattern, action, true))) continue;
      const used = calls.some(
        (call) => call.functionName === functionName && wildcardMatch(action, call.action, true),
      );
      if (!used) unused.push({ functionName, action });
    }
  }
  return { denied, unused };
};

/** The report as lines a person reads in the test output. */
export const describeCoverage = (report: CoverageReport): string[] => [
  ...report.denied.map(
    (call) =>
      `DENIED (${call.decision}) ${call.functionName}: ${call.action} on ${call.resource}` +
      (Object.keys(call.context).length > 0 ? ` with ${JSON.stringify(call.context)}` : ''),
  ),
  ...report.unused.map((grant) => `unused grant ${grant.functionName}: ${grant.action}`),
];
