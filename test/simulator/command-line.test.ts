/**
 * The simulator's command line as a newcomer meets it: `--help` prints the usage with every
 * default, a wrong flag is one line and exit 2, and `create-batch` makes a batch that stays in
 * progress long enough to cancel, through the simulator's HTTP API.
 */
import OpenAI from 'openai';
import { BatchSchema } from '../../src/providers/openai/schemas';
import { LOCAL_CANCEL_DELAY_MS, startSimulator, type BatchSimulator } from '../../tools/simulator';
import { cleanEnv, runTsx, stderrLines } from '../cli/run-cli';

const simulatorCli = (args: string[]) => runTsx('tools/simulator/main.ts', args, cleanEnv());

describe('simulator command line', () => {
  it('--help prints the usage with the defaults, and an unknown flag is one line, exit 2', async () => {
    const help = await simulatorCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stderr).toBe('');
    expect(help.stdout).toMatch(/^Usage: .*simulator \[options\] \[command\]/);
    expect(help.stdout).toMatch(/--cancel-delay-ms <duration>[\s\S]*?\(default:\s+20s\)/);
    expect(LOCAL_CANCEL_DELAY_MS).toBe(20_000);
    expect(help.stdout).toMatch(/--port <n>[\s\S]*?\(default:\s+8787\)/);
    expect(help.stdout).toMatch(/create-batch \[options\]/);

    const sub = await simulatorCli(['create-batch', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/--requests <n>[\s\S]*?\(default:\s+200\)/);
    expect(sub.stdout).toMatch(/--ms-per-request <duration>[\s\S]*?\(default:\s+500ms\)/);

    const bad = await simulatorCli(['--bogus']);
    expect(bad.code).toBe(2);
    expect(stderrLines(bad)[0]).toBe("openai-batch-cancel: unknown option '--bogus'");
    expect(bad.stderr).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
  });

  describe('create-batch', () => {
    let sim: BatchSimulator;
    beforeAll(async () => {
      sim = await startSimulator({ timing: { validatingMs: 0 } });
    });
    afterAll(() => sim.close());

    it('uploads through the API, prints the id, and the batch stays in progress long enough to cancel', async () => {
      const made = await simulatorCli([
        'create-batch',
        '--url',
        sim.url,
        '--requests',
        '50',
        '--ms-per-request',
        '1s',
      ]);
      expect(made.code).toBe(0);
      const id = made.stdout.split('\n')[0] ?? '';
      expect(id).toMatch(/^batch_[0-9a-f]+$/);
      expect(made.stdout).toContain(`npm run cli -- cancel ${id}`);
      expect(sim.stats().requests['files.create']).toBe(1);
      expect(sim.stats().requests['batches.create']).toBe(1);

      // The CLI's own start-up took seconds: a default-paced 50-line batch would be done by now.
      const openai = new OpenAI({ apiKey: sim.apiKey, baseURL: sim.url, maxRetries: 0 });
      const batch = await openai.batches.retrieve(id);
      expect(batch.status).toBe('in_progress');
      expect(batch.request_counts?.total).toBe(50);
      expect(batch.request_counts?.completed ?? 0).toBeLessThan(50);
      expect((await openai.batches.cancel(id)).status).toBe('cancelling');
    });

    it('--json prints the batch object; a simulator that is not there is one line, exit 1', async () => {
      const made = await simulatorCli(['create-batch', '--url', sim.url, '--requests', '3', '--json']);
      expect(made.code).toBe(0);
      const batch = BatchSchema.parse(JSON.parse(made.stdout));
      expect(batch.status).toBe('in_progress');
      expect(batch.metadata).toEqual({ simulator_ms_per_request: '500' });

      const nowhere = await simulatorCli(['create-batch', '--url', 'http://127.0.0.1:9/v1']);
      expect(nowhere.code).toBe(1);
      expect(stderrLines(nowhere)).toHaveLength(1);
      expect(stderrLines(nowhere)[0]).toMatch(
        /^openai-batch-cancel: cannot create a batch on http:\/\/127\.0\.0\.1:9\/v1: .*is the simulator running\?/,
      );
    });
  });
});
