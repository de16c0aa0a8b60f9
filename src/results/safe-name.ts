/**
 * Which batch ids may become a directory name or a key segment. Whichever batch API owns the id
 * validated its form already (an OpenAI id is `batch_…`); the store only makes sure no id can leave
 * its root: one segment of letters, digits, `.`, `_` and `-`, never `.`-led and never holding `..`.
 */
import { ACCOUNT_NAME_PATTERN } from '../contract/account';
import { BATCH_ID_PATTERN } from '../contract/cancel-input';
import { BatchCancelError } from '../contract/errors';

/** Thrown when a batch id would not make a safe directory name or key segment. */
export class UnsafeBatchIdError extends BatchCancelError {
  constructor(readonly batchId: string) {
    super(
      `refusing to store results for ${JSON.stringify(batchId)}: not a valid batch id (one segment of letters, digits, ".", "_" or "-")`,
    );
  }
}

/** True when `batchId` is one path segment that cannot escape a directory or a key prefix. */
export function isSafeBatchId(batchId: string): boolean {
  // The contract's batch id is exactly such a segment: one rule for the input and the store.
  return BATCH_ID_PATTERN.test(batchId);
}

/** `batchId`, or UnsafeBatchIdError. */
export function safeBatchId(batchId: string): string {
  if (!isSafeBatchId(batchId)) throw new UnsafeBatchIdError(batchId);
  return batchId;
}

/** `account`, checked to be one safe segment (the input schema already refused any other). */
export function safeAccountName(account: string): string {
  if (!ACCOUNT_NAME_PATTERN.test(account))
    throw new BatchCancelError(
      `refusing to store results for account ${JSON.stringify(account)}: not an account name`,
    );
  return account;
}
