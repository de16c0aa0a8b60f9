/**
 * `npm run simulator -- [options]` and `npm run simulator -- create-batch [options]`: the same
 * command as `npm run cli -- simulator`, with its --help, defaults and exit codes.
 */
import { main } from '../../src/cli/main';

void main([process.argv[0] ?? 'node', 'openai-batch-cancel', 'simulator', ...process.argv.slice(2)]).then(
  (code) => {
    process.exitCode = code;
  },
);
