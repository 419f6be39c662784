import type { Page, PageRequest } from '../../../lambdas/core/ports/document-store.js';
import type {
  AppendTurnOptions,
  SessionStore,
  SessionSummary,
  StoredMessage,
  Turn,
} from '../../../lambdas/core/ports/session-store.js';

/** A {@link SessionStore} in memory, keyed by tenant and session, with injectable failures. */
export class InMemorySessionStore implements SessionStore {
  readonly sessions = new Map<string, { summary: SessionSummary; messages: StoredMessage[] }>();
  /** Errors thrown, in order, by the next `appendTurn` calls. */
  readonly appendFailures: Error[] = [];

  #key = (tenantId: string, sessionId: string) => `${tenantId}\u0000${sessionId}`;

  async exists(tenantId: string, sessionId: string): Promise<boolean> {
    return this.sessions.has(this.#key(tenantId, sessionId));
  }

  async getMessages(
    tenantId: string,
    sessionId: string,
    page: PageRequest,
  ): Promise<Page<StoredMessage> | undefined> {
    const session = this.sessions.get(this.#key(tenantId, sessionId));
    if (!session) return undefined;
    const start = page.cursor ? Number(page.cursor) : 0;
    const newestFirst = [...session.messages].reverse();
    const items = newestFirst.slice(start, start + page.limit);
    const next = start + page.limit;
    return { items, ...(next < newestFirst.length ? { nextCursor: String(next) } : {}) };
  }

  async appendTurn(
    tenantId: string,
    sessionId: string,
    turn: Turn,
    options: AppendTurnOptions = {},
  ): Promise<boolean> {
    const failure = this.appendFailures.shift();
    if (failure) throw failure;
    const key = this.#key(tenantId, sessionId);
    if (options.continuing && !this.sessions.has(key)) return false;
    const session = this.sessions.get(key) ?? {
      summary: {
        sessionId,
        title: turn.user.content.slice(0, 80),
        createdAt: turn.user.createdAt,
        updatedAt: turn.user.createdAt,
        messageCount: 0,
      },
      messages: [],
    };
    session.messages.push(turn.user, turn.assistant);
    session.summary.messageCount += 2;
    session.summary.updatedAt = turn.assistant.createdAt;
    this.sessions.set(key, session);
    return true;
  }

  async replaceLastAnswer(
    tenantId: string,
    sessionId: string,
    change: { replaces: string; assistant: StoredMessage },
  ): Promise<boolean> {
    const session = this.sessions.get(this.#key(tenantId, sessionId));
    if (!session || session.messages.at(-1)?.id !== change.replaces) return false;
    session.messages[session.messages.length - 1] = change.assistant;
    session.summary.updatedAt = change.assistant.createdAt;
    return true;
  }

  async list(tenantId: string, page: PageRequest): Promise<Page<SessionSummary>> {
    const items = [...this.sessions.entries()]
      .filter(([key]) => key.startsWith(`${tenantId}\u0000`))
      .map(([, session]) => session.summary)
      .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
    return { items: items.slice(0, page.limit) };
  }

  async delete(tenantId: string, sessionId: string): Promise<boolean> {
    return this.sessions.delete(this.#key(tenantId, sessionId));
  }

  /** All messages of a session, oldest first (empty when there is none). */
  messagesOf(tenantId: string, sessionId: string): StoredMessage[] {
    return this.sessions.get(this.#key(tenantId, sessionId))?.messages ?? [];
  }
}
