/**
 * The webhook receiver as one framework-neutral function: raw body and headers in, a status out.
 * The provider verifies the delivery (OpenAI: the `openai` SDK's `webhooks.unwrap`, behind the
 * port); a verified batch event becomes
 * the `batchEvent` signal of the workflow `cancel-batch:<batchId>`, which reads the batch before
 * acting on it. The secret and the body are never logged.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import type { MetricMeter } from '@temporalio/common';
import { batchEventSignal, type BatchEvent } from '../contract/batch-event';
import { cancelWorkflowId } from '../contract/constants';
import { accountField, DEFAULT_ACCOUNT } from '../contract/account';
import { restartFailedCancellation, startBatchCancellation } from '../client/start-cancellation';
import { providerDefinition } from '../providers/registry';
import type { ProviderEvent } from '../providers/types';
import { makeStats, type WebhookOutcome, type WebhookStats } from './stats';

/** Bodies larger than this are refused (413) before anything else is done: 1 MiB. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

/** A webhook delivery as any HTTP framework has it: the body exactly as received, and its headers. */
export interface WebhookRequest {
  /** The raw body, byte for byte: a re-serialized JSON body no longer matches its signature. */
  body: string | Uint8Array;
  /** Header names in any case; Node's `req.headers` and a Fetch `Headers` both fit. */
  headers: Headers | Record<string, string | string[] | undefined>;
}

/** What to answer: the HTTP status and a short JSON body saying what happened. */
export interface WebhookResponse {
  status: number;
  body: string;
}

/** Options of `createWebhookHandler`. */
export interface WebhookHandlerOptions {
  /** The Temporal client the workflows are signalled (and collections started) with. */
  client: Client;
  /** The endpoint's signing secret from the OpenAI dashboard, `whsec_…` (OPENAI_WEBHOOK_SECRET). */
  secret: string;
  /** The batch API that sends the deliveries (a registered provider with webhooks). @default 'openai' */
  provider?: string;
  /**
   * The account whose endpoint this is (`POST /openai/webhooks/<account>`, with that account's
   * secret): its events reach that account's cancellations only. @default 'default'
   */
  account?: string;
  /**
   * A `batch.expired` event for a batch without a cancellation starts one that collects the
   * expired batch's partial results (workflow id `cancel-batch:<batchId>`, as the scheduled
   * cleanup uses, so a batch is never collected twice). @default false
   */
  collectExpired?: boolean;
  /** Task queue of started collections. @default 'openai-batch-cancel' */
  taskQueue?: string;
  /** Signals and starts that take longer fail with 503, so the sender retries. @default 5000 */
  temporalTimeoutMs?: number;
  /** Counters go here too (e.g. `Runtime.instance().metricMeter`). @default no metrics */
  meter?: MetricMeter;
  /** One line per refused or failed delivery (never the body or the secret). @default silent */
  log?: (line: string) => void;
}

/** The handler: call it with each delivery; `stats()` counts outcomes since it was created. */
export interface WebhookHandler {
  (request: WebhookRequest): Promise<WebhookResponse>;
  stats(): WebhookStats;
}

function answer(status: number, outcome: string, detail?: string): WebhookResponse {
  return { status, body: JSON.stringify(detail ? { outcome, detail } : { outcome }) };
}

function toHeaders(raw: WebhookRequest['headers']): Headers {
  if (raw instanceof Headers) return raw;
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    // Several signatures are space-separated (Standard Webhooks); a repeated header joins the same way.
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(' ') : value);
  }
  return headers;
}

/**
 * Creates the receiver: verify (400 if not genuine or stale), then signal the batch's workflow
 * (200); for a batch whose last cancellation ended without an outcome (failed, e.g.
 * `MaxWaitExceeded`), start it again to collect the results, as `cancel` would (200); answer 200 for
 * events it has nothing to do with, 413 for bodies over 1 MiB and 503 when Temporal does not
 * answer, so OpenAI delivers again later.
 *
 * @example Mount it in Express (the body must stay raw)
 * ```ts
 * app.post('/openai/webhooks', express.raw({ type: 'application/json', limit: '1mb' }), async (req, res) => {
 *   const { status, body } = await handler({ body: req.body, headers: req.headers });
 *   res.status(status).type('json').send(body);
 * });
 * ```
 */
