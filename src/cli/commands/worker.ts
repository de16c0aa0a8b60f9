/** `worker`: runs the Temporal worker (workflows + activities) until SIGINT/SIGTERM. */
import { Command } from 'commander';
import { requireApiKey } from '../../config';
import { runWorker } from '../../worker';
import { readConfig } from '../connect';
import { TemporalUnreachableError } from '../errors';

export function workerCommand(): Command {
  return new Command('worker')
    .description('run a worker: needs OPENAI_API_KEY (and OPENAI_BASE_URL for the simulator)')
    .action(async () => {
      const config = readConfig();
      requireApiKey(config);
      process.stderr.write(
        `worker: task queue ${config.TEMPORAL_TASK_QUEUE} on ${config.TEMPORAL_ADDRESS} (namespace ${config.TEMPORAL_NAMESPACE}), results in ${config.RESULTS_DIR}\n`,
      );
      try {
        await runWorker(config);
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        if (/connect|transport|unavailable/i.test(message))
          throw new TemporalUnreachableError(config.TEMPORAL_ADDRESS, message);
        throw err;
      }
    });
}
