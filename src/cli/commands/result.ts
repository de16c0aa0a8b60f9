/** `result <batchId>`: waits for the cancellation (unless `--no-wait`) and prints its result. */
import { WorkflowFailedError } from '@temporalio/client';
import { Command } from 'commander';
import { awaitCancellationResult, getCancellationHandle } from '../../client/cancellations';
import { checkBatchId, print, printJson, withCommonOptions, type CommonOptions } from '../common';
import { withTemporal } from '../connect';
import { cancellationFailed, CliError, ExitCode } from '../errors';
import { resultText, withCost } from '../format';
import { loadPriceTable } from '../prices';
import { downloadResults } from '../../results/download';
import { resolveAccount, withAccountOption, type AccountOption } from '../accounts';
import { accountFlag } from '../../contract/account';

interface ResultOptions extends CommonOptions, AccountOption {
  wait: boolean;
  prices?: string;
  download?: string;
}

export function resultCommand(): Command {
  return withCommonOptions(
    withAccountOption(new Command('result'))
      .description(
        'print the result of a cancellation: final status, counts, where the results are, and the salvage report',
      )
      .argument('<batchId>', 'batch id such as batch_abc123')
      .option('--no-wait', 'fail with exit code 3 instead of waiting when it is still running')
      .option('--prices <file>', 'price table (JSON, per million tokens) to report what the results cost')
      .option(
        '--download <dir>',
        "copy the batch's result files into <dir>/<batchId>/, from wherever the worker wrote them (a directory or S3)",
      ),
  ).action(async (rawId: string, opts: ResultOptions) => {
    const account = resolveAccount(opts);
    const batchId = checkBatchId(rawId, account);
    const ref = { batchId, account };
    const prices = opts.prices ? loadPriceTable(opts.prices) : undefined;
    const result = await withTemporal({ connectTimeoutMs: opts.connectTimeout }, async ({ client }) => {
      const description = await getCancellationHandle(client, ref).describe();
      if (!opts.wait && description.status.name === 'RUNNING') {
        throw new CliError(
          `cancellation of ${batchId} is still running: follow it with \`openai-batch-cancel watch ${batchId}${accountFlag(account)}\``,
          ExitCode.NotFinished,
        );
      }
      try {
        return await awaitCancellationResult(client, ref);
      } catch (err) {
        if (err instanceof WorkflowFailedError) throw cancellationFailed(batchId, err);
        throw err;
      }
    });
    const directory = result.results?.directory;
    if (opts.download && !directory)
      throw new CliError(
        `cancellation of ${batchId} collected no results: nothing to download`,
        ExitCode.Failed,
      );
    const downloaded =
      opts.download && directory ? await downloadResults(directory, batchId, opts.download) : undefined;
    if (opts.json)
      printJson(downloaded ? { ...withCost(result, prices), downloaded } : withCost(result, prices));
    else {
      print(resultText(result, prices));
      for (const d of downloaded ?? []) print(`downloaded ${d.file} (${d.bytes} bytes) to ${d.path}`);
    }
  });
}
