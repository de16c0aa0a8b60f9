/**
 * The S3 results store against a real S3 API server (s3proxy from Maven Central, started here):
 * objects appear only when committed, failures leave no multipart upload behind, stale uploads of a
 * killed attempt are aborted, and the errors a deployment makes say what to fix.
 */
import { createHash } from 'node:crypto';
import { ListMultipartUploadsCommand, CreateMultipartUploadCommand, type S3Client } from '@aws-sdk/client-s3';
import { s3Settings } from '../../src/results/s3/client';
import { S3StoreError } from '../../src/results/s3/errors';
import { MIN_PART_BYTES } from '../../src/results/s3/object-writer';
import { S3ResultsStore } from '../../src/results/s3/s3-store';
import { startS3Server, type S3Server } from '../../tools/devtools/s3-server';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

let server: S3Server;
const BUCKET = 'obc-results';

function clientFor(s: S3Server, extra: ConstructorParameters<typeof S3Client>[0] = {}): S3Client {
  return s3Settings(s.env, extra ?? {}).client;
}

function storeFor(client: S3Client, extra: Partial<ConstructorParameters<typeof S3ResultsStore>[0]> = {}) {
  return new S3ResultsStore({ client, bucket: BUCKET, prefix: 'team/results', ...extra });
}

async function openUploads(client: S3Client, Prefix = ''): Promise<string[]> {
  const page = await client.send(new ListMultipartUploadsCommand({ Bucket: BUCKET, Prefix }));
  return (page.Uploads ?? []).map((u) => u.Key ?? '');
}

