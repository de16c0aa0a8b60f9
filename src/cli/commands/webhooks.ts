/**
 * `webhooks`: the OpenAI webhook receiver. Verified `batch.*` events end the matching
 * cancellation's wait at once (signal `batchEvent`); polling remains the fallback. The default
 * account's secret comes from OPENAI_WEBHOOK_SECRET, each other account's from the variable its
 * `webhook_secret_env` names (ACCOUNTS_FILE): never a flag (flags end up in shell history and `ps`).
 */
import { Client, Connection } from '@temporalio/client';
import { Runtime } from '@temporalio/worker';
import { Command } from 'commander';
import { ConfigError } from '../../worker/config';
import { installRuntime } from '../../worker/metrics';
import { createWebhookHandler } from '../../webhooks/handler';
import { webhookSecretProblem } from '../../providers/openai/webhook-verify';
import { startWebhookServer, WEBHOOK_PATH } from '../../webhooks/server';
import { DEFAULT_ACCOUNT, isDefaultAccount } from '../../contract/account';
import { cliAccounts } from '../accounts';
import { positiveInt, withConnectionOptions, type ConnectionOptions } from '../common';
import { readConfig, readTarget } from '../connect';
import { waitForStopSignal } from '../signals';

/** One endpoint: the account it serves and its signing secret. */
interface Endpoint {
  account: string;
  secret: string;
}

/**
 * The endpoints to serve: the default's (OPENAI_WEBHOOK_SECRET), and one per account of the
 * accounts file that names a webhook secret variable. A named variable that is unset or not a
 * secret refuses the start, as does having no endpoint at all.
 */
export function webhookEndpoints(defaultSecret: string | undefined, env: NodeJS.ProcessEnv): Endpoint[] {
  const problems: string[] = [];
  const endpoints: Endpoint[] = [];
  const add = (account: string, variable: string, secret: string | undefined): void => {
    const problem = secret
      ? webhookSecretProblem(secret)
      : `not set (the webhook secret of account ${account})`;
    if (problem || !secret) problems.push(`${variable}: ${problem}`);
    else endpoints.push({ account, secret });
  };
  const specs = cliAccounts()?.specs ?? [];
  const fileDefault = specs.find((s) => isDefaultAccount(s.name) && s.webhookSecretEnv);
  if (defaultSecret && fileDefault)
    problems.push(
      `OPENAI_WEBHOOK_SECRET: set, and the accounts file gives the default account webhook_secret_env = ${fileDefault.webhookSecretEnv}: keep one`,
    );
  else if (defaultSecret) add(DEFAULT_ACCOUNT, 'OPENAI_WEBHOOK_SECRET', defaultSecret);
  for (const spec of specs)
    if (spec.webhookSecretEnv) add(spec.name, spec.webhookSecretEnv, env[spec.webhookSecretEnv]);
  if (problems.length) throw new ConfigError(problems);
  if (endpoints.length === 0)
    throw new ConfigError([
      "OPENAI_WEBHOOK_SECRET: required: the endpoint's signing secret (whsec_…) from the OpenAI dashboard (or an account's webhook_secret_env in ACCOUNTS_FILE)",
    ]);
  return endpoints;
}

interface WebhooksOptions extends ConnectionOptions {
  port: number;
  host: string;
  collectExpired?: boolean;
}

export function webhooksCommand(): Command {
  return withConnectionOptions(
    new Command('webhooks')
      .description(
        "receive OpenAI webhooks (POST /openai/webhooks, /openai/webhooks/<account>, GET /healthz): batch events end the wait at once; needs OPENAI_WEBHOOK_SECRET or an account's webhook_secret_env",
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
    const endpoints = webhookEndpoints(config.OPENAI_WEBHOOK_SECRET, process.env);
    installRuntime(config.METRICS_PORT ? { metricsPort: config.METRICS_PORT } : {});
    const target = readTarget();
    // Lazy: the receiver serves even while Temporal is down, answering 503 so OpenAI retries.
    const connection = Connection.lazy(target.connectionOptions);
    const client = new Client({ connection, namespace: target.namespace });
    const handlerOf = ({ account, secret }: Endpoint) =>
      createWebhookHandler({
        client,
        secret,
        account,
        collectExpired: opts.collectExpired ?? false,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        meter: Runtime.instance().metricMeter,
        log: (line) =>
          process.stderr.write(`webhooks: ${isDefaultAccount(account) ? '' : `[${account}] `}${line}\n`),
      });
    const bare = endpoints.find((e) => isDefaultAccount(e.account));
    const others = endpoints.filter((e) => !isDefaultAccount(e.account));
    const server = await startWebhookServer({
      ...(bare ? { handler: handlerOf(bare) } : {}),
      accounts: Object.fromEntries(others.map((e) => [e.account, handlerOf(e)])),
      client,
      port: opts.port,
      host: opts.host,
    });
    const paths = [...(bare ? [WEBHOOK_PATH] : []), ...others.map((e) => `${WEBHOOK_PATH}/${e.account}`)].map(
      (p) => `POST ${p}`,
    );
    process.stderr.write(
      `webhooks: listening on ${opts.host}:${server.port} (${paths.join(', ')}, GET /healthz), ` +
        `Temporal ${target.address} namespace ${target.namespace}` +
        `${opts.collectExpired ? ', collecting expired batches' : ''}\n`,
    );
    const signal = await waitForStopSignal();
    process.stderr.write(`webhooks: ${signal}, stopping\n`);
    await server.close();
    await connection.close();
  });
}
