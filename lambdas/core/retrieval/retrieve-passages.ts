import type { Embedder } from '../ports/embedder.js';
import type { LiveDocuments } from '../ports/live-documents.js';
import {
  DEFAULT_FUSION,
  type HybridFusion,
  type RetrievalMode,
  type ScoredChunk,
  type VectorStore,
} from '../ports/vector-store.js';
import { type ConversationalQuery, conversationalQuery } from './conversational-query.js';
import { decidingCandidates } from './deciding-candidates.js';
import { liveChunks } from './live-chunks.js';
import { measureCoverage, type QuestionCoverage } from './passage-coverage.js';

/** How passages are retrieved for a question; chosen with `npm run eval`. */
export interface RetrievalSettings {
  /** Passages cited per question. */
  topK: number;
  /** Lowest cosine a dense candidate may have. */
  minScore: number;
  mode: RetrievalMode;
  fusion: HybridFusion;
  /**
   * Abstention floors: under any, the question is taken as one the documents cannot answer
   * and nothing is cited. `minCoverage` bounds {@link QuestionCoverage.best}, `minVocabulary`
   * {@link QuestionCoverage.vocabulary}, `minNamesCited` {@link QuestionCoverage.namesCited},
   * `minNamesKnown` {@link QuestionCoverage.namesKnown} and `minCloseness`
   * {@link QuestionCoverage.closeness} (a cosine: it depends on the embedding model).
   */
  minCoverage: number;
  minVocabulary: number;
  minNamesCited: number;
  minNamesKnown: number;
  minCloseness: number;
  /** Passages the coverage is measured on (at least `topK`). */
  coverageCandidates: number;
  /** Weight of the previous question's words in a follow-up's BM25 query (0 turns it off). */
  followUpWeight: number;
}

/** The floors of the abstention rule ({@link abstains}). */
export type AbstentionFloors = Pick<
  RetrievalSettings,
  'minCoverage' | 'minVocabulary' | 'minNamesCited' | 'minNamesKnown' | 'minCloseness'
>;

/**
 * Defaults chosen on the tuning half of the evaluation set (see the README's table). The
 * abstention floors are those `npm run eval` chose there with the offline provider (it chooses
 * them again on every run, for the provider it runs with): no floor on the best passage's
 * coverage or on the names cited, 75% of the question's words known, every name it uses known,
 * and a best cosine of 0.18. A deployment's `RETRIEVAL_MIN_SCORE` (0.25 for OpenAI's models)
 * bounds the cosine too: a question no passage reaches it for cites nothing.
 */
export const DEFAULT_RETRIEVAL: Omit<RetrievalSettings, 'topK' | 'minScore'> = {
  mode: 'hybrid',
  fusion: DEFAULT_FUSION,
  minCoverage: 0,
  minVocabulary: 0.75,
  minNamesCited: 0,
  minNamesKnown: 1,
  minCloseness: 0.18,
  coverageCandidates: 50,
  followUpWeight: 0.5,
};

/**
 * The abstention rule: whether passages of this coverage leave the question unanswered
 * (any figure under its floor).
 *
 * @example
 * abstains({ best: 1, vocabulary: 0.5, namesCited: 1, namesKnown: 1, closeness: 0.4 }, DEFAULT_RETRIEVAL); // true
 */
export const abstains = (coverage: QuestionCoverage, floors: AbstentionFloors): boolean =>
  coverage.best < floors.minCoverage ||
  coverage.vocabulary < floors.minVocabulary ||
  coverage.namesCited < floors.minNamesCited ||
  coverage.namesKnown < floors.minNamesKnown ||
  coverage.closeness < floors.minCloseness;

/**
 * The abstention rule over a question's readings ({@link Retrieval.coverages}): it abstains
 * only when every reading does (a follow-up is answered when it or the conversation is covered).
 *
 * @example
 * abstainsOnEvery([ownWords, withPreviousQuestion], DEFAULT_RETRIEVAL);
 */
export const abstainsOnEvery = (
  coverages: readonly QuestionCoverage[],
  floors: AbstentionFloors,
): boolean => coverages.every((coverage) => abstains(coverage, floors));

/** A question to retrieve passages for. */
export interface RetrievalRequest {
  tenantId: string;
  question: string;
  /** The session's earlier user questions, oldest first. */
  previousQuestions?: readonly string[];
  /** The question's embedding when the caller has it already (it is reused unless a follow-up). */
  questionVector?: number[];
  signal?: AbortSignal;
}

/** What {@link retrievePassages} found. */
export interface Retrieval {
  /** The passages to cite, best first; empty when abstaining. */
  chunks: ScoredChunk[];
  /** The passages ranked before the abstention rule (as many as `topK`). */
  ranked: ScoredChunk[];
  /**
   * How the passages cover the question: read on its own words and, for a follow-up, also with
   * the question it follows (as it was retrieved).
   */
  coverages: QuestionCoverage[];
  abstained: boolean;
  followUp: boolean;
  /**
   * The candidates whose documents' liveness decides `chunks` ({@link decidingCandidates}):
   * when their documents are all live, ranking the live candidates among those ranked here
   * cites the same passages, whatever the others' documents.
   */
  deciding: ScoredChunk[];
}

