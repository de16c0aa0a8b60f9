/**
 * `list [--status s] [--stuck] [--older-than 30m] [--limit n]`: recent cancellations, newest first,
 * from Temporal visibility.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { listCancellations, STATUS_WORD } from '../../client/cancellations';
import { positiveInt, print, printJson, withCommonOptions, type CommonOptions } from '../common';
import { withTemporal } from '../connect';
import { durationFlag } from '../duration';
import { withFailureReasons } from '../failure-reasons';
import { listingTable } from '../format';
import { resolveAccount, withAccountOption, type AccountOption } from '../accounts';

interface ListOptions extends CommonOptions, AccountOption {
  status?: string;
  stuck?: boolean;
  olderThan?: number;
  limit: number;
}

/** A status word as the APIs spell them; anything else could not match, or could break the query. */
function statusWord(value: string): string {
  if (!STATUS_WORD.test(value))
    throw new InvalidArgumentError('expected a status word such as cancelling or cancelled');
  return value;
}

export function listCommand(): Command {
  return withCommonOptions(
    withAccountOption(new Command('list'), 'only cancellations of this account')
      .description('list recent cancellations, newest first')
      .addOption(
        new Option(
          '--status <status>',
          "only batches last seen in this status, the batch API's word (cancelling, cancelled, ...)",
        ).argParser(statusWord),
      )
      .option('--stuck', 'only running cancellations marked stuck (cancelling past the threshold)')
      .option('--older-than <duration>', "only those started at least this long ago ('30m')", durationFlag)
      .option('--limit <n>', 'at most this many', positiveInt, 20),
  ).action(async (opts: ListOptions) => {
    const account = opts.account === undefined ? undefined : resolveAccount(opts);
    const rows = await withTemporal({ connectTimeoutMs: opts.connectTimeout }, async ({ client }) =>
      withFailureReasons(
        client,
        await listCancellations(client, {
          limit: opts.limit,
          ...(account !== undefined ? { account } : {}),
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
