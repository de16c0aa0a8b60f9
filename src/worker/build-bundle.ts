/**
 * Prebuilds the workflow bundle at build time (`node lib/worker/build-bundle.js <out>`), so a production
 * worker starts without webpack and runs exactly the code that was reviewed and replay-tested.
 */
import fs from 'node:fs';
import path from 'node:path';
import { bundleWorkflowCode } from '@temporalio/worker';

export async function buildWorkflowBundle(outFile: string): Promise<string> {
  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('../workflows') });
  fs.mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
  fs.writeFileSync(outFile, code);
  return outFile;
}

if (require.main === module) {
  const out = process.argv[2] ?? 'lib/workflow-bundle.js';
  buildWorkflowBundle(out).then(
    (file) => process.stdout.write(`workflow bundle written to ${file}\n`),
    (err: unknown) => {
      process.stderr.write(`bundle failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
