/** `status <batchId>`: the cancellation's progress now (running or finished). */
import { Command } from 'commander';
import { checkBatchId, print, printJson, withCommonOptions, type CommonOptions } from '../common';
import { withTemporal } from '../connect';
import { ExitCode } from '../errors';
import { progressDetails } from '../format';
import { readProgress } from '../read-progress';
import { withFailingTask } from '../failing-task';
import { resolveAccount, withAccountOption, type AccountOption } from '../accounts';

export function statusCommand(): Command {
  return withCommonOptions(
    withAccountOption(new Command('status'))
      .description("show a cancellation's progress: phase, batch status, request counts, reads")
      .argument('<batchId>', 'batch id such as batch_abc123'),
  ).action(async (rawId: string, opts: CommonOptions & AccountOption) => {
    const account = resolveAccount(opts);
    const ref = { batchId: checkBatchId(rawId, account), account };
    const view = await withTemporal({ connectTimeoutMs: opts.connectTimeout }, ({ client }) =>
      readProgress(client, ref),
    );
    if (opts.json) printJson(view);
    else print(withFailingTask(view, progressDetails(view)));
    if (view.failure) process.exitCode = ExitCode.Failed;
  });
}