export function createWebhookHandler(opts: WebhookHandlerOptions): WebhookHandler {
  if (!opts.secret)
    throw new Error('createWebhookHandler: the webhook secret is required (OPENAI_WEBHOOK_SECRET)');
  const definition = providerDefinition(opts.provider);
  if (!definition.webhooks)
    throw new Error(`createWebhookHandler: the ${definition.name} provider sends no webhooks`);
  const verify = definition.webhooks.verifier(opts.secret);
  const stats = makeStats(opts.meter);
  const log = opts.log ?? (() => undefined);
  const timeoutMs = opts.temporalTimeoutMs ?? 5_000;
  const { client } = opts;
  const account = opts.account ?? DEFAULT_ACCOUNT;
  const ofAccount = accountField(account);

  const done = (outcome: WebhookOutcome, response: WebhookResponse): WebhookResponse => {
    stats.count(outcome);
    return response;
  };

  async function deliver(event: ProviderEvent): Promise<WebhookResponse> {
    const { batchId, type } = event;
    const workflowId = cancelWorkflowId(batchId, account);
    const signal: BatchEvent = { eventId: event.eventId, type };
    try {
      await client.withDeadline(Date.now() + timeoutMs, () =>
        client.workflow.getHandle(workflowId).signal(batchEventSignal, signal),
      );
      return done('signalled', answer(200, 'signalled'));
    } catch (err) {
      if (!(err instanceof WorkflowNotFoundError)) throw err;
    }
    const startOpts = opts.taskQueue ? { taskQueue: opts.taskQueue } : {};
    const within = <T>(fn: () => Promise<T>) => client.withDeadline(Date.now() + timeoutMs, fn);
    if (!(opts.collectExpired && event.outcome === 'expired')) {
      // The batch is terminal now; if its cancellation gave up (MaxWaitExceeded says "start
      // again"), collect what it salvages, as `cancel` would start it again.
      const restarted = await within(() =>
        restartFailedCancellation(
          client,
          {
            batchId,
            ...ofAccount,
            collectResults: 'always',
            reason: `${type} event ${event.eventId} after a failed run`,
          },
          startOpts,
        ),
      );
      if (restarted?.start.outcome === 'restarted-after-failure')
        return done('collectionsStarted', answer(200, 'collection-restarted'));
      return done('noWorkflow', answer(200, restarted ? restarted.start.outcome : 'no-workflow'));
    }
    const started = await within(() =>
      startBatchCancellation(
        client,
        { batchId, ...ofAccount, collectResults: 'always', reason: `${type} event ${event.eventId}` },
        startOpts,
      ),
    );
    const outcome = started.start.outcome;
    if (outcome === 'started' || outcome === 'restarted-after-failure') {
      return done('collectionsStarted', answer(200, 'collection-started'));
    }
    // Already collected (or being collected): the same workflow id makes it happen once.
    return done('noWorkflow', answer(200, outcome));
  }

  const handler = async (request: WebhookRequest): Promise<WebhookResponse> => {
    const bytes =
      typeof request.body === 'string' ? Buffer.byteLength(request.body) : request.body.byteLength;
    if (bytes > MAX_WEBHOOK_BODY_BYTES) {
      log(`webhook refused: body of ${bytes} bytes is over ${MAX_WEBHOOK_BODY_BYTES}`);
      return done('tooLarge', answer(413, 'too-large'));
    }
    let headers: Headers;
    try {
      headers = toHeaders(request.headers);
    } catch {
      return done('rejected', answer(400, 'rejected', 'malformed headers'));
    }
    const body = typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8');
    const verified = await verify(body, headers);
    if (!verified.ok) {
      log(`webhook rejected${verified.deliveryId ? ` (id ${verified.deliveryId})` : ''}: ${verified.reason}`);
      return done('rejected', answer(400, 'rejected', verified.reason));
    }
    const { event } = verified;
    if (!event) return done('ignored', answer(200, 'ignored'));
    try {
      return await deliver(event);
    } catch (err) {
      log(
        `webhook ${event.eventId} for ${event.batchId}: Temporal did not take it (${(err as Error).message}); answered 503`,
      );
      return done('unavailable', answer(503, 'temporal-unavailable'));
    }
  };
  return Object.assign(handler, { stats: () => stats.snapshot() });
}
