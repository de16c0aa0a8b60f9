/**
 * `dev` and `simulator` belong to the repository's tooling (tools/cli), which the published package
 * does not ship. From a clone (`npm run cli -- dev`) they load from there; from an installed package
 * they exist only to say where to find them, so `--help` stays honest.
 */
import path from 'node:path';
import { Command } from 'commander';
import { CliError, ExitCode } from './errors';

const TOOL_COMMANDS = ['dev', 'simulator'] as const;

interface ToolsModule {
  toolCommands(): Command[];
}

function loadTools(): ToolsModule | undefined {
  const entry = path.join(__dirname, '..', '..', 'tools', 'cli');
  try {
    // A runtime require: the tools tree is optional and outside the package's compiled sources.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(entry) as ToolsModule;
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes(entry)) return undefined;
    throw err;
  }
}

/** What an installed package has instead of a tool command: a refusal that says where it runs. */
export function toolStub(name: string): Command {
  return (
    new Command(name)
      .description(`(development only) run from a clone of the repository: npm run cli -- ${name}`)
      .allowUnknownOption()
      // `simulator create-batch …` too: any arguments, the same answer.
      .allowExcessArguments()
      .action(() => {
        throw new CliError(
          `\`${name}\` is development tooling, not part of the installed package: run it from a clone of the repository with \`npm run cli -- ${name}\``,
          ExitCode.Usage,
        );
      })
  );
}

export function toolCommands(): Command[] {
  const tools = loadTools();
  if (tools) return tools.toolCommands();
  return TOOL_COMMANDS.map(toolStub);
}
