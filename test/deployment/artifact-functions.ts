/** How a function is triggered, which decides the events the artifact tests send it. */
export type Trigger = 'api-gateway' | 'function-url' | 'sqs' | 'schedule';

/** One function of the stack, as the artifact tests and the IAM coverage check know it. */
export interface ArtifactFunction {
  /** The construct path of the function as a logical id prefix (`<name>Function<hash>`). */
  name: string;
  trigger: Trigger;
  /**
   * Granted actions that the Lambda service uses for the function (an event source mapping
   * polling its queue), not its code: the coverage check does not expect calls for them.
   */
  serviceActions?: readonly string[];
}

/**
 * Every function of the stack. A function in the template that is missing here fails the
 * artifact tests, so a new one (the scheduled reconciler: `{ name: 'Reconciler', trigger:
 * 'schedule' }`, driven by `scheduledEvent()`) is one entry plus its scenario.
 */
export const ARTIFACT_FUNCTIONS: readonly ArtifactFunction[] = [
  { name: 'PublicApi', trigger: 'api-gateway' },
  { name: 'ChatApi', trigger: 'api-gateway' },
  { name: 'DocumentsApi', trigger: 'api-gateway' },
  { name: 'StreamingStreamChat', trigger: 'function-url' },
  {
    name: 'IngestionIndexer',
    trigger: 'sqs',
    serviceActions: [
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueUrl',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ],
  },
];

/** Actions every role has for the runtime itself (its log group, X-Ray), never called by code. */
export const RUNTIME_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:*'] as const;

/** The artifact function whose template logical id is `logicalId`, if any. */
export const artifactFunctionOf = (logicalId: string): ArtifactFunction | undefined =>
  ARTIFACT_FUNCTIONS.find((fn) => new RegExp(`^${fn.name}Function[0-9A-F]{8}$`).test(logicalId));
