import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

// zod's classic API configures its English messages when imported; zod/mini leaves the choice
// to the application, so the schemas written with it say the same as the classic ones.
config(en());

export * from 'zod/mini';
