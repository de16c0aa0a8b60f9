import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/worker/config';
import { buildInput } from '../../src/cli/commands/cancel';
import { CancelBatchInputSchema, POLL_DEFAULTS } from '../../src/contract/cancel-input';
import { LocalResultsStore } from '../../src/results/local-store';
import { openaiDefinition } from '../../src/providers/openai/definition';
import { UnsafeBatchIdError } from '../../src/results/safe-name';

describe('config', () => {
  it('applies defaults', () => {
    const c = loadConfig({ OPENAI_API_KEY: 'sk-x' });
    expect(c).toMatchObject({ TEMPORAL_TASK_QUEUE: 'openai-batch-cancel' });
    // No Temporal address/namespace default here: it would replace a temporal.toml profile's.
    expect(c.TEMPORAL_ADDRESS).toBeUndefined();
    expect(c.TEMPORAL_NAMESPACE).toBeUndefined();
  });

  it('names the bad variable without echoing its value', () => {
    expect(() =>
      loadConfig({ OPENAI_BASE_URL: 'not a url', WORKER_MAX_CONCURRENT_ACTIVITIES: 'lots' }),
    ).toThrow(ConfigError);
    try {
      loadConfig({ OPENAI_BASE_URL: 'sk-secret-not-a-url' });
    } catch (err) {
      expect((err as Error).message).toMatch(/^invalid configuration: OPENAI_BASE_URL: /);
      expect((err as Error).message).not.toContain('sk-secret');
    }
  });
});

describe('cancel input', () => {
  it('fills defaults and normalizes durations', () => {
    const v = CancelBatchInputSchema.parse({
      batchId: 'batch_abc',
      maxWait: '30m',
      poll: { initialInterval: '2s' },
    });
    expect(v).toMatchObject({
      maxWait: 30 * 60_000,
      poll: { initialInterval: 2000, backoffCoefficient: 1.5, maxInterval: 60_000 },
      collectResults: 'always',
      writeRemaining: true,
    });
  });

  it('with webhooks, the fallback poll reads every 30 minutes unless told otherwise', () => {
    const parse = (input: object) => CancelBatchInputSchema.parse({ batchId: 'batch_abc', ...input }).poll;
    expect(parse({}).maxInterval).toBe(POLL_DEFAULTS.maxInterval);
    expect(parse({ webhooks: true })).toEqual({
      initialInterval: 30 * 60_000,
      backoffCoefficient: POLL_DEFAULTS.backoffCoefficient,
      maxInterval: 30 * 60_000,
    });
    expect(parse({ webhooks: true, poll: { maxInterval: '20m' } }).maxInterval).toBe(20 * 60_000);
    // A given first interval is kept; the cap then defaults to the fallback's 30 minutes.
    expect(parse({ webhooks: true, poll: { initialInterval: '5s' } })).toMatchObject({
      initialInterval: 5_000,
      maxInterval: 30 * 60_000,
    });
    // A cap given alone bounds the first interval too.
    expect(parse({ webhooks: true, poll: { maxInterval: '2m' } })).toMatchObject({
      initialInterval: 120_000,
      maxInterval: 120_000,
    });
    expect(parse({ poll: { maxInterval: '2s' } })).toMatchObject({
      initialInterval: 2_000,
      maxInterval: 2_000,
    });
    // A first interval above the default cap raises the cap instead of failing.
    expect(parse({ poll: { initialInterval: '2m' } }).maxInterval).toBe(120_000);
    const flags = { concurrency: 8, json: false, connectTimeout: 5_000 };
    expect(
      CancelBatchInputSchema.parse(buildInput('batch_a', { ...flags, webhooks: true })).poll.maxInterval,
    ).toBe(30 * 60_000);
  });

  it('reads the webhook secret from OPENAI_WEBHOOK_SECRET', () => {
    expect(loadConfig({ OPENAI_WEBHOOK_SECRET: 'whsec_abc' }).OPENAI_WEBHOOK_SECRET).toBe('whsec_abc');
    expect(loadConfig({}).OPENAI_WEBHOOK_SECRET).toBeUndefined();
  });

  it.each(['', 'batch_../x', 'batch_a/b', '/etc/passwd', 'batch_\u0000x', '..', '.hidden'])(
    'rejects batch id %j, whichever API owns it',
    (batchId) => {
      const r = CancelBatchInputSchema.safeParse({ batchId });
      expect(r.success).toBe(false);
      if (!r.success) expect(r.error.issues[0]?.path).toEqual(['batchId']);
    },
  );

  it.each(['', 'abc', 'batch_../x', 'batch_a/b', '/etc/passwd', 'batch_\u0000x', 'msgbatch_01'])(
    "rejects batch id %j by OpenAI's rule",
    (batchId) => {
      expect(openaiDefinition.batchId.safeParse(batchId).success).toBe(false);
    },
  );

  it('takes the stuck threshold from `cancel --stuck-after`, defaulting to 30 minutes', () => {
    const flags = { concurrency: 8, json: false, connectTimeout: 5_000 };
    const input = buildInput('batch_a', { ...flags, stuckAfter: '45m' });
    expect(CancelBatchInputSchema.parse(input).stuckAfter).toBe(45 * 60_000);
    expect(CancelBatchInputSchema.parse(buildInput('batch_a', flags)).stuckAfter).toBe(30 * 60_000);
  });

  it('takes `cancel --requests` as an absolute path, resolving a relative one where the CLI runs', () => {
    const flags = { concurrency: 8, json: false, connectTimeout: 5_000 };
    expect(buildInput('msgbatch_a', { ...flags, requests: 'in/requests.jsonl' }).requests).toBe(
      path.resolve('in/requests.jsonl'),
    );
    expect(buildInput('msgbatch_a', { ...flags, requests: 'file:///data/r.jsonl' }).requests).toBe(
      'file:///data/r.jsonl',
    );
    expect(CancelBatchInputSchema.safeParse({ batchId: 'msgbatch_a', requests: 'r.jsonl' }).success).toBe(
      false,
    );
  });

  it('rejects a poll policy whose max is below its initial interval', () => {
    const r = CancelBatchInputSchema.safeParse({
      batchId: 'batch_a',
      poll: { initialInterval: '2m', maxInterval: '1m' },
    });
    expect(r.success).toBe(false);
  });
});

describe('results store paths', () => {
  it('refuses ids that could escape the results directory', () => {
    const store = new LocalResultsStore('/tmp/results-root');
    for (const id of ['../x', 'batch_../../etc', '/abs', 'batch_a\u0000']) {
      expect(() => store.batchDir(id)).toThrow(UnsafeBatchIdError);
    }
    expect(store.batchDir('batch_ok')).toBe('/tmp/results-root/batch_ok');
    // Not only OpenAI's ids: the provider validated the form, the store only keeps the id in its root.
    expect(store.batchDir('msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d')).toBe(
      '/tmp/results-root/msgbatch_01HkcTjaV5uDC8jWR4ZsDV8d',
    );
    for (const id of ['.', '..', '.hidden', 'a..b', 'a/b', 'a\\b', '']) {
      expect(() => store.batchDir(id)).toThrow(UnsafeBatchIdError);
    }
  });
});
