import { randomUUID } from 'node:crypto';
import { AwsJsonError, startAwsJsonServer } from './aws-json-server.js';

/** A running {@link startSecretsManagerStandIn}. */
export interface SecretsManagerStandIn {
  /** Endpoint for a `SecretsManagerClient` (or `AWS_ENDPOINT_URL_SECRETS_MANAGER`). */
  readonly endpoint: string;
  readonly port: number;
  /**
   * Stores a secret under the ARN `partialArn` plus the random six-character suffix Secrets
   * Manager adds; returns the full ARN.
   */
  put(partialArn: string, value: string): string;
  /** The full ARN of the secret a `SecretId` (name, partial or full ARN) names, if any. */
  resolve(secretId: string): string | undefined;
  close(): Promise<void>;
}

const SUFFIX_CHARACTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

const randomSuffix = () =>
  Array.from({ length: 6 }, () => SUFFIX_CHARACTERS[Math.floor(Math.random() * 52)]).join('');

/**
 * A minimal Secrets Manager stand-in speaking AWS JSON 1.1
 * (`secretsmanager.GetSecretValue`), in memory. Secrets are found by name, by partial ARN (the
 * form CDK's `Secret.fromSecretNameV2` hands to functions) or by full ARN, as the service does.
 *
 * @example
 * const secrets = await startSecretsManagerStandIn();
 * secrets.put('arn:aws:secretsmanager:us-east-1:123456789012:secret:openai', 'sk-test');
 */
export const startSecretsManagerStandIn = async (): Promise<SecretsManagerStandIn> => {
  const secrets = new Map<string, { arn: string; name: string; value: string }>();
  const resolve = (secretId: string) =>
    [...secrets.values()].find(
      (secret) =>
        secret.arn === secretId || secret.name === secretId || secret.arn.slice(0, -7) === secretId,
    )?.arn;
  const server = await startAwsJsonServer('secretsmanager', '1.1', {
    GetSecretValue: (input) => {
      const arn = resolve(String(input.SecretId ?? ''));
      const secret = arn ? secrets.get(arn) : undefined;
      if (!secret) {
        throw new AwsJsonError(
          'ResourceNotFoundException',
          "Secrets Manager can't find the specified secret.",
        );
      }
      return {
        ARN: secret.arn,
        Name: secret.name,
        SecretString: secret.value,
        VersionId: randomUUID(),
        VersionStages: ['AWSCURRENT'],
        CreatedDate: Date.now() / 1000,
      };
    },
  });
  return {
    endpoint: server.endpoint,
    port: server.port,
    put: (partialArn, value) => {
      const arn = `${partialArn}-${randomSuffix()}`;
      secrets.set(arn, { arn, name: partialArn.split(':secret:')[1] ?? partialArn, value });
      return arn;
    },
    resolve,
    close: server.close,
  };
};
