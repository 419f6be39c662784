import { randomUUID } from 'node:crypto';
import {
  type ChatMessage,
  type ChatModel,
  cutShort,
  type FinishReason,
  type TokenUsage,
} from '../ports/chat-model.js';
import type { Clock } from '../ports/clock.js';
import type { Embedder } from '../ports/embedder.js';
import type { LiveDocuments } from '../ports/live-documents.js';
import type { SessionStore, Source, StoredMessage } from '../ports/session-store.js';
import type { ScoredChunk, VectorStore } from '../ports/vector-store.js';
import { HttpProblem, notFound } from '../problem.js';
import { liveRanking } from '../retrieval/live-ranking.js';
import {
  type Candidates,
  DEFAULT_RETRIEVAL,
  findCandidates,
  type RetrievalSettings,
  rankCandidates,
  retrievePassages,
} from '../retrieval/retrieve-passages.js';
import { afterRequestsWritten } from '../scheduling/after-requests-written.js';
import { nextTurn } from '../text/work-steps.js';
import { BudgetCut } from './budget-cut.js';
import { buildPrompt } from './build-prompt.js';
import { estimateUsage } from './estimate-usage.js';
import { historyWindow } from './history-window.js';
import { startModelStream } from './started-model-stream.js';
import { toSources } from './to-sources.js';

/**
 * Retrieval and prompt settings of {@link AnswerQuestion}; retrieval settings left out take
 * {@link DEFAULT_RETRIEVAL}.
 */
export interface AnswerSettings extends Partial<Omit<RetrievalSettings, 'topK' | 'minScore'>> {
  topK: number;
  minScore: number;
  historyTokenBudget: number;
  /** How many recent messages are read to fill the history budget. */
  historyReadLimit?: number;
}

/** Dependencies of {@link AnswerQuestion}: ports only. */
export interface AnswerQuestionDeps {
  sessions: SessionStore;
  embedder: Embedder;
  vectors: VectorStore;
  /**
   * Which documents may be cited: read after the vector query, for the documents of the
   * candidates that decide what is cited (`Retrieval.deciding`), and only when one of those is
   * not live for the others too ({@link liveRanking}); a streamed answer reads them while its
   * model call starts ({@link AnswerQuestion.stream}).
   */
  documents: LiveDocuments;
  model: ChatModel;
  clock: Clock;
  settings: AnswerSettings;
  newId?: () => string;
}

/** A question to answer. The tenant comes from the caller's credential, never the request. */
export interface Question {
  tenantId: string;
  message: string;
  sessionId?: string;
  /** Create the session when `sessionId` names none (the AI SDK's useChat picks its own ids). */
  createIfMissing?: boolean;
  /**
   * Answer the session's last question again (useChat's `regenerate()`): the new answer takes
   * the place of the last one, which is left out of the prompt's history. When the last stored
   * question is not `message` (its turn was never stored), the answer is a new turn.
   */
  regenerate?: boolean;
  /**
   * Told what an answer that ends without a `finish` cost (stopped, the client gone, a failure
   * after the first token, a turn that could not be stored): the usage the model reported, or
   * for a stream cut short an estimate of its prompt and what it said. The model's tokens are
   * spent either way; a token budget counts them here.
   */
  chargeCut?: (usage: TokenUsage) => Promise<void>;
  signal?: AbortSignal;
  /**
   * Settles when the answer may call the model (e.g. once a stream slot is held, taken while
   * the answer prepares): a streamed answer calls the model only after it fulfils, and fails
   * with its reason, calling nothing, when it rejects. A refused answer never costs a prompt.
   */
  admitted?: Promise<void>;
  /** Cap on the answer's tokens for this question (e.g. what is left of a token budget). */
  maxTokens?: number;
  /**
   * What is left of the tenant's token budget, when it is the binding cap: a streamed answer
   * whose completion reaches it is cut there (stored `incomplete`, ended by {@link BudgetCut}).
   */
  budgetTokens?: number;
}

/** A buffered answer. */
export interface Answer {
  sessionId: string;
  message: StoredMessage & { role: 'assistant'; sources: Source[] };
  usage: TokenUsage;
  /** The tenant's daily token budget after this answer, when limits are on. */
  budget?: TokenBudget;
}

/** Where a tenant stands on its daily model token budget. */
export interface TokenBudget {
  /** Tokens used today (UTC), this answer included. */
  tokensUsed: number;
  /** Tokens left today. */
  tokensRemaining: number;
}

/** Events of {@link AnswerQuestion.stream}: `start`, then deltas, then `finish`. */
export type AnswerEvent =
  | { type: 'start'; sessionId: string; messageId: string; sources: Source[] }
  | { type: 'delta'; text: string }
  | {
      type: 'finish';
      message: StoredMessage;
      usage: TokenUsage;
      budget?: TokenBudget;
      /** Why the model stopped (absent: it finished); see {@link FinishReason}. */
      finishReason?: FinishReason;
    };

