/** A stored API key: only its SHA-256 hash is kept. */
export interface ApiKeyRecord {
  keyId: string;
  tenantId: string;
  keyHash: string;
  /** First characters of the key, safe to show in listings. */
  prefix: string;
  createdAt: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/** Port for API key records. */
export interface ApiKeyStore {
  put(record: ApiKeyRecord): Promise<void>;
  findByHash(keyHash: string): Promise<ApiKeyRecord | undefined>;
  list(tenantId?: string): Promise<ApiKeyRecord[]>;
  revoke(keyId: string, at: string): Promise<boolean>;
  touch(keyHash: string, at: string): Promise<void>;
}
