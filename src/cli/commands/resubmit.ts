/**
 * `resubmit <batchId> [--model m] [--dry-run] [--results-dir dir]`: submits remaining.jsonl as new
 * batch(es), linked to the old one by metadata; running it again finds them instead of creating more.
 */
import { Command } from 'commander';
import { loadConfig } from '../../worker/config';
import { OpenAICallError } from '../../providers/openai/batch-submit';
import { accountsFromConfig, providerFromConfig } from '../../worker/provider-config';
import { accountFlag, isDefaultAccount } from '../../contract/account';
import { resolveAccount, withAccountOption, type AccountOption } from '../accounts';
import { NothingToResubmitError, resubmitRemaining, type ResubmitReport } from '../../client/resubmit';
import { resultsUrlOf } from '../../results/open-store';
import { UnsplittableLineError } from '../../results/split-remaining';
import { checkBatchId, print, printJson } from '../common';
import { CliError, ExitCode } from '../errors';
import { locateResults } from '../results-location';

interface ResubmitCliOptions extends AccountOption {
  model?: string;
  dryRun?: boolean;
  resultsDir?: string;
  json?: boolean;
}

export function resubmitText(r: ResubmitReport): string {
  if (r.parts.length === 0) return `${r.batchId}: remaining.jsonl is empty, nothing to resubmit`;
  const verb = { created: 'created', found: 'already submitted', planned: 'would create' } as const;
  const lines = r.parts.map(
    (p) =>
      `part ${p.part}/${r.parts.length}: ${p.lines} requests, ${p.bytes} bytes → ${p.newBatchId ?? '(dry run)'} (${verb[p.outcome]})`,
  );
  const model = r.model ? `, model rewritten to ${r.model}` : '';
  const head = `${r.batchId}: resubmitting ${r.remainingPath} to ${r.endpoint} (${r.completionWindow}${model})`;
  const next = r.dryRun
    ? 'dry run: nothing uploaded or created; run again without --dry-run'
    : `follow them with the batch API's dashboard; cancel one with \`openai-batch-cancel cancel <id>${accountFlag(r.account)}\``;
  return [head, ...lines, next].join('\n');
}

export function resubmitCommand(): Command {
  return withAccountOption(new Command('resubmit'))
    .description(
      'submit what remains of a cancelled batch (remaining.jsonl) as new batch(es), split at 50,000 requests / 200 MB; idempotent',
    )
    .argument('<batchId>', 'the cancelled batch, such as batch_abc123')
    .option('--model <model>', "rewrite each request's body.model")
    .option('--dry-run', 'show the parts and any batches already submitted; upload and create nothing')
    .option(
      '--results-dir <dir>',
      "where the results were written: a directory or s3://bucket/prefix (default: where the cancellation's result says, else RESULTS_URL or RESULTS_DIR, ./data/results)",
    )
    .option('--json', 'print machine-readable JSON on stdout')
    .action(async (rawId: string, opts: ResubmitCliOptions) => {
      const account = resolveAccount(opts);
      const batchId = checkBatchId(rawId, account);
      const config = loadConfig();
      if (!isDefaultAccount(account) && !config.ACCOUNTS_FILE)
        throw new CliError(
          `--account ${account}: resubmitting needs the account's key: set ACCOUNTS_FILE to the workers' accounts file`,
          ExitCode.Usage,
        );
      // Only the account's own key is read: the others' variables need not be set here. The
      // default is the file's when it defines one, as on the worker.
      const accounts = accountsFromConfig(config);
      const provider =
        isDefaultAccount(account) && !accounts.definesDefault
          ? providerFromConfig(config)
          : accounts.connectOne(account, process.env);
      const where = opts.resultsDir
        ? { root: opts.resultsDir }
        : await locateResults({ batchId, account }, resultsUrlOf(config));
      let report: ResubmitReport;
      try {
        report = await resubmitRemaining(provider, {
          batchId,
          account,
          resultsDir: where.root,
          ...(opts.model ? { model: opts.model } : {}),
          dryRun: opts.dryRun ?? false,
        });
      } catch (err) {
        if (err instanceof NothingToResubmitError && err.reason === 'no-remaining' && where.summaryPath)
          throw new CliError(
            `no remaining.jsonl for ${batchId} on this machine: its cancellation wrote the results next to ${where.summaryPath} (on the worker's machine): run resubmit there, or pass --results-dir`,
            ExitCode.Usage,
          );
        if (err instanceof NothingToResubmitError || err instanceof UnsplittableLineError)
          throw new CliError(err.message, ExitCode.Usage);
        if (err instanceof OpenAICallError)
          throw new CliError(
            `${err.message}${err.retryable ? ' (run resubmit again: it resumes where it stopped)' : ''}`,
          );
        throw err;
      }
      if (opts.json) printJson(report);
      else print(resubmitText(report));
    });
}
