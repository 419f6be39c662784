import type { TokenUsage } from './chat-model.js';
import type { Page, PageRequest } from './document-store.js';

/** A cited chunk, as stored with an assistant message and returned to clients. */
export interface Source {
  documentId: string;
  title: string;
  chunkIndex: number;
  score: number;
  snippet: string;
  /** The page the cited passage is on, for paged documents (PDF). */
  page?: number;
}

/** One message of a session. */
export interface StoredMessage {
  id: string;
  role: 'user' | 'assistant';
  content: string;
  createdAt: string;
  sources?: Source[];
  usage?: TokenUsage;
  model?: string;
  /** Set when the answer was cut (client gone, time budget, model failure after the first token). */
  incomplete?: boolean;
}

/** A session's summary, as listed. */
export interface SessionSummary {
  sessionId: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

/** A completed turn: the question and its answer, stored together or not at all. */
export interface Turn {
  user: StoredMessage;
  assistant: StoredMessage;
}

/** Options of {@link SessionStore.appendTurn}. */
export interface AppendTurnOptions {
  /** The turn continues a session that existed when it began. */
  continuing?: boolean;
}

/** Port for chat sessions: one item per message, every method scoped by tenant. */
export interface SessionStore {
  /** Newest-first messages of a session; undefined when the tenant has no such session. */
  getMessages(
    tenantId: string,
    sessionId: string,
    page: PageRequest,
  ): Promise<Page<StoredMessage> | undefined>;
  /** Whether the tenant has this session. */
  exists(tenantId: string, sessionId: string): Promise<boolean>;
  /**
   * Stores both messages of a turn atomically, creating the session if needed; with
   * `continuing`, only while the session (read when the turn began) still exists, so a session
   * deleted while an answer was running stays deleted. False when nothing was stored for that.
   */
  appendTurn(
    tenantId: string,
    sessionId: string,
    turn: Turn,
    options?: AppendTurnOptions,
  ): Promise<boolean>;
  /**
   * Puts `assistant` in place of the session's last message, when that is the answer
   * `replaces` (a regenerated answer keeps its question and its place); false, storing
   * nothing, when the session is gone or its last message is another one.
   */
  replaceLastAnswer(
    tenantId: string,
    sessionId: string,
    change: { replaces: string; assistant: StoredMessage },
  ): Promise<boolean>;
  list(tenantId: string, page: PageRequest): Promise<Page<SessionSummary>>;
  /** Removes the session and all its messages; false when the tenant has no such session. */
  delete(tenantId: string, sessionId: string): Promise<boolean>;
}
