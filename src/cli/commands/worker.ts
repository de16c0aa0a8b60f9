/** `worker`: runs the Temporal worker (workflows + activities) until SIGINT/SIGTERM. */
import { Command } from 'commander';
import { connectAccounts } from '../../worker/provider-config';
import { accountNames } from '../../activities/deps';
import { NamespaceNotReadyError } from '../../client/namespace-check';
import { resultsUrlOf } from '../../results/open-store';
import { runWorker } from '../../worker';
import { withConnectionOptions, type ConnectionOptions } from '../common';
import { connectionContext, readConfig, readTarget } from '../connect';
import { TemporalUnreachableError } from '../errors';

export function workerCommand(): Command {
  return withConnectionOptions(
    new Command('worker').description(
      'run a worker: needs OPENAI_API_KEY (and OPENAI_BASE_URL for the simulator), or an accounts file',
    ),
  )
    .option(
      '--accounts <file>',
      'the accounts file (TOML) of the accounts to serve besides the default (also ACCOUNTS_FILE)',
    )
    .option(
      '--skip-namespace-check',
      "start without checking the namespace's search attributes (also WORKER_SKIP_NAMESPACE_CHECK=true)",
    )
    .action(async (flags: ConnectionOptions & { skipNamespaceCheck?: boolean; accounts?: string }) => {
      const read = readConfig();
      const config = flags.accounts ? { ...read, ACCOUNTS_FILE: flags.accounts } : read;
      // Before connecting: a bad accounts file or a missing key refuses the start, naming each.
      const accounts = connectAccounts(config);
      const served = accountNames(accounts);
      const target = readTarget();
      try {
        await runWorker(config, {
          flags,
          accounts,
          ...(flags.skipNamespaceCheck ? { skipNamespaceCheck: true } : {}),
          onTarget: (where) =>
            process.stderr.write(
              `worker: task queue ${config.TEMPORAL_TASK_QUEUE} on ${where}, results in ${resultsUrlOf(config)}, accounts: ${served.join(', ')}\n`,
            ),
        });
      } catch (err) {
        if (err instanceof NamespaceNotReadyError) throw err;
        const message = err instanceof Error ? err.message : String(err);
        if (/connect|transport|unavailable/i.test(message))
          throw new TemporalUnreachableError(connectionContext.address ?? target.address, message);
        throw err;
      }
    });
}
