/**
 * `list [--status s] [--stuck] [--older-than 30m] [--limit n]`: recent cancellations, newest first,
 * from Temporal visibility.
 */
import { Command, Option } from 'commander';
import { listCancellations } from '../../client/cancellations';
import { BATCH_STATUSES, type BatchStatus } from '../../contract/batch-status';
import { positiveInt, print, printJson, withCommonOptions, type CommonOptions } from '../common';
import { withTemporal } from '../connect';
import { durationFlag } from '../duration';
import { withFailureReasons } from '../failure-reasons';
import { listingTable } from '../format';

interface ListOptions extends CommonOptions {
  status?: BatchStatus | 'unknown';
  stuck?: boolean;
  olderThan?: number;
  limit: number;
}

export function listCommand(): Command {
  return withCommonOptions(
    new Command('list')
      .description('list recent cancellations, newest first')
      .addOption(
        new Option('--status <status>', 'only batches last seen in this status').choices([
          ...BATCH_STATUSES,
          'unknown',
        ]),
      )
      .option('--stuck', 'only running cancellations marked stuck (cancelling past the threshold)')
      .option('--older-than <duration>', "only those started at least this long ago ('30m')", durationFlag)
      .option('--limit <n>', 'at most this many', positiveInt, 20),
  ).action(async (opts: ListOptions) => {
    const rows = await withTemporal({ connectTimeoutMs: opts.connectTimeout }, async ({ client }) =>
      withFailureReasons(
        client,
        await listCancellations(client, {
          limit: opts.limit,
          ...(opts.status ? { batchStatus: opts.status } : {}),
          ...(opts.stuck ? { stuck: true } : {}),
          ...(opts.olderThan !== undefined ? { olderThanMs: opts.olderThan } : {}),
        }),
      ),
    );
    if (opts.json) printJson(rows);
    else print(listingTable(rows));
  });
}
