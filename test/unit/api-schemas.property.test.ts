/**
 * Property test of the API boundary: every object OpenAI's published OpenAPI spec allows for
 * `Batch`, `BatchRequestCounts`, `OpenAIFile` and `ListBatchesResponse` is accepted by our parsers,
 * with its unknown fields kept, and what the product reads from it is what was sent. The generators
 * below restate the spec's schemas (required fields, optional fields, types, enums; no minimums),
 * written for this project; nothing here reads the spec file. Objects go through JSON, as on the wire.
 */
import fc from 'fast-check';
import { toSnapshot } from '../../src/providers/openai/snapshot';
import { isTerminalStatus, meaningOf } from '../../src/providers/openai/status';
import { parseBatch } from '../../src/providers/openai/batch-api';
import { MalformedResponseError, parseResponse } from '../../src/providers/malformed';
import { BatchListPageSchema, FileObjectSchema } from '../../src/providers/openai/schemas';
import { printFigures } from '../reliability/support';

const figures = { batchesGenerated: 0, batchesRejected: 0, listsGenerated: 0, filesGenerated: 0 };

// The spec's own list, not src/providers/openai/status.ts: generated batches must come from the
// spec, so a status our list lacks fails here instead of being left out of both.
const BATCH_STATUSES_IN_SPEC = [
  'validating',
  'failed',
  'in_progress',
  'finalizing',
  'completed',
  'expired',
  'cancelling',
  'cancelled',
] as const;
const FILE_PURPOSES_IN_SPEC = [
  'assistants',
  'assistants_output',
  'batch',
  'batch_output',
  'fine-tune',
  'fine-tune-results',
  'vision',
  'user_data',
] as const;
const FILE_STATUSES_IN_SPEC = ['uploaded', 'processed', 'error'] as const;

/** `type: integer`: the spec gives no bounds; JSON numbers are exact up to 2^53. */
const integer = fc.maxSafeInteger();
/** The API sends `null` for an instant not reached yet, as in the spec's own example. */
const orNull = <T>(arb: fc.Arbitrary<T>) => fc.oneof(arb, fc.constant(null));

const batchError = fc.record(
  {
    code: fc.string(),
    message: fc.string(),
    param: orNull(fc.string()),
    line: orNull(integer),
  },
  { requiredKeys: [] },
);

const requestCounts = fc.record({ total: integer, completed: integer, failed: integer });

const usage = fc.record({
  input_tokens: integer,
  input_tokens_details: fc.record({ cached_tokens: integer }),
  output_tokens: integer,
  output_tokens_details: fc.record({ reasoning_tokens: integer }),
  total_tokens: integer,
});

/** `Metadata`: up to 16 string pairs (keys up to 64 chars, values up to 512), or null. */
const metadata = orNull(
  fc.dictionary(fc.string({ maxLength: 64 }), fc.string({ maxLength: 512 }), { maxKeys: 16 }),
);

const KNOWN_BATCH_FIELDS = new Set([
  'id',
  'object',
  'endpoint',
  'model',
  'errors',
  'input_file_id',
  'completion_window',
  'status',
  'output_file_id',
  'error_file_id',
  'created_at',
  'in_progress_at',
  'expires_at',
  'finalizing_at',
  'completed_at',
  'failed_at',
  'expired_at',
  'cancelling_at',
  'cancelled_at',
  'request_counts',
  'usage',
  'metadata',
]);

/** Fields a later API version may add: any name the spec does not use, any JSON value. */
const unknownFields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 20 }).filter((k) => !KNOWN_BATCH_FIELDS.has(k) && k !== '__proto__'),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);

const specBatch = fc
  .tuple(
    fc.record({
      id: fc.string(),
      object: fc.constant('batch' as const),
      endpoint: fc.string(),
      input_file_id: fc.string(),
      completion_window: fc.string(),
      status: fc.constantFrom(...BATCH_STATUSES_IN_SPEC),
      created_at: integer,
    }),
    fc.record(
      {
        model: fc.string(),
        errors: orNull(
          fc.record(
            { object: fc.string(), data: fc.array(batchError, { maxLength: 4 }) },
            { requiredKeys: [] },
          ),
        ),
        output_file_id: orNull(fc.string()),
        error_file_id: orNull(fc.string()),
        in_progress_at: orNull(integer),
        expires_at: orNull(integer),
        finalizing_at: orNull(integer),
        completed_at: orNull(integer),
        failed_at: orNull(integer),
        expired_at: orNull(integer),
        cancelling_at: orNull(integer),
        cancelled_at: orNull(integer),
        request_counts: requestCounts,
        usage,
        metadata,
      },
      { requiredKeys: [] },
    ),
    unknownFields,
  )
  // Unknown fields first, so a spec field is never overwritten by one.
  .map(([required, optional, extra]) => wire({ ...extra, ...required, ...optional }));