/** A turn with its candidates found, before they are checked and ranked. */
interface RetrievedTurn {
  sessionId: string;
  /** The session existed when the turn began: a deletion meanwhile is not undone by storing. */
  continuing: boolean;
  /** The id of the answer a regenerated one replaces (the turn keeps its stored question). */
  replaces?: string;
  user: StoredMessage;
  /** The history window the prompt carries. */
  history: StoredMessage[];
  candidates: Candidates;
}

/** A turn ready for the model: its passages chosen among citable candidates. */
interface PreparedTurn extends Omit<RetrievedTurn, 'history' | 'candidates'> {
  /** The passages cited (the prompt's numbered sources). */
  chunks: ScoredChunk[];
  /** The candidates whose documents' liveness decides `chunks` (`Retrieval.deciding`). */
  deciding: ScoredChunk[];
  prompt: ChatMessage[];
  sources: Source[];
}

/** Whether two choices of passages are the same passages in the same order. */
const samePassages = (a: readonly ScoredChunk[], b: readonly ScoredChunk[]): boolean =>
  a.length === b.length && a.every((chunk, index) => chunk === b[index]);

const EMPTY_USAGE: TokenUsage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };

/**
 * Answers a question from the tenant's documents: loads the session's history window and
 * embeds the question concurrently, retrieves the passages ({@link retrievePassages}: hybrid
 * search, a follow-up retrieved with the question before it, no sources when the documents
 * do not cover the question), asks the model with the passages delimited as numbered data (or
 * told that nothing relevant was found), and stores the question and the answer together with
 * their sources and usage.
 *
 * Only live documents are cited ({@link LiveDocuments}): a document whose deletion was accepted
 * is `deleting` at once, while its chunks leave the vector store only when their removal
 * succeeds (a retry, the reconciler's, may come minutes later). The documents are read in a
 * consistent `BatchGetItem` after the vector query, since which documents to read is known only
 * then: those of the candidates that decide what is cited (the cited ones and those that carry
 * the abstention check's figures, `Retrieval.deciding`), and only if one of them is not live the
 * other candidates' too ({@link liveRanking}). A buffered answer reads them before its model
 * call. A streamed one
 * starts its model call with the passages ranked as if every candidate were live and reads
 * them meanwhile, so that the round trip is off its time to first token; nothing is relayed
 * before the read, and when it drops a candidate that changes the passages, that call is
 * withdrawn and the model asked again with the live ones ({@link AnswerQuestion.stream}). A
 * failed read fails the answer before its first token (the store's `DependencyError`), rather
 * than cite documents unchecked.
 *
 * A failed turn stores nothing, with one exception in streaming: once tokens have reached the
 * client, a cut (client gone, time budget, model failure) stores what was said, marked
 * `incomplete`, so the user's history matches what they saw.
 *
 * @example
 * const answer = await new AnswerQuestion(deps).answer({ tenantId, message: 'What is X?' });
 * answer.message.sources[0] // { documentId, title, chunkIndex, score, snippet }
 */
export class AnswerQuestion {
  readonly #deps: Required<AnswerQuestionDeps>;

  constructor(deps: AnswerQuestionDeps) {
    this.#deps = { newId: randomUUID, ...deps };
  }

  /**
   * Answers in one piece; stores the turn only when the model succeeded, and not once the
   * question's signal has fired (its caller answers that it ran out of time). An answer cut by
   * the signal is charged (`chargeCut`): its prompt was sent.
   */
  async answer(question: Question): Promise<Answer> {
    const retrieved = await this.#retrieve(question);
    const turn = await this.#liveTurn(
      question,
      retrieved,
      this.#withPassages(question, retrieved, retrieved.candidates.found),
    );
    const completion = await this.#deps.model
      .complete(turn.prompt, this.#callOptions(question))
      .catch(async (error: unknown) => {
        // Cut by us (the time budget) after the prompt was sent: it counts, as in `stream`.
        if (question.signal?.aborted) await question.chargeCut?.(estimateUsage(turn.prompt, ''));
        throw error;
      });
    const message = {
      ...this.#assistantMessage(turn, completion.content, completion.model, completion.usage),
      ...(cutShort(completion.finishReason) ? { incomplete: true } : {}),
    };
    try {
      question.signal?.throwIfAborted();
      await this.#store(question, turn, message);
    } catch (error) {
      await question.chargeCut?.(completion.usage);
      throw error;
    }
    return {
      sessionId: turn.sessionId,
      message: { ...message, role: 'assistant', sources: turn.sources },
      usage: completion.usage,
    };
  }

