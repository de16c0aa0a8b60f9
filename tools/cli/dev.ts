/** `dev`: Temporal dev server (Web UI, search attributes) + simulator + worker until Ctrl-C. */
import { Command } from 'commander';
import { startLocalStack } from '../devtools/local-stack';
import { nonNegativeInt, print } from '../../src/cli/common';
import { durationOption } from '../../src/cli/duration';
import { LOCAL_CANCEL_DELAY_MS } from '../simulator';
import { waitForStopSignal } from '../../src/cli/signals';

interface DevOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  simulator: boolean;
  worker: boolean;
  cancelDelayMs: number;
}

export function devCommand(): Command {
  return new Command('dev')
    .description('run a local stack until Ctrl-C: Temporal dev server with UI, the simulator and a worker')
    .option('--data-dir <dir>', 'SQLite file, server log and results', './data')
    .option('--port <n>', 'preferred Temporal gRPC port (0: any free port)', nonNegativeInt, 7233)
    .option('--ui-port <n>', 'preferred Web UI port (0: any free port)', nonNegativeInt, 8233)
    .option('--no-simulator', 'talk to the API in OPENAI_API_KEY / OPENAI_BASE_URL instead of the simulator')
    .option('--no-worker', 'run no worker here: start one yourself (npm run cli -- worker)')
    .addOption(
      durationOption(
        '--cancel-delay-ms <duration>',
        "the simulator's cancelling time, e.g. 20s",
        LOCAL_CANCEL_DELAY_MS,
        {
          allowZero: true,
        },
      ),
    )
    .action(async (opts: DevOptions) => {
      const stack = await startLocalStack({
        dataDir: opts.dataDir,
        port: opts.port,
        uiPort: opts.uiPort,
        simulator: opts.simulator ? { cancelDelayMs: opts.cancelDelayMs } : false,
        worker: opts.worker,
      });
      try {
        print(`\nTemporal UI   ${stack.devServer.uiUrl}`);
        print('Use the CLI against this stack from another terminal:');
        print(`  export TEMPORAL_ADDRESS=${stack.devServer.address}`);
        if (stack.sim)
          print(`  # simulator: OPENAI_BASE_URL=${stack.sim.url} OPENAI_API_KEY=${stack.sim.apiKey}`);
        if (stack.sim)
          print(`  # a batch to cancel: npm run simulator -- create-batch --url ${stack.sim.url}`);
        if (!stack.worker) print('  # no worker here (--no-worker): run one with npm run cli -- worker');
        print('Press Ctrl-C to stop.');
        const stopped = await Promise.race([
          waitForStopSignal(),
          stack.workerRun.then(() => 'worker-stopped'),
        ]);
        print(
          `\n${stopped}: stopping ${stack.worker ? 'worker, ' : ''}${stack.sim ? 'simulator, ' : ''}Temporal dev server...`,
        );
      } finally {
        await stack.stop();
      }
    });
}
