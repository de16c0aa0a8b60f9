/** The CLI commands of the repository's tooling, loaded by src/cli/tool-commands.ts from a clone. */
import type { Command } from 'commander';
import { devCommand } from './dev';
import { simulatorCommand } from './simulator';

export function toolCommands(): Command[] {
  return [simulatorCommand(), devCommand()];
}
