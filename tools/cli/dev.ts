/** `dev`: Temporal dev server (Web UI, search attributes) + simulator + worker until Ctrl-C. */
import { Command } from 'commander';
import { startLocalStack } from '../devtools/local-stack';
import { nonNegativeInt, print } from '../../src/cli/common';
import { waitForStopSignal } from '../../src/cli/signals';

interface DevOptions {
  dataDir: string;
  port: number;
  uiPort: number;
  simulator: boolean;
  cancelDelayMs: number;
}

export function devCommand(): Command {
  return new Command('dev')
    .description('run a local stack until Ctrl-C: Temporal dev server with UI, the simulator and a worker')
    .option('--data-dir <dir>', 'SQLite file, server log and results', './data')
    .option('--port <n>', 'preferred Temporal gRPC port (0: any free port)', nonNegativeInt, 7233)
    .option('--ui-port <n>', 'preferred Web UI port (0: any free port)', nonNegativeInt, 8233)
    .option('--no-simulator', 'talk to the API in OPENAI_API_KEY / OPENAI_BASE_URL instead of the simulator')
    .option('--cancel-delay-ms <n>', "the simulator's cancelling time", nonNegativeInt, 60_000)
    .action(async (opts: DevOptions) => {
      const stack = await startLocalStack({
        dataDir: opts.dataDir,
        port: opts.port,
        uiPort: opts.uiPort,
        simulator: opts.simulator ? { cancelDelayMs: opts.cancelDelayMs } : false,
      });
      try {
        print(`\nTemporal UI   ${stack.devServer.uiUrl}`);
        print('Use the CLI against this stack from another terminal:');
        print(`  export TEMPORAL_ADDRESS=${stack.devServer.address}`);
        if (stack.sim)
          print(`  # simulator: OPENAI_BASE_URL=${stack.sim.url} OPENAI_API_KEY=${stack.sim.apiKey}`);
        print('Press Ctrl-C to stop.');
        const stopped = await Promise.race([
          waitForStopSignal(),
          stack.workerRun.then(() => 'worker-stopped'),
        ]);
        print(`\n${stopped}: stopping worker, simulator and Temporal dev server...`);
      } finally {
        await stack.stop();
      }
    });
}
