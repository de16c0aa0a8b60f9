/**
 * `watch <batchId>`: a live progress line until the cancellation finishes, then its summary.
 * On a TTY the line is redrawn in place with `\r`; otherwise a new line is printed on each change.
 */
import { Command } from 'commander';
import { resolveAccount, withAccountOption, type AccountOption } from '../accounts';
import { checkBatchId, print, sleep, withCommonOptions, type CommonOptions } from '../common';
import { withTemporal } from '../connect';
import { durationOption } from '../duration';
import { CliError } from '../errors';
import { progressLine, resultText, withCost } from '../format';
import { loadPriceTable } from '../prices';
import { isFinished, readProgress, type ProgressView } from '../read-progress';

interface WatchOptions extends CommonOptions, AccountOption {
  interval: number;
  prices?: string;
}

/** What changes between two progress reads, ignoring the clock. */
function fingerprint(view: ProgressView): string {
  const p = view.progress;
  return JSON.stringify([view.workflowStatus, p?.phase, p?.batch?.status, p?.batch?.requestCounts, p?.polls]);
}

export function watchCommand(): Command {
  return withCommonOptions(
    withAccountOption(new Command('watch'))
      .description('follow a cancellation live until it finishes, then print its summary')
      .argument('<batchId>', 'batch id such as batch_abc123')
      .addOption(durationOption('--interval <duration>', 'refresh this often (a plain number is ms)', 1_000))
      .option('--prices <file>', 'price table (JSON, per million tokens) to report what the results cost'),
  ).action(async (rawId: string, opts: WatchOptions) => {
    const account = resolveAccount(opts);
    const batchId = checkBatchId(rawId, account);
    const ref = { batchId, account };
    const prices = opts.prices ? loadPriceTable(opts.prices) : undefined;
    const tty = Boolean(process.stdout.isTTY) && !opts.json;
    const view = await withTemporal({ connectTimeoutMs: opts.connectTimeout }, async ({ client }) => {
      let last = '';
      for (;;) {
        const current = await readProgress(client, ref);
        const changed = fingerprint(current) !== last;
        last = fingerprint(current);
        if (opts.json) {
          if (changed)
            process.stdout.write(
              `${JSON.stringify({ progress: current.progress, workflowStatus: current.workflowStatus })}\n`,
            );
        } else if (tty) {
          process.stdout.write(`\r${progressLine(current)}\x1b[K`);
        } else if (changed) {
          print(progressLine(current));
        }
        if (isFinished(current)) {
          if (tty) process.stdout.write('\n');
          return current;
        }
        await sleep(opts.interval);
      }
    });
    if (view.failure) throw new CliError(view.failure);
    if (!view.result)
      throw new CliError(
        `cancellation of ${batchId} ended ${view.workflowStatus.toLowerCase()} without a result`,
      );
    if (opts.json) process.stdout.write(`${JSON.stringify({ result: withCost(view.result, prices) })}\n`);
    else print(`\n${resultText(view.result, prices)}`);
  });
}