async function text(
  store: S3ResultsStore,
  batchId: string,
  file: 'output' | 'summary',
): Promise<string | undefined> {
  const body = await store.read(batchId, file);
  if (!body) return undefined;
  const chunks: Buffer[] = [];
  for await (const c of body) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

beforeAll(async () => {
  // The SDK reads credentials and region from the environment, as a worker does.
  server = await startS3Server({ buckets: [BUCKET] });
  Object.assign(process.env, server.env);
}, 120_000);

afterAll(async () => {
  await server?.stop();
});

describe('S3ResultsStore', () => {
  test('a multipart object is invisible until committed, then holds every byte in order', async () => {
    const client = clientFor(server);
    const store = storeFor(client);
    const batchId = 'batch_s3_multipart';
    const writer = store.open(batchId, 'output');
    const hash = createHash('sha256');
    const lines: string[] = [];
    // Three full parts and a tail, written in uneven chunks.
    let i = 0;
    while (writer.bytes < 3 * MIN_PART_BYTES + 1234) {
      const line = `{"custom_id":"req-${i++}","pad":"${'x'.repeat(900 + (i % 300))}"}\n`;
      lines.push(line);
      hash.update(line);
      await writer.write(line);
    }
    expect(await store.stat(batchId, 'output')).toBeUndefined();
    expect(await openUploads(client, store.batchPrefix(batchId))).toEqual([store.keyOf(batchId, 'output')]);
    const committed = await writer.commit();
    expect(committed.path).toBe(`s3://${BUCKET}/team/results/${batchId}/output.jsonl`);
    expect(await store.stat(batchId, 'output')).toEqual({ bytes: committed.bytes });
    const read = await text(store, batchId, 'output');
    expect(read).toBe(lines.join(''));
    expect(
      createHash('sha256')
        .update(read ?? '')
        .digest('hex'),
    ).toBe(hash.digest('hex'));
    expect(await openUploads(client, store.batchPrefix(batchId))).toEqual([]);
  });

  test('an aborted object leaves neither the object nor an open upload', async () => {
    const client = clientFor(server);
    const store = storeFor(client);
    const batchId = 'batch_s3_abort';
    const writer = store.open(batchId, 'output');
    await writer.write(Buffer.alloc(2 * MIN_PART_BYTES + 10, 'a'));
    expect(await openUploads(client, store.batchPrefix(batchId))).toHaveLength(1);
    await writer.abort();
    await writer.abort();
    expect(await store.stat(batchId, 'output')).toBeUndefined();
    expect(await openUploads(client, store.batchPrefix(batchId))).toEqual([]);
  });

  test('small objects and JSON are written in one request; remove is idempotent', async () => {
    const store = storeFor(clientFor(server));
    const batchId = 'batch_s3_small';
    const where = await store.writeJson(batchId, 'summary', { batchId, lines: 3 });
    expect(where).toBe(`s3://${BUCKET}/team/results/${batchId}/summary.json`);
    expect(JSON.parse((await text(store, batchId, 'summary')) ?? 'null')).toEqual({ batchId, lines: 3 });
    // Written twice: the same object, not a second one.
    await store.writeJson(batchId, 'summary', { batchId, lines: 3 });
    expect(JSON.parse((await text(store, batchId, 'summary')) ?? 'null')).toEqual({ batchId, lines: 3 });
    await store.remove(batchId, 'summary');
    await store.remove(batchId, 'summary');
    expect(await store.read(batchId, 'summary')).toBeUndefined();
  });

  test("prepare aborts a killed attempt's uploads under the batch, and only there", async () => {
    const client = clientFor(server);
    const store = storeFor(client);
    const mine = 'batch_s3_stale';
    const other = 'batch_s3_other';
    for (const key of [
      store.keyOf(mine, 'output'),
      store.keyOf(mine, 'errors'),
      store.keyOf(other, 'output'),
    ])
      await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: key }));
    expect(await store.prepare(mine)).toBe(`s3://${BUCKET}/team/results/${mine}/`);
    expect(await openUploads(client, store.batchPrefix(mine))).toEqual([]);
    expect(await openUploads(client, store.batchPrefix(other))).toEqual([store.keyOf(other, 'output')]);
  });

  test("keeps another account's results under <prefix>/<account>/, the default's where they were", async () => {
    const store = storeFor(clientFor(server));
    expect(store.forAccount('default')).toBe(store);
    const research = store.forAccount('research');
    const batchId = 'batch_s3_account';
    const writer = research.open(batchId, 'output');
    await writer.write('{"custom_id":"a"}\n');
    const committed = await writer.commit();
    expect(committed.path).toBe(`s3://${BUCKET}/team/results/research/${batchId}/output.jsonl`);
    expect(await research.stat(batchId, 'output')).toEqual({ bytes: committed.bytes });
    expect(await store.stat(batchId, 'output')).toBeUndefined();
    expect(
      new S3ResultsStore({ client: clientFor(server), bucket: BUCKET, prefix: '' }).forAccount('eu').location,
    ).toBe(`s3://${BUCKET}/eu`);
    expect(() => store.forAccount('../x')).toThrow(/not an account name/);
  });

  test('refuses ids that could escape the prefix', () => {
    const store = storeFor(clientFor(server));
    for (const id of ['../batch_x', 'batch_x/../../y', 'batch_x/output', '']) {
      expect(() => store.keyOf(id, 'output')).toThrow(/not a valid batch id/);
    }
  });

  test('a missing bucket is a permanent error that says to create it', async () => {
    const store = new S3ResultsStore({ client: clientFor(server), bucket: 'obc-no-such-bucket', prefix: '' });
    const err = await store.probe().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(S3StoreError);
    expect(err).toMatchObject({ code: 'NoSuchBucket', transient: false });
    expect((err as Error).message).toMatch(
      /bucket does not exist: create it, or fix the bucket in RESULTS_URL/,
    );
  });

  test('wrong credentials are a permanent error naming the variable to check', async () => {
    const store = storeFor(
      clientFor(server, {
        credentials: { accessKeyId: server.accessKeyId, secretAccessKey: 'not-the-secret' },
      }),
    );
    const err = await store.probe().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'SignatureDoesNotMatch', transient: false, status: 403 });
    expect((err as Error).message).toMatch(/AWS_SECRET_ACCESS_KEY/);
    expect((err as Error).message).not.toContain('not-the-secret');
  });

  test('an unreachable endpoint is transient (Temporal retries it)', async () => {
    const client = clientFor(server, { endpoint: 'http://127.0.0.1:9', maxAttempts: 1 });
    const err = await storeFor(client)
      .probe()
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toMatchObject({ transient: true });
  });

  test('server-side encryption is requested on every write when asked for', async () => {
    const { client, encryption } = s3Settings({ ...server.env, S3_SSE: 'AES256' });
    const seen: string[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const headers = (args.request as { headers?: Record<string, string> }).headers ?? {};
        seen.push(headers['x-amz-server-side-encryption'] ?? 'none');
        return next(args);
      },
      { step: 'finalizeRequest', name: 'recordSse' },
    );
    const store = storeFor(client, { encryption });
    // s3proxy has no encryption: it refuses the header, and the error says what to do.
    const err = await store.probe().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(seen).toEqual(['AES256']);
    expect(err).toMatchObject({ code: 'NotImplemented', transient: false });
    expect((err as Error).message).toMatch(/leave S3_SSE unset/);
  });
});
