import { composeChatApi } from '../../lambdas/composition/chat-api.js';
import { composeDocumentsApi } from '../../lambdas/composition/documents-api.js';
import { composeIndexer } from '../../lambdas/composition/indexer.js';
import { composePublicApi } from '../../lambdas/composition/public-api.js';
import { composeReconciler } from '../../lambdas/composition/reconciler.js';
import { loadRuntimeConfig } from '../../lambdas/composition/runtime-config.js';
import { composeStreamChat } from '../../lambdas/composition/stream-chat.js';

/** How a function is triggered, which decides the events the artifact tests send it. */
export type Trigger = 'api-gateway' | 'function-url' | 'sqs' | 'schedule';

/** One function of the stack, as the artifact tests and the IAM coverage check know it. */
export interface ArtifactFunction {
  /** The construct path of the function as a logical id prefix (`<name>Function<hash>`). */
  name: string;
  trigger: Trigger;
  /** Its composition root, as its handler calls it: from the environment alone. */
  compose: (environment: Record<string, string | undefined>) => unknown;
  /**
   * Granted actions that the Lambda service uses for the function (an event source mapping
   * polling its queue), not its code: the coverage check does not expect calls for them.
   */
  serviceActions?: readonly string[];
}

/**
 * Every function of the stack. A function in the template that is missing here fails the
 * artifact tests, so a new one (the scheduled reconciler: `{ name: 'Reconciler', trigger:
 * 'schedule', compose }`, driven by `scheduledEvent()`) is one entry plus its scenario.
 */
export const ARTIFACT_FUNCTIONS: readonly ArtifactFunction[] = [
  {
    name: 'PublicApi',
    trigger: 'api-gateway',
    compose: (env) => composePublicApi(loadRuntimeConfig(env)),
  },
  {
    name: 'ChatApi',
    trigger: 'api-gateway',
    compose: (env) => composeChatApi(loadRuntimeConfig(env)),
  },
  {
    name: 'DocumentsApi',
    trigger: 'api-gateway',
    compose: (env) => composeDocumentsApi(loadRuntimeConfig(env)),
  },
  {
    name: 'StreamingStreamChat',
    trigger: 'function-url',
    compose: (env) => composeStreamChat(loadRuntimeConfig(env)),
  },
  {
    name: 'IngestionIndexer',
    trigger: 'sqs',
    compose: (env) => composeIndexer(loadRuntimeConfig(env)),
    serviceActions: [
      'sqs:ReceiveMessage',
      'sqs:ChangeMessageVisibility',
      'sqs:GetQueueUrl',
      'sqs:DeleteMessage',
      'sqs:GetQueueAttributes',
    ],
  },
  {
    name: 'ReconcilerReconcile',
    trigger: 'schedule',
    compose: (env) => composeReconciler(loadRuntimeConfig(env)),
  },
];

/** Actions every role has for the runtime itself (its log group, X-Ray), never called by code. */
export const RUNTIME_ACTIONS = ['logs:CreateLogStream', 'logs:PutLogEvents', 'xray:*'] as const;

/** The artifact function whose template logical id is `logicalId`, if any. */
export const artifactFunctionOf = (logicalId: string): ArtifactFunction | undefined =>
  ARTIFACT_FUNCTIONS.find((fn) => new RegExp(`^${fn.name}Function[0-9A-F]{8}$`).test(logicalId));
