#!/usr/bin/env node
/**
 * `openai-batch-cancel`: the command line. Each command lives in `src/cli/commands/`; this file only
 * assembles them and turns any error into one line on stderr and a non-zero exit code.
 */
import { Command } from 'commander';
import { accountsCommand } from './commands/accounts';
import { cancelCommand } from './commands/cancel';
import { listCommand } from './commands/list';
import { resubmitCommand } from './commands/resubmit';
import { resultCommand } from './commands/result';
import { scheduleCommand } from './commands/schedule';
import { setupCommand } from './commands/setup';
import { statusCommand } from './commands/status';
import { watchCommand } from './commands/watch';
import { webhooksCommand } from './commands/webhooks';
import { workerCommand } from './commands/worker';
import { connectionContext } from './connect';
import { describeError, ExitCode } from './errors';
import { toolCommands } from './tool-commands';
import { packageVersion } from '../worker/package-version';

export function buildProgram(): Command {
  const program = new Command('openai-batch-cancel')
    .description('Durably cancel OpenAI Batch API jobs and salvage their partial results, on Temporal.')
    .version(packageVersion())
    .exitOverride();
  for (const command of [
    cancelCommand(),
    statusCommand(),
    watchCommand(),
    resultCommand(),
    resubmitCommand(),
    listCommand(),
    workerCommand(),
    webhooksCommand(),
    scheduleCommand(),
    accountsCommand(),
    setupCommand(),
    ...toolCommands(),
  ]) {
    program.addCommand(command.exitOverride());
  }
  return withOneErrorPrefix(program);
}

/**
 * Commander's usage errors say `error: …`; every other error says `openai-batch-cancel: …`. Set on
 * each command (added commands do not inherit output settings).
 */
function withOneErrorPrefix(command: Command): Command {
  command.showHelpAfterError('(run with --help for usage)').configureOutput({
    outputError: (text, write) => write(text.replace(/^error: /, 'openai-batch-cancel: ')),
  });
  for (const sub of command.commands) withOneErrorPrefix(sub);
  return command;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) {
      // Commander already printed help, the version or the usage error.
      const exitCode = (err as { exitCode?: number }).exitCode ?? ExitCode.Usage;
      return exitCode === 0 ? 0 : ExitCode.Usage;
    }
    const { line, exitCode } = describeError(err, connectionContext);
    process.stderr.write(`openai-batch-cancel: ${line}\n`);
    return exitCode;
  }
}

if (require.main === module) {
  void main().then((code) => {
    process.exitCode = code;
  });
}
