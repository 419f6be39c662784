import { createHash, randomBytes } from 'node:crypto';

/** Every API key starts with this prefix, so scanners and humans recognise it. */
export const API_KEY_PREFIX = 'sk-rag-';

const KEY_PATTERN = /^sk-rag-[A-Za-z0-9_-]{43}$/;

/**
 * Creates a new random API key: the prefix and 32 random bytes in base64url.
 *
 * @example
 * generateApiKey() // 'sk-rag-Qx2…' (50 characters)
 */
export const generateApiKey = (): string =>
  `${API_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;

/** Whether a string has the shape of one of our API keys. */
export const isWellFormedApiKey = (key: string): boolean => KEY_PATTERN.test(key);

/** The SHA-256 hex digest of an API key: the only form in which keys are stored. */
export const hashApiKey = (key: string): string => createHash('sha256').update(key).digest('hex');

/** The short, non-secret identifier of a key derived from its hash, shown in listings. */
export const keyIdOf = (keyHash: string): string => `key_${keyHash.slice(0, 16)}`;
