import { randomUUID } from 'node:crypto';
import {
  type DocumentRecord,
  type DocumentStore,
  type DocumentTransition,
  type DocumentVersion,
  isStartable,
  type Page,
  type PageRequest,
  PENDING_STATUSES,
  type PublishedVersion,
  type PublishStatus,
  type ReservedVersion,
  type StalePosition,
} from '../../../lambdas/core/ports/document-store.js';
import type { LiveDocuments } from '../../../lambdas/core/ports/live-documents.js';
import { HttpProblem } from '../../../lambdas/core/problem.js';

const key = (tenantId: string, id: string) => `${tenantId}\u0000${id}`;

/**
 * A {@link DocumentStore} (and {@link LiveDocuments}) in memory, with the same semantics as the
 * DynamoDB ones (the ports' contract tests run against both). Records are copied in and out,
 * so tests cannot mutate stored state by accident.
 */
export class InMemoryDocumentStore implements DocumentStore, LiveDocuments {
  readonly records = new Map<string, DocumentRecord>();
  readonly #titles = new Map<string, { documentId: string; lastVersion: number }>();
  readonly #partsDone = new Map<string, Set<number>>();

  async reserveVersion(tenantId: string, title: string): Promise<ReservedVersion> {
    const claim = this.#titles.get(key(tenantId, title)) ?? {
      documentId: randomUUID(),
      lastVersion: 0,
    };
    claim.lastVersion += 1;
    this.#titles.set(key(tenantId, title), claim);
    return { documentId: claim.documentId, version: claim.lastVersion };
  }

  async publishVersion(
    version: DocumentVersion,
    at: string,
    status: PublishStatus = 'queued',
  ): Promise<PublishedVersion> {
    const claim = this.#titles.get(key(version.tenantId, version.title));
    const existing = this.records.get(key(version.tenantId, version.documentId));
    if (claim?.documentId !== version.documentId || existing?.status === 'deleting') {
      return { outcome: 'deleted' };
    }
    if (existing && existing.version >= version.version) {
      return { outcome: 'superseded', record: structuredClone(existing) };
    }
    const record: DocumentRecord = {
      ...version,
      ...(version.metadata ? { metadata: structuredClone(version.metadata) } : {}),
      status,
      createdAt: existing?.createdAt ?? at,
      updatedAt: at,
    };
    if (!version.metadata) delete record.metadata;
    if (!version.contentHash) delete record.contentHash;
    if (!version.textHash) delete record.textHash;
    if (!version.textKey) delete record.textKey;
    this.#partsDone.delete(key(version.tenantId, version.documentId));
    this.records.set(key(version.tenantId, version.documentId), record);
    return { outcome: 'current' };
  }

  async findByTitle(tenantId: string, title: string): Promise<DocumentRecord | undefined> {
    const claim = this.#titles.get(key(tenantId, title));
    return claim ? this.get(tenantId, claim.documentId) : undefined;
  }

  async get(tenantId: string, documentId: string): Promise<DocumentRecord | undefined> {
    const record = this.records.get(key(tenantId, documentId));
    return record ? structuredClone(record) : undefined;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<DocumentRecord>> {
    const sortKey = (record: DocumentRecord) => `${record.createdAt}#${record.documentId}`;
    let after: string | undefined;
    if (page.cursor !== undefined) {
      after = Buffer.from(page.cursor, 'base64url').toString('utf8');
      if (!/^\S+#[0-9a-f-]{36}$/.test(after)) {
        throw new HttpProblem(400, {
          type: 'urn:problem:validation',
          detail: 'The cursor is invalid',
        });
      }
    }
    const all = [...this.records.values()]
      .filter((record) => record.tenantId === tenantId)
      .sort((a, b) => sortKey(b).localeCompare(sortKey(a)))
      .filter((record) => after === undefined || sortKey(record) < after);
    const items = all.slice(0, page.limit);
    const last = items.at(-1);
    return {
      items: items.map((record) => structuredClone(record)),
      ...(all.length > page.limit && last
        ? { nextCursor: Buffer.from(sortKey(last)).toString('base64url') }
        : {}),
    };
  }

  async transition(
    tenantId: string,
    documentId: string,
    version: number,
    change: DocumentTransition,
  ): Promise<boolean> {
    const record = this.records.get(key(tenantId, documentId));
    if (!record || record.version !== version || record.status === 'deleting') return false;
    if (change.ifUpdatedAt !== undefined && record.updatedAt !== change.ifUpdatedAt) return false;
    if (change.ifStatus !== undefined && ![change.ifStatus].flat().includes(record.status)) {
      return false;
    }
    record.status = change.status;
    record.updatedAt = change.at;
    if (change.chunkCount !== undefined) record.chunkCount = change.chunkCount;
    else delete record.chunkCount;
    if (change.error !== undefined) record.error = change.error;
    else delete record.error;
    if (change.attempts !== undefined) record.attempts = change.attempts;
    if (change.requeues !== undefined) record.requeues = change.requeues;
    if (change.queuedInBulk === true) record.queuedInBulk = true;
    else delete record.queuedInBulk;
    return true;
  }

  async startIndexing(
    tenantId: string,
    documentId: string,
    version: number,
    start: { attempts: number; at: string },
  ): Promise<DocumentRecord | undefined> {
    const record = this.records.get(key(tenantId, documentId));
    if (record === undefined || !isStartable(record)) return undefined;
    const started = await this.transition(tenantId, documentId, version, {
      status: 'indexing',
      ...start,
    });
    return started ? this.get(tenantId, documentId) : undefined;
  }

  async startParts(
    tenantId: string,
    documentId: string,
    version: number,
    parts: number,
    at: string,
  ): Promise<boolean> {
    const record = this.records.get(key(tenantId, documentId));
    if (record?.version !== version || record.status !== 'indexing') return false;
    record.parts = parts;
    record.partsDone = 0;
    record.updatedAt = at;
    this.#partsDone.set(key(tenantId, documentId), new Set());
    return true;
  }

  async completePart(
    tenantId: string,
    documentId: string,
    version: number,
    split: { part: number; parts: number },
    at: string,
  ): Promise<{ done: number; parts: number } | undefined> {
    const record = this.records.get(key(tenantId, documentId));
    if (record?.version !== version || record.status !== 'indexing') return undefined;
    if (record.parts !== split.parts) return undefined;
    const done = this.#partsDone.get(key(tenantId, documentId)) ?? new Set<number>();
    done.add(split.part);
    this.#partsDone.set(key(tenantId, documentId), done);
    record.partsDone = done.size;
    record.updatedAt = at;
    return { done: done.size, parts: split.parts };
  }

  async markDeleting(
    tenantId: string,
    documentId: string,
    at: string,
  ): Promise<DocumentRecord | undefined> {
    const record = this.records.get(key(tenantId, documentId));
    if (!record) return undefined;
    const replaced = structuredClone(record);
    record.status = 'deleting';
    record.updatedAt = at;
    return replaced;
  }

  async restoreDeleting(replaced: DocumentRecord, tombstoneAt: string): Promise<boolean> {
    const record = this.records.get(key(replaced.tenantId, replaced.documentId));
    if (
      !record ||
      replaced.status === 'deleting' ||
      record.status !== 'deleting' ||
      record.updatedAt !== tombstoneAt ||
      record.version !== replaced.version
    ) {
      return false;
    }
    record.status = replaced.status;
    record.updatedAt = replaced.updatedAt;
    return true;
  }

  async listStale(before: string, limit: number, after?: StalePosition): Promise<DocumentRecord[]> {
    // The order of the DynamoDB store's pending index: its key's string order.
    const position = (record: StalePosition) =>
      `${record.updatedAt}#${record.tenantId}#${record.documentId}`;
    return [...this.records.values()]
      .filter((record) => PENDING_STATUSES.includes(record.status) && record.updatedAt < before)
      .filter((record) => after === undefined || position(record) > position(after))
      .sort((a, b) => (position(a) < position(b) ? -1 : position(a) > position(b) ? 1 : 0))
      .slice(0, limit)
      .map((record) => structuredClone(record));
  }

  async liveAmong(tenantId: string, documentIds: readonly string[]): Promise<ReadonlySet<string>> {
    return new Set(
      documentIds.filter((documentId) => {
        const status = this.records.get(key(tenantId, documentId))?.status;
        return status !== undefined && status !== 'deleting';
      }),
    );
  }

  async delete(tenantId: string, documentId: string): Promise<DocumentRecord | undefined> {
    const record = this.records.get(key(tenantId, documentId));
    if (!record) return undefined;
    this.records.delete(key(tenantId, documentId));
    const claim = this.#titles.get(key(tenantId, record.title));
    if (claim?.documentId === documentId) this.#titles.delete(key(tenantId, record.title));
    return structuredClone(record);
  }
}
