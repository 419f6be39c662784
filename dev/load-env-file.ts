/**
 * Loads the settings kept in `.env` (see `.env.example`) into `process.env`, the environment's
 * own values taking precedence, as a side effect of being imported: `npm run dev` and the
 * scripts that work on its data (`keys`, `ingest`, `reindex`) import it first, so they all see
 * the same `DATA_DIR`, ports and keys.
 */
import { existsSync } from 'node:fs';

if (existsSync('.env')) process.loadEnvFile('.env');
