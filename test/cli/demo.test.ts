/**
 * `npm run demo -- --once` end to end, as a child process: it starts its own Temporal dev server,
 * simulator and worker, cancels the seeded batches, and exits 0 once every results file exists.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, pidsNaming, runTsx } from './run-cli';

describe('npm run demo -- --once', () => {
  let dataDir: string;
  beforeAll(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-demo-'));
  });
  afterAll(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('cancels the seeded batches, writes their results and stops everything', async () => {
    const r = await runTsx(
      'tools/demo.ts',
      ['--once', '--data-dir', dataDir, '--cancel-delay-ms', '2000', '--port', '0', '--ui-port', '0'],
      cleanEnv(),
      90_000,
    );
    if (r.code !== 0) console.error(r.stdout, r.stderr);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Temporal  http://localhost:');

    // The default account's four batches at the root, the Azure account's two under its name.
    const resultsDir = path.join(dataDir, 'results');
    const entries = fs.readdirSync(resultsDir);
    expect(entries.sort()).toEqual(expect.arrayContaining(['azure-demo']));
    const batches = entries.filter((e) => e !== 'azure-demo');
    expect(batches).toHaveLength(4);
    for (const batchId of batches) {
      const summary = JSON.parse(fs.readFileSync(path.join(resultsDir, batchId, 'summary.json'), 'utf8'));
      expect(summary).toMatchObject({ batchId });
    }
    const azure = fs.readdirSync(path.join(resultsDir, 'azure-demo'));
    expect(azure).toHaveLength(2);
    for (const batchId of azure) {
      const file = path.join(resultsDir, 'azure-demo', batchId, 'summary.json');
      expect(JSON.parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ batchId, account: 'azure-demo' });
    }
    expect(r.stdout).toContain('Azure: already completed');
    expect(fs.existsSync(path.join(dataDir, 'temporal.db'))).toBe(true);

    // The dev server it started is gone: its SQLite file is no longer held open by a live server.
    expect(pidsNaming(dataDir)).toEqual([]);
  });
});
