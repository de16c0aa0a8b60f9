/** What an Anthropic Message Batch id looks like: `msgbatch_` then letters and digits. */
import { z } from 'zod';

export const ANTHROPIC_BATCH_ID_PATTERN = /^msgbatch_[A-Za-z0-9_-]{1,200}$/;

/** zod schema of a Message Batch id; its message says what one looks like. */
export const AnthropicBatchIdSchema = z
  .string()
  .regex(ANTHROPIC_BATCH_ID_PATTERN, 'must look like msgbatch_01abc (letters and digits after "msgbatch_")');
