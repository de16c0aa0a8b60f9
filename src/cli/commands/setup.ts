/**
 * `setup [--check]`: registers the product's search attributes in the namespace (self-hosted or
 * dev server), idempotently, and says what it added and what was there; `--check` only reports.
 * Exit 1 when the namespace is still not right (a mistyped attribute, or `--check` finding one
 * missing), with the commands that fix it.
 */
import { Command } from 'commander';
import { isNotPermitted, registerCommands, unknownStates } from '../../client/namespace-check';
import { setupSearchAttributes, type SetupReport } from '../../client/namespace-setup';
import { print, printJson, withCommonOptions, type CommonOptions } from '../common';
import { withTemporal } from '../connect';
import { CliError, ExitCode } from '../errors';

interface SetupOptions extends CommonOptions {
  check?: boolean;
}

function reportText(r: SetupReport, address: string, checkOnly: boolean): string {
  const lines = [`namespace ${r.namespace} on ${address}:`];
  for (const a of r.attributes) {
    const verb = r.added.includes(a.name)
      ? 'added'
      : a.state === 'present'
        ? 'already registered'
        : a.state === 'missing'
          ? checkOnly
            ? 'MISSING'
            : 'MISSING (not added)'
          : `WRONG TYPE: registered as ${a.registeredAs}`;
    lines.push(`  ${a.name} (${a.type}): ${verb}`);
  }
  const left = r.attributes.filter((a) => a.state !== 'present');
  if (left.length === 0) lines.push('ready: the worker and the workflows find every search attribute.');
  else {
    const { temporal, tcld } = registerCommands(left, { namespace: r.namespace, address });
    if (checkOnly && r.mistyped.length === 0) lines.push('run `openai-batch-cancel setup` to add them, or:');
    else lines.push('fix it with:');
    lines.push(...temporal.map((c) => `  ${c}`), 'on Temporal Cloud:', ...tcld.map((c) => `  ${c}`));
  }
  return lines.join('\n');
}

export function setupCommand(): Command {
  return withCommonOptions(
    new Command('setup')
      .description(
        "register the product's search attributes in the namespace (self-hosted or dev server; idempotent)",
      )
      .option('--check', 'only report what is registered and what is missing; change nothing'),
  ).action(async (opts: SetupOptions) => {
    const checkOnly = opts.check ?? false;
    const { report, address } = await withTemporal(
      { connectTimeoutMs: opts.connectTimeout },
      async ({ client, target }) => {
        try {
          const report = await setupSearchAttributes(client.connection.operatorService, target.namespace, {
            checkOnly,
          });
          return { report, address: target.address };
        } catch (err) {
          if (!isNotPermitted(err)) throw err;
          const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
          const { tcld } = registerCommands(unknownStates(), { namespace: target.namespace });
          throw new CliError(
            `cannot ${checkOnly ? 'list' : 'register'} search attributes in namespace ${target.namespace} (${reason}). On Temporal Cloud, use: ${tcld.join('; ')}`,
          );
        }
      },
    );
    if (opts.json) printJson({ ...report, ready: report.attributes.every((a) => a.state === 'present') });
    else print(reportText(report, address, checkOnly));
    if (report.attributes.some((a) => a.state !== 'present')) process.exitCode = ExitCode.Failed;
  });
}
