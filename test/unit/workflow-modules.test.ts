/**
 * Every module the workflow bundle imports at its top is evaluated again in each workflow's
 * sandbox. zod is most of the bundle, so the workflows load it lazily, only where they validate in
 * the sandbox (the cleanup's policy, histories recorded before validation moved to an activity).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

/** The zod files in the module cache of a fresh process after requiring `modulePath`. */
function zodFilesLoadedBy(modulePath: string): string[] {
  const script = `require(${JSON.stringify(modulePath)});
process.stdout.write(JSON.stringify(Object.keys(require.cache).filter((k) => /node_modules[\\\\/]zod[\\\\/]/.test(k))));`;
  const out = execFileSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return JSON.parse(out) as string[];
}

describe('workflow modules', () => {
  it('do not load zod when the workflow bundle is evaluated', () => {
    expect(zodFilesLoadedBy('./src/workflows')).toEqual([]);
  });

  it('load it where they validate (the check itself sees zod)', () => {
    expect(zodFilesLoadedBy('./src/workflows/lazy-schemas').length).toBe(0);
    const cleanupPolicy = zodFilesLoadedBy('./src/contract/cleanup-policy');
    expect(cleanupPolicy.length).toBeGreaterThan(0);
  });
});
