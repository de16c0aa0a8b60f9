/**
 * Turns anything a command throws into ONE line for stderr and an exit code. Commands throw the
 * errors they meet (ConfigError, WorkflowNotFoundError, ...); only this file decides what they say.
 */
import { WorkflowFailedError } from '@temporalio/client';
import { NamespaceNotFoundError, WorkflowNotFoundError } from '@temporalio/common';
import { InvalidCancelInputError } from '../client/cancellations';
import { ConfigError } from '../worker/config';
import { NamespaceNotReadyError } from '../client/namespace-check';
import { parseCancelWorkflowId } from '../contract/constants';
import { accountFlag, isDefaultAccount } from '../contract/account';
import { BatchCancelError } from '../contract/errors';

/** Exit codes: 1 = failed, 2 = bad usage or configuration, 3 = not finished yet. */
export const ExitCode = { Failed: 1, Usage: 2, NotFinished: 3 } as const;

/** Thrown by commands with a message already fit for the user. */
export class CliError extends BatchCancelError {
  constructor(
    message: string,
    readonly exitCode: number = ExitCode.Failed,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

/** Thrown when the Temporal server at `address` cannot be reached within the connect timeout. */
export class TemporalUnreachableError extends CliError {
  constructor(
    readonly address: string,
    reason: string,
  ) {
    super(
      `cannot reach Temporal at ${address}: ${reason} (is a server running? set --address, TEMPORAL_ADDRESS or a temporal.toml profile)`,
    );
    this.name = 'TemporalUnreachableError';
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The innermost cause's message of a failed workflow, e.g. the OpenAI 404 of a wrong batch id. */
function rootCause(err: Error): Error {
  let current: Error = err;
  while (current.cause instanceof Error) current = current.cause;
  return current;
}

/** gRPC UNAVAILABLE or a transport failure: the server went away after we connected. */
function isUnavailable(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 14 || (err instanceof Error && /UNAVAILABLE|ECONNREFUSED|transport/i.test(err.message));
}

/** Why a workflow failed, as `<failure type>: <root cause's message>` (the type when it has one). */
export function failureReason(err: WorkflowFailedError): string {
  const cause = err.cause ? rootCause(err.cause) : err;
  const type = (cause as { type?: unknown }).type;
  const kind = typeof type === 'string' && type ? `${type}: ` : '';
  return `${kind}${cause.message}`;
}

/** A failed cancel workflow as one line naming the batch and the root cause's failure type. */
export function cancellationFailed(batchId: string | undefined, err: WorkflowFailedError): CliError {
  return new CliError(`cancellation ${batchId ? `of ${batchId} ` : ''}failed: ${failureReason(err)}`);
}

export interface DescribeContext {
  /** The Temporal address in use, when one was configured. */
  address?: string;
  namespace?: string;
}

/** One line and an exit code for any error a command throws. */
export function describeError(err: unknown, ctx: DescribeContext = {}): { line: string; exitCode: number } {
  if (err instanceof CliError) return { line: oneLine(err.message), exitCode: err.exitCode };
  if (err instanceof ConfigError || err instanceof InvalidCancelInputError) {
    return { line: oneLine(err.message), exitCode: ExitCode.Usage };
  }
  // Several lines on purpose: each attribute and each command on its own, to copy.
  if (err instanceof NamespaceNotReadyError) return { line: err.message, exitCode: ExitCode.Usage };
  if (err instanceof WorkflowNotFoundError) {
    const ref = parseCancelWorkflowId(err.workflowId);
    const batchId = ref?.batchId ?? err.workflowId;
    const of = ref && !isDefaultAccount(ref.account) ? ` of account ${ref.account}` : '';
    return {
      line: `no cancellation found for ${batchId}${of}: start one with \`openai-batch-cancel cancel ${batchId}${accountFlag(ref?.account)}\``,
      exitCode: ExitCode.Failed,
    };
  }
  if (err instanceof NamespaceNotFoundError) {
    return {
      line: `namespace ${err.namespace} not found on Temporal${ctx.address ? ` at ${ctx.address}` : ''}: check --namespace, TEMPORAL_NAMESPACE or the profile`,
      exitCode: ExitCode.Usage,
    };
  }
  if (err instanceof WorkflowFailedError) {
    return { line: oneLine(cancellationFailed(undefined, err).message), exitCode: ExitCode.Failed };
  }
  if (ctx.address && isUnavailable(err)) {
    const reason = err instanceof Error ? err.message : String(err);
    return {
      line: oneLine(new TemporalUnreachableError(ctx.address, reason).message),
      exitCode: ExitCode.Failed,
    };
  }
  return { line: oneLine(err instanceof Error ? err.message : String(err)), exitCode: ExitCode.Failed };
}
