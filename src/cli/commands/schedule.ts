/**
 * `schedule create|describe|pause|unpause|trigger|delete`: the periodic cleanup of stale and
 * expired batches, as a Temporal Schedule (see docs/scheduled-cleanup.md).
 */
import { Command, Option } from 'commander';
import {
  cleanupScheduleId,
  DEFAULT_CLEANUP_SCHEDULE_ID,
  deleteCleanupSchedule,
  describeCleanupSchedule,
  InvalidScheduleError,
  pauseCleanupSchedule,
  triggerCleanupSchedule,
  unpauseCleanupSchedule,
  upsertCleanupSchedule,
} from '../../client/schedules';
import { positiveInt, print, printJson, withCommonOptions, type CommonOptions } from '../common';
import { withTemporal } from '../connect';
import { CliError, ExitCode } from '../errors';
import { resolveAccount, withAccountOption, type AccountOption } from '../accounts';
import { accountField } from '../../contract/account';

interface IdOptions extends CommonOptions, AccountOption {
  id?: string;
  note?: string;
}

interface CreateOptions extends IdOptions {
  every?: string;
  cron?: string;
  maxAge?: string;
  deadlineKey?: string;
  collect: string[];
  filter?: string;
  deleteFiles?: boolean;
  dryRun?: boolean;
  concurrency?: number;
  lookback?: string;
  paused?: boolean;
  catchupWindow: string;
  taskQueue?: string;
}

function withId(cmd: Command): Command {
  return withAccountOption(
    withCommonOptions(cmd).option(
      '--id <id>',
      `schedule id (default: ${DEFAULT_CLEANUP_SCHEDULE_ID}, or ${DEFAULT_CLEANUP_SCHEDULE_ID}:<account> with --account)`,
    ),
    'the account whose batches the cleanup lists and cancels (one schedule per account)',
  );
}

/** The schedule `--id` names, else the account's own. */
function scheduleIdOf(o: IdOptions): string {
  return o.id ?? cleanupScheduleId(resolveAccount(o));
}

function usage<T>(fn: () => Promise<T>): Promise<T> {
  return fn().catch((err: unknown) => {
    if (err instanceof InvalidScheduleError) throw new CliError(err.message, ExitCode.Usage);
    throw err;
  });
}

function createCommand(): Command {
  return withId(new Command('create'))
    .description('create the cleanup schedule, or update it in place if it exists')
    .option('--every <duration>', 'run every this long, e.g. 1h')
    .option('--cron <expr>', 'run on this cron expression (UTC)')
    .option('--max-age <duration>', 'cancel non-terminal batches older than this, e.g. 24h')
    .option('--deadline-key <key>', 'cancel non-terminal batches past the deadline in this metadata key')
    .addOption(
      new Option('--collect <status...>', 'terminal statuses whose results to collect')
        .choices(['expired', 'cancelled', 'failed'])
        .default(['expired']),
    )
    .option('--filter <key=value>', 'only batches whose metadata has this key=value')
    .option('--delete-files', 'delete output and error files after collecting them')
    .option('--dry-run', 'report what would be done, do nothing')
    .option('--concurrency <n>', 'children (cancel requests) started per second', positiveInt)
    .option(
      '--lookback <duration>',
      'only batches created within this long (default 72h; at most the retention)',
    )
    .option('--paused', 'create it paused (runs only when triggered)')
    .option('--catchup-window <duration>', 'how late a missed run may still start', '10 minutes')
    .option('--note <text>', 'note shown with the schedule')
    .option('--task-queue <queue>', 'task queue of the worker (default TEMPORAL_TASK_QUEUE)')
    .action(async (o: CreateOptions) => {
      const account = resolveAccount(o);
      const res = await withTemporal({ connectTimeoutMs: o.connectTimeout }, ({ client, config }) =>
        usage(() =>
          upsertCleanupSchedule(client, {
            scheduleId: scheduleIdOf(o),
            ...(o.every ? { interval: o.every } : {}),
            ...(o.cron ? { cron: o.cron } : {}),
            policy: {
              ...accountField(account),
              ...(o.maxAge ? { maxAge: o.maxAge } : {}),
              ...(o.deadlineKey ? { deadlineMetadataKey: o.deadlineKey } : {}),
              collectStatuses: o.collect as ('expired' | 'cancelled' | 'failed')[],
              ...(o.filter ? { metadataFilter: o.filter } : {}),
              deleteFilesAfterCollect: o.deleteFiles ?? false,
              dryRun: o.dryRun ?? false,
              ...(o.concurrency ? { maxConcurrentChildren: o.concurrency } : {}),
              ...(o.lookback ? { lookback: o.lookback } : {}),
            },
            taskQueue: o.taskQueue ?? config.TEMPORAL_TASK_QUEUE,
            catchupWindow: o.catchupWindow,
            paused: o.paused ?? false,
            ...(o.note ? { note: o.note } : {}),
          }),
        ),
      );
      if (o.json) printJson(res);
      else print(`schedule ${res.scheduleId} ${res.outcome}`);
    });
}

/** describe/pause/unpause/trigger/delete share their shape: an id, an action, a confirmation. */
function simpleCommand(
  name: string,
  description: string,
  act: (client: Parameters<typeof deleteCleanupSchedule>[0], id: string, o: IdOptions) => Promise<unknown>,
): Command {
  const cmd = withId(new Command(name)).description(description);
  if (name === 'pause' || name === 'unpause') cmd.option('--note <text>', 'why');
  return cmd.action(async (o: IdOptions) => {
    const id = scheduleIdOf(o);
    const out = await withTemporal({ connectTimeoutMs: o.connectTimeout }, ({ client }) =>
      act(client, id, o),
    );
    if (o.json) printJson(out ?? { scheduleId: id, done: name });
    else print(out === undefined ? `schedule ${id}: ${name} done` : JSON.stringify(out, null, 2));
  });
}

export function scheduleCommand(): Command {
  return new Command('schedule')
    .description('manage the periodic cleanup of stale and expired batches (a Temporal Schedule)')
    .addCommand(createCommand())
    .addCommand(
      simpleCommand('describe', 'show the schedule, its policy and recent runs', (c, id) =>
        describeCleanupSchedule(c, id),
      ),
    )
    .addCommand(
      simpleCommand('pause', 'pause the schedule', (c, id, o) => pauseCleanupSchedule(c, id, o.note)),
    )
    .addCommand(
      simpleCommand('unpause', 'resume the schedule', (c, id, o) => unpauseCleanupSchedule(c, id, o.note)),
    )
    .addCommand(
      simpleCommand('trigger', 'run a cleanup now (skipped if one is running)', (c, id) =>
        triggerCleanupSchedule(c, id),
      ),
    )
    .addCommand(
      simpleCommand('delete', 'delete the schedule (running cleanups go on)', (c, id) =>
        deleteCleanupSchedule(c, id),
      ),
    );
}