  /**
   * Answers token by token. Errors before the first token store nothing and propagate; after
   * it, the partial answer is stored as `incomplete` and the error propagates. An answer that
   * reaches `budgetTokens` is stored `incomplete` and ends with a {@link BudgetCut}.
   */
  async *stream(question: Question): AsyncGenerator<AnswerEvent> {
    const retrieved = await this.#retrieve(question);
    await question.admitted;
    // Out of time (or stopped) while waiting: no prompt goes out, so none is charged.
    question.signal?.throwIfAborted();
    const messageId = this.#deps.newId();
    // The model call starts before the candidates' documents are read, with the passages
    // ranked as if every candidate were live (they nearly always are), so that the read's
    // round trip overlaps the model's time to first token, and before `start` is handed out,
    // so that the caller's work on it (response head, source frames) does too. Nothing of the
    // call is relayed before the read has confirmed its passages.
    let turn = this.#withPassages(question, retrieved, retrieved.candidates.found);
    let call = startModelStream(this.#deps.model, turn.prompt, this.#callOptions(question));
    await afterRequestsWritten();
    const checked = await this.#liveTurn(question, retrieved, turn).catch((error: unknown) => {
      call.withdraw();
      throw error;
    });
    if (!samePassages(checked.chunks, turn.chunks)) {
      // A document being deleted (or gone) would have been cited, or dropping it changes the
      // ranking: that call is withdrawn before anything of it was relayed and the model asked
      // again with the live passages. Rare (a deletion whose chunks still wait for removal),
      // it costs a wasted prompt, which is not charged to the tenant, and a time to first token.
      call.withdraw();
      question.signal?.throwIfAborted();
      turn = checked;
      call = startModelStream(this.#deps.model, turn.prompt, this.#callOptions(question));
      await afterRequestsWritten();
    }
    const { events, first: firstEvent } = call;
    let text = '';
    let finished = false;
    try {
      yield { type: 'start', sessionId: turn.sessionId, messageId, sources: turn.sources };
      for (let next = await firstEvent; !next.done; next = await events.next()) {
        // A stop or cut may come while an event is already buffered: nothing more goes out.
        question.signal?.throwIfAborted();
        const event = next.value;
        if (event.type === 'delta') {
          text += event.text;
          yield { type: 'delta', text: event.text };
          continue;
        }
        const answered = this.#assistantMessage(turn, text, event.model, event.usage, messageId);
        // A binding budget is the model's token cap, so reaching the cap is reaching the budget.
        const cut =
          question.budgetTokens !== undefined &&
          (event.usage.completionTokens >= question.budgetTokens ||
            event.finishReason === 'length');
        const message =
          cut || cutShort(event.finishReason) ? { ...answered, incomplete: true } : answered;
        // Let the last token's bytes go out before the turn's storage work takes the thread.
        await nextTurn();
        try {
          await this.#store(question, turn, message);
        } catch (error) {
          // A regenerated answer refused (another answer came last): it is whole and was sent,
          // so it is charged what the model reported, and not stored again as a partial one.
          if (!(error instanceof HttpProblem && error.status === 409)) throw error;
          finished = true;
          await question.chargeCut?.(event.usage);
          throw error;
        }
        finished = true;
        if (cut) throw new BudgetCut(event.usage);
        yield {
          type: 'finish',
          message,
          usage: event.usage,
          ...(event.finishReason ? { finishReason: event.finishReason } : {}),
        };
      }
    } finally {
      // An answer left unfinished (its caller gone, a failure, a stop) leaves no call running.
      if (!finished) call.withdraw();
      // Tokens reached the client, so the model read the prompt and said this much: it counts.
      // So does a prompt sent and then cut by us (a stop, the time budget) before any token.
      if (!finished && (text.length > 0 || question.signal?.aborted)) {
        await question.chargeCut?.(estimateUsage(turn.prompt, text));
      }
      if (!finished && text.length > 0) {
        const partial = this.#assistantMessage(
          turn,
          text,
          this.#deps.model.model,
          EMPTY_USAGE,
          messageId,
        );
        await this.#store(question, turn, { ...partial, incomplete: true });
      }
    }
  }

  /**
   * Reads the session's history window and finds the question's candidates (the embedding
   * and the history read together); the candidates are not yet checked for liveness.
   */
  async #retrieve(question: Question): Promise<RetrievedTurn> {
    const { sessions, embedder, vectors, settings, clock } = this.#deps;
    const signal = question.signal;
    // The embedding request goes out first: the history read's signing work would delay it.
    const sessionId = question.sessionId;
    const [embedded, page] = await Promise.all([
      embedder.embed([question.message], signal ? { signal } : {}),
      sessionId
        ? afterRequestsWritten().then(() =>
            sessions.getMessages(question.tenantId, sessionId, {
              limit: settings.historyReadLimit ?? 50,
            }),
          )
        : undefined,
    ]);
    if (question.sessionId && !page && !question.createIfMissing) throw notFound('Session');
    const stored = page?.items ?? [];
    // A regenerated answer takes the place of the last one: that turn is not history. Only when
    // the last stored question is the one asked again: a question whose turn was never stored
    // (its model call failed) and then regenerated is a new turn, not the previous one's answer.
    const [lastAnswer, lastQuestion] = stored;
    const replaced =
      question.regenerate &&
      lastAnswer?.role === 'assistant' &&
      lastQuestion?.role === 'user' &&
      lastQuestion.content === question.message
        ? { user: lastQuestion, assistant: lastAnswer }
        : undefined;
    const earlier = replaced ? stored.slice(2) : stored;
    const previousQuestions = earlier
      .filter((message) => message.role === 'user')
      .map((message) => message.content)
      .reverse();
    const candidates = await findCandidates({ embedder, vectors }, this.#retrievalSettings(), {
      tenantId: question.tenantId,
      question: question.message,
      previousQuestions,
      questionVector: embedded.vectors[0]!,
      ...(signal ? { signal } : {}),
    });
    return {
      sessionId: question.sessionId ?? this.#deps.newId(),
      continuing: page !== undefined,
      ...(replaced ? { replaces: replaced.assistant.id } : {}),
      user: replaced?.user ?? {
        id: this.#deps.newId(),
        role: 'user',
        content: question.message,
        createdAt: clock.now().toISOString(),
      },
      history: historyWindow(earlier, settings.historyTokenBudget),
      candidates,
    };
  }

  /**
   * The turn as ranking the candidates of live documents makes it, knowing `turn`, ranked as if
   * every candidate were live: only a document's record says it is being deleted, whatever the
   * vector store still holds ({@link liveRanking}: the deciding candidates' documents first).
   */
  #liveTurn(
    question: Question,
    retrieved: RetrievedTurn,
    turn: PreparedTurn,
  ): Promise<PreparedTurn> {
    return liveRanking(
      this.#deps.documents,
      question.tenantId,
      retrieved.candidates.found,
      turn.deciding,
      turn,
      (citable) => this.#withPassages(question, retrieved, citable),
    );
  }

  /** The turn with its passages ranked among `citable` ({@link rankCandidates}) and its prompt. */
  #withPassages(
    question: Question,
    retrieved: RetrievedTurn,
    citable: ScoredChunk[],
  ): PreparedTurn {
    const { history, candidates, ...turn } = retrieved;
    const { chunks, deciding } = rankCandidates(
      this.#retrievalSettings(),
      question.message,
      candidates.query,
      citable,
    );
    return {
      ...turn,
      chunks,
      deciding,
      prompt: buildPrompt({ question: question.message, history, chunks }),
      sources: toSources(chunks),
    };
  }

  #retrievalSettings(): RetrievalSettings {
    return { ...DEFAULT_RETRIEVAL, ...this.#deps.settings };
  }

  /**
   * Stores the turn's answer: appended with its question, or, for a regenerated answer, in
   * place of the one it replaces. False when the session was deleted meanwhile; a 409 when a
   * regenerated answer finds another answer stored last meanwhile.
   */
  async #store(question: Question, turn: PreparedTurn, assistant: StoredMessage): Promise<boolean> {
    const { sessions } = this.#deps;
    if (turn.replaces) {
      const replaced = await sessions.replaceLastAnswer(question.tenantId, turn.sessionId, {
        replaces: turn.replaces,
        assistant,
      });
      // Another answer came last meanwhile (a new question, another regenerate, from another
      // tab): the client must not be told this one finished, since the session does not hold it.
      if (!replaced && (await sessions.exists(question.tenantId, turn.sessionId))) {
        throw new HttpProblem(409, {
          detail:
            'Another answer was stored in this session while this one was regenerated, so it was not kept. Reload the session and regenerate again.',
        });
      }
      return replaced;
    }
    return sessions.appendTurn(
      question.tenantId,
      turn.sessionId,
      { user: turn.user, assistant },
      { continuing: turn.continuing },
    );
  }

  #assistantMessage(
    turn: PreparedTurn,
    content: string,
    model: string,
    usage: TokenUsage,
    id: string = this.#deps.newId(),
  ): StoredMessage {
    return {
      id,
      role: 'assistant',
      content,
      createdAt: this.#deps.clock.now().toISOString(),
      sources: turn.sources,
      usage,
      model,
    };
  }

  #callOptions(question: Question) {
    return {
      ...(question.signal ? { signal: question.signal } : {}),
      ...(question.maxTokens === undefined ? {} : { maxTokens: question.maxTokens }),
    };
  }
}
