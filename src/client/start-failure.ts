/**
 * Why a workflow start failed, said with its fix. The SDK's error says only "Failed to start
 * Workflow"; the server's reason is on its `cause` (e.g. `3 INVALID_ARGUMENT: Namespace default has
 * no mapping defined for search attribute OpenAIBatchId`). Every caller of
 * `startBatchCancellation` (CLI, TypeScript API, webhook receiver) gets this error instead.
 */
import { ServiceError } from '@temporalio/client';
import { registerCommands } from './namespace-check';
import { CLI_TYPE_NAMES, CUSTOM_SEARCH_ATTRIBUTES } from '../contract/search-attributes';
import { BatchCancelError } from '../contract/errors';

/** Thrown when Temporal refused to start a cancellation; `cause` is the server's own error. */
export class CancellationStartError extends BatchCancelError {
  /** The product's search attribute the namespace lacks (or has with another type), if that was why. */
  readonly searchAttribute: string | undefined;
  constructor(
    message: string,
    readonly batchId: string,
    searchAttribute: string | undefined,
    options: { cause: unknown },
  ) {
    super(message, options);
    this.name = 'CancellationStartError';
    this.searchAttribute = searchAttribute;
  }
}

/** The server's message, without the SDK's wrapper. */
function serverReason(err: unknown): string {
  let current: unknown = err;
  while (current instanceof Error && current.cause instanceof Error) current = current.cause;
  const own = err instanceof Error ? err.message : String(err);
  const inner = current instanceof Error ? current.message : String(current);
  return inner === own ? own : `${own}: ${inner}`;
}

/**
 * The start failure as a {@link CancellationStartError} naming its cause and its fix; an error
 * that is not a refused start (none of the server's words) is returned as it is.
 */
export function explainStartFailure(err: unknown, batchId: string, namespace: string): unknown {
  if (!(err instanceof ServiceError) || !(err.cause instanceof Error)) return err;
  const reason = serverReason(err);
  const attribute = CUSTOM_SEARCH_ATTRIBUTES.find((k) =>
    new RegExp(`search attribute:? ${k.name}\\b`, 'i').test(reason),
  );
  if (!attribute) {
    return new CancellationStartError(
      `cannot start the cancellation of ${batchId}: ${reason}`,
      batchId,
      undefined,
      {
        cause: err,
      },
    );
  }
  const type = CLI_TYPE_NAMES[attribute.type];
  const { tcld } = registerCommands([{ name: attribute.name, type, state: 'missing' }], { namespace });
  return new CancellationStartError(
    `cannot start the cancellation of ${batchId}: namespace ${namespace} lacks the search attribute ${attribute.name} (${type}). ` +
      `Register the search attributes with \`openai-batch-cancel setup\` (self-hosted or dev server), or on Temporal Cloud with \`${tcld.join('; ')}\` (\`openai-batch-cancel setup --check\` lists every one missing). Server: ${reason}`,
    batchId,
    attribute.name,
    { cause: err },
  );
}