/** What {@link retrievePassages} reads. */
export interface RetrievalDeps {
  embedder: Embedder;
  vectors: VectorStore;
  /**
   * Which documents may be cited. Given, the candidates of documents being deleted or gone are
   * dropped before anything is ranked or measured; answers always give it (the evaluation
   * harness, whose stores hold only live documents, does not).
   */
  documents?: LiveDocuments;
}

/** What {@link findCandidates} found: the candidates before liveness and ranking. */
export interface Candidates {
  /** The query they were found with. */
  query: ConversationalQuery;
  /** Every candidate the vector store returned, best first. */
  found: ScoredChunk[];
}

/**
 * The first half of {@link retrievePassages}: builds the query from the question and, for a
 * follow-up, the previous question ({@link conversationalQuery}, model-free), embeds it
 * (unless the question's own embedding is given and it is no follow-up) and queries the
 * tenant's chunks in the configured mode. Nothing is checked for liveness or ranked yet.
 *
 * @example
 * const candidates = await findCandidates({ embedder, vectors }, settings, { tenantId, question });
 */
export const findCandidates = async (
  deps: Pick<RetrievalDeps, 'embedder' | 'vectors'>,
  settings: RetrievalSettings,
  request: RetrievalRequest,
): Promise<Candidates> => {
  const signal = request.signal;
  const query = conversationalQuery(
    request.question,
    request.previousQuestions ?? [],
    settings.followUpWeight,
  );
  const vector =
    query.followUp || request.questionVector === undefined
      ? (await deps.embedder.embed([query.denseText], signal ? { signal } : {})).vectors[0]!
      : request.questionVector;
  const found = await deps.vectors.query(request.tenantId, vector, {
    limit: Math.max(settings.topK, settings.coverageCandidates),
    scoreThreshold: settings.minScore,
    lexical: query.lexical,
    mode: settings.mode,
    fusion: settings.fusion,
    ...(signal ? { signal } : {}),
  });
  return { query, found };
};

/**
 * The second half of {@link retrievePassages}, pure: measures how `candidates` (the citable
 * ones among those {@link findCandidates} found, in their order) cover the question and
 * abstains — cites nothing — when they cover too little of it ({@link abstains}: a
 * {@link measureCoverage} figure under its floor; a follow-up only when they also cover too
 * little of it read with the question it follows); else cites the first `topK`.
 *
 * @example
 * const { chunks } = rankCandidates(settings, question, query, await liveChunks(documents, tenantId, found));
 */
export const rankCandidates = (
  settings: RetrievalSettings,
  question: string,
  query: ConversationalQuery,
  candidates: ScoredChunk[],
): Retrieval => {
  // A follow-up is judged with the question it follows too, as it is retrieved: its own words
  // ("Why?", "Can you show me an example of that?") may say nothing of what it is about.
  const byMeaning = { byMeaning: settings.mode !== 'lexical' };
  const readings = [
    measureCoverage(question, candidates, settings.topK, byMeaning),
    ...(query.followUp
      ? [measureCoverage(query.denseText, candidates, settings.topK, byMeaning)]
      : []),
  ];
  const coverages = readings.map((reading) => reading.coverage);
  const abstained = abstainsOnEvery(coverages, settings);
  const ranked = candidates.slice(0, settings.topK);
  const chunks = abstained ? [] : ranked;
  return {
    chunks,
    ranked,
    coverages,
    abstained,
    followUp: query.followUp,
    deciding: decidingCandidates(settings, candidates, readings, chunks.length),
  };
};

/**
 * Retrieves the passages that answer a question: finds the candidates ({@link findCandidates}:
 * the conversational query embedded and run in the configured mode, hybrid by default: dense
 * and BM25 fused), keeps those of live documents ({@link liveChunks}, with `deps.documents`:
 * the vector store may still hold the chunks of a document whose deletion was accepted), and
 * ranks them ({@link rankCandidates}: the first `topK`, or nothing when they cover too little
 * of the question).
 *
 * @example
 * const { chunks, abstained } = await retrievePassages({ embedder, vectors }, settings, {
 *   tenantId: 'tenant-a',
 *   question: 'How do I upload a file?',
 * });
 */
export const retrievePassages = async (
  deps: RetrievalDeps,
  settings: RetrievalSettings,
  request: RetrievalRequest,
): Promise<Retrieval> => {
  const { query, found } = await findCandidates(deps, settings, request);
  const candidates = deps.documents
    ? await liveChunks(deps.documents, request.tenantId, found)
    : found;
  return rankCandidates(settings, request.question, query, candidates);
};
