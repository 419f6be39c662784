/**
 * The model name of the offline provider's embeddings (`HashedFeatureEmbedder`): what names
 * the embedded store's file and what the vector store is sized for, known without importing
 * the embedder (the function bundles leave it out).
 */
export const OFFLINE_EMBEDDING_MODEL = 'offline-hashed-terms';
