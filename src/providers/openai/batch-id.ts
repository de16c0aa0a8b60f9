/** What an OpenAI batch id looks like: `batch_` then letters, digits, `_` or `-`. */
import { z } from 'zod';

export const OPENAI_BATCH_ID_PATTERN = /^batch_[A-Za-z0-9_-]{1,200}$/;

/** zod schema of an OpenAI batch id; its message says what one looks like. */
export const OpenAIBatchIdSchema = z
  .string()
  .regex(OPENAI_BATCH_ID_PATTERN, 'must look like batch_abc123 (letters, digits, _ or - after "batch_")');
