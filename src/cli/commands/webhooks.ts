/**
 * `webhooks`: the OpenAI webhook receiver. Verified `batch.*` events end the matching
 * cancellation's wait at once (signal `batchEvent`); polling remains the fallback. The secret comes
 * from OPENAI_WEBHOOK_SECRET only, never a flag (flags end up in shell history and `ps`).
 */
import { Client, Connection } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { Command } from 'commander';
import { ConfigError } from '../../worker/config';
import { installRuntime } from '../../worker/metrics';
import { createWebhookHandler } from '../../webhooks/handler';
import { webhookSecretProblem } from '../../providers/openai/webhook-verify';
import { startWebhookServer } from '../../webhooks/server';
import { positiveInt, withConnectionOptions, type ConnectionOptions } from '../common';
import { readConfig, readTarget } from '../connect';
import { waitForStopSignal } from '../signals';

interface WebhooksOptions extends ConnectionOptions {
  port: number;
  host: string;
  collectExpired?: boolean;
}

export function webhooksCommand(): Command {
  return withConnectionOptions(
    new Command('webhooks')
      .description(
        'receive OpenAI webhooks (POST /openai/webhooks, GET /healthz): batch events end the wait at once; needs OPENAI_WEBHOOK_SECRET',
      )
      .option('--port <n>', 'port to listen on', positiveInt, 8788)
      .option(
        '--host <address>',
        'address to listen on (0.0.0.0: every interface, e.g. in a container)',
        '127.0.0.1',
      )
      .option(
        '--collect-expired',
        'a batch.expired event for a batch without a cancellation starts one that collects its partial results',
      ),
  ).action(async (opts: WebhooksOptions) => {
    const config = readConfig();
    const secret = config.OPENAI_WEBHOOK_SECRET;
    if (!secret) {
      throw new ConfigError([
        "OPENAI_WEBHOOK_SECRET: required: the endpoint's signing secret (whsec_…) from the OpenAI dashboard",
      ]);
    }
    const problem = webhookSecretProblem(secret);
    if (problem) throw new ConfigError([`OPENAI_WEBHOOK_SECRET: ${problem}`]);
    installRuntime(config.METRICS_PORT ? { metricsPort: config.METRICS_PORT } : {});
    const target = readTarget();
    // Lazy: the receiver serves even while Temporal is down, answering 503 so OpenAI retries.
    const connection = Connection.lazy(target.connectionOptions);
    const client = new Client({ connection, namespace: target.namespace });
    const handler = createWebhookHandler({
      client,
      secret,
      collectExpired: opts.collectExpired ?? false,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      meter: Runtime.instance().metricMeter,
      log: (line) => process.stderr.write(`webhooks: ${line}\n`),
    });
    const server = await startWebhookServer({ handler, client, port: opts.port, host: opts.host });
    process.stderr.write(
      `webhooks: listening on ${opts.host}:${server.port} (POST /openai/webhooks, GET /healthz), ` +
        `Temporal ${target.address} namespace ${target.namespace}` +
        `${opts.collectExpired ? ', collecting expired batches' : ''}\n`,
    );
    const signal = await waitForStopSignal();
    process.stderr.write(`webhooks: ${signal}, stopping\n`);
    await server.close();
    await connection.close();
  });
}
