/**
 * How the demo's dev-server start handles a server that exits at once, with a stand-in `temporal`
 * executable (a shell script): no Temporal server is started here. A port taken between choosing
 * and binding it is retried on fresh ports; anything else fails at once, quoting only what this
 * start wrote to the log, which the demo keeps appending to across runs.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DevServerStartError, startDevServer } from '../../tools/devtools/dev-server';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-dev-server-start-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A `temporal` that counts its runs in `runs` and exits 1 after printing `line`. */
function fakeCli(line: string): { cli: string; runs: () => number } {
  const cli = path.join(dir, 'temporal');
  const runs = path.join(dir, 'runs');
  fs.writeFileSync(cli, `#!/bin/sh\necho run >> '${runs}'\necho '${line}'\nexit 1\n`, { mode: 0o755 });
  return {
    cli,
    runs: () => (fs.existsSync(runs) ? fs.readFileSync(runs, 'utf8').split('\n').length - 1 : 0),
  };
}

describe('startDevServer when the server exits at once', () => {
  it('starts again on fresh ports when a chosen port was taken, up to 3 starts', async () => {
    const fake = fakeCli('listen tcp 127.0.0.1:38011: bind: address already in use');
    const logFile = path.join(dir, 'server.log');
    const started = startDevServer({ temporalCli: fake.cli, logFile, startTimeoutMs: 10_000 });
    await expect(started).rejects.toThrow(DevServerStartError);
    await expect(started).rejects.toThrow(/exited with code 1 \(log: listen tcp .*address already in use\)$/);
    expect(fake.runs()).toBe(3);
  });

  it('fails at once on anything else, quoting only what this start logged', async () => {
    const logFile = path.join(dir, 'server.log');
    // An earlier run's port clash, still in the appended log.
    fs.writeFileSync(logFile, 'listen tcp 127.0.0.1:7233: bind: address already in use\n');
    const fake = fakeCli('unknown flag: --ip');
    const started = startDevServer({ temporalCli: fake.cli, logFile, startTimeoutMs: 10_000 });
    await expect(started).rejects.toThrow(
      'temporal server start-dev exited with code 1 (log: unknown flag: --ip)',
    );
    expect(fake.runs()).toBe(1);
  });
});
