import type { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { DependencyError } from '../core/dependency-error.js';

/** Reads the value of a secret by its id or ARN. */
export type SecretReader = (secretId: string) => Promise<string>;

const KEY_FIELDS = ['apiKey', 'api_key', 'key', 'value'];

/**
 * The API key a secret holds: the secret string itself, or, when it is a JSON object, its
 * `apiKey` (or `api_key`, `key`, `value`) field, or its only field.
 *
 * @example
 * apiKeyFromSecret('{"apiKey":"sk-123"}'); // 'sk-123'
 */
export const apiKeyFromSecret = (value: string): string => {
  const text = value.trim();
  if (!text.startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return text;
  }
  if (typeof parsed !== 'object' || parsed === null) return text;
  const fields = parsed as Record<string, unknown>;
  const named = KEY_FIELDS.map((field) => fields[field]).find((item) => typeof item === 'string');
  const values = Object.values(fields);
  const only = values.length === 1 && typeof values[0] === 'string' ? values[0] : undefined;
  const key = named ?? only;
  if (typeof key !== 'string') throw new Error('the secret JSON has no apiKey field');
  return key.trim();
};

/**
 * A {@link SecretReader} on a Powertools `SecretsProvider`: values are cached per container for
 * `maxAgeSeconds`, so repeated reads cost no call to Secrets Manager. A failed read becomes a
 * {@link DependencyError} naming `secrets-manager`.
 *
 * @example
 * const readSecret = powertoolsSecretReader(composeSecretsProvider(config), 300);
 * const key = apiKeyFromSecret(await readSecret(process.env.OPENAI_API_KEY_SECRET_ARN));
 */
export const powertoolsSecretReader =
  (provider: Pick<SecretsProvider, 'get'>, maxAgeSeconds: number): SecretReader =>
  async (secretId) => {
    let value: unknown;
    try {
      value = await provider.get(secretId, { maxAge: maxAgeSeconds });
    } catch (error) {
      throw new DependencyError('secrets-manager', 'unavailable', 'secret read failed', error);
    }
    if (typeof value === 'string') return value;
    if (value instanceof Uint8Array) return new TextDecoder().decode(value);
    throw new DependencyError('secrets-manager', 'bad-gateway', 'secret has no value');
  };

/**
 * A key provider that re-reads the secret on each call (the reader caches it) and keeps the
 * last good value when a later read fails, so a rotated key is picked up and a Secrets Manager
 * hiccup does not fail requests. The first read happens at once and must succeed.
 *
 * @example
 * const apiKey = await rotatingApiKey(readSecret, arn); // pass as `new OpenAI({ apiKey })`
 */
export const rotatingApiKey = async (
  readSecret: SecretReader,
  secretId: string,
): Promise<() => Promise<string>> => {
  let last = apiKeyFromSecret(await readSecret(secretId));
  return async () => {
    try {
      last = apiKeyFromSecret(await readSecret(secretId));
    } catch {
      // keep the last good key
    }
    return last;
  };
};
