/** In the installed package, `dev` and `simulator` (with any arguments) refuse, saying to use a clone. */
import { Command } from 'commander';
import { CliError, ExitCode } from '../../src/cli/errors';
import { toolStub } from '../../src/cli/tool-commands';

async function refusal(args: string[]): Promise<unknown> {
  const program = new Command('openai-batch-cancel').exitOverride();
  program.addCommand(toolStub('simulator').exitOverride());
  program.addCommand(toolStub('dev').exitOverride());
  return program.parseAsync(args, { from: 'user' }).then(
    () => undefined,
    (err: unknown) => err,
  );
}

describe('tool command stubs', () => {
  it.each([
    [['simulator', 'create-batch', '--requests', '5'], 'simulator'],
    [['simulator', '--port', '0'], 'simulator'],
    [['dev', '--no-worker'], 'dev'],
  ])('%j refuses with exit 2 and where to run it', async (args, name) => {
    const err = await refusal(args);
    expect(err).toBeInstanceOf(CliError);
    expect(err).toMatchObject({
      exitCode: ExitCode.Usage,
      message: `\`${name}\` is development tooling, not part of the installed package: run it from a clone of the repository with \`npm run cli -- ${name}\``,
    });
  });
});