const specList = fc
  .tuple(
    fc.record({
      object: fc.constant('list' as const),
      data: fc.array(specBatch, { maxLength: 5 }),
      has_more: fc.boolean(),
    }),
    fc.record({ first_id: fc.string(), last_id: fc.string() }, { requiredKeys: [] }),
  )
  .map(([required, optional]) => wire({ ...required, ...optional }));

const specFile = fc
  .tuple(
    fc.record({
      id: fc.string(),
      object: fc.constant('file' as const),
      bytes: integer,
      created_at: integer,
      filename: fc.string(),
      purpose: fc.constantFrom(...FILE_PURPOSES_IN_SPEC),
      status: fc.constantFrom(...FILE_STATUSES_IN_SPEC),
    }),
    fc.record({ expires_at: integer, status_details: fc.string() }, { requiredKeys: [] }),
  )
  .map(([required, optional]) => wire({ ...required, ...optional }));

/** What a response body is after the network: JSON text parsed again. */
function wire<T>(value: T): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

afterAll(() => printFigures('api-schemas', figures));

describe('parsers accept what the OpenAPI spec allows', () => {
  it('accepts every spec-generated Batch, keeps unknown fields, and reads the used fields as sent', () => {
    fc.assert(
      fc.property(specBatch, (sent) => {
        figures.batchesGenerated++;
        let batch;
        try {
          batch = parseBatch(sent);
        } catch (err) {
          figures.batchesRejected++;
          throw err;
        }
        // Nothing dropped: every field sent is still there (the spec's own and unknown ones).
        expect(Object.keys(batch).sort()).toEqual(Object.keys(sent).sort());
        const snapshot = toSnapshot(batch);
        expect(snapshot.id).toBe(sent.id);
        expect(snapshot.status).toBe(sent.status);
        expect(snapshot.createdAt).toBe(sent.created_at);
        expect(snapshot.resultRefs).toEqual({
          output: sent.output_file_id ?? null,
          errors: sent.error_file_id ?? null,
          input: sent.input_file_id,
        });
        expect(snapshot.phase).toBe(meaningOf(batch.status).phase);
        // A terminal batch ended when its status's own timestamp says (`cancelled_at`, ...).
        const endedField = `${batch.status}_at`;
        expect(snapshot.endedAt).toBe(
          isTerminalStatus(batch.status) ? ((sent as Record<string, unknown>)[endedField] ?? null) : null,
        );
        const c = batch.request_counts ?? { total: 0, completed: 0, failed: 0 };
        expect(snapshot.requestCounts).toEqual({
          total: c.total,
          succeeded: c.completed,
          failed: c.failed,
          processing: Math.max(0, c.total - c.completed - c.failed),
        });
      }),
      { numRuns: 3000 },
    );
    expect(figures.batchesRejected).toBe(0);
  });

  it('accepts every spec-generated ListBatchesResponse', () => {
    fc.assert(
      fc.property(specList, (sent) => {
        figures.listsGenerated++;
        const page = parseResponse(BatchListPageSchema, sent, 'a list of batches');
        expect(page.data.map((b) => b.id)).toEqual((sent.data as { id: string }[]).map((b) => b.id));
        expect(page.has_more).toBe(sent.has_more);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts every spec-generated OpenAIFile', () => {
    fc.assert(
      fc.property(specFile, (sent) => {
        figures.filesGenerated++;
        expect(parseResponse(FileObjectSchema, sent, 'a file')).toEqual(sent);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('parsers refuse what is not the object, naming the field and quoting the first bytes', () => {
  it('refuses any JSON that is not an object (a string, a number, an array, null)', () => {
    const notAnObject = fc.oneof(
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.jsonValue()),
    );
    fc.assert(
      fc.property(notAnObject, (sent) => {
        const err = (() => {
          try {
            parseBatch(sent);
          } catch (e) {
            return e;
          }
          return undefined;
        })();
        expect(err).toBeInstanceOf(MalformedResponseError);
        expect((err as MalformedResponseError).firstBytes.length).toBeGreaterThan(1);
      }),
      { numRuns: 300 },
    );
  });

  it('refuses a batch missing a required field or with a status outside the spec, naming it', () => {
    fc.assert(
      fc.property(
        specBatch,
        fc.constantFrom('id', 'object', 'status', 'input_file_id', 'created_at'),
        (sent, field) => {
          const broken = { ...sent };
          delete broken[field];
          expect(() => parseBatch(broken)).toThrow(new RegExp(`\\b${field}\\b`));
        },
      ),
      { numRuns: 200 },
    );
    expect(() => parseBatch({ ...fc.sample(specBatch, 1)[0], status: 'paused' })).toThrow(/status/);
    const html = '<!DOCTYPE html><html><body>Bad gateway</body></html>';
    expect(() => parseBatch(html)).toThrow(/First bytes: "<!DOCTYPE html><html><body>Bad gateway/);
  });
});
