/** Request handlers of the nine routes: parse and validate like OpenAI, then call the registries. */
import { type BatchRegistry, type NewBatch } from './batches';
import { invalidRequest } from './errors';
import { uploadPlan, type FilePlan } from './file-content';
import { type FileEntry, type FileRegistry } from './files';
import { type InputError, validateInputFile } from './input-validation';
import { boundaryOf, parseMultipart } from './multipart';
import { jsonBody, limitParam, orderParam, paceOf, parseMetadata, requireString } from './params';
import { defaultModel, UploadedRequests } from './requests';
import { type RouteName } from './types';

export interface HandlerContext {
  params: readonly string[];
  query: URLSearchParams;
  contentType: string | undefined;
  body(): Promise<Buffer>;
  /** Unix ms from the simulator's clock. */
  now: number;
}

export type Reply =
  | { kind: 'json'; status: number; body: unknown }
  | { kind: 'file'; entry: FileEntry; plan: FilePlan }
  /** A streamed body that is no registered file (Anthropic's batch results). */
  | { kind: 'stream'; key: number; bytes: number; plan: FilePlan; contentType: string };

export type Handler = (ctx: HandlerContext) => Promise<Reply>;

/** The routes of OpenAI's (and Azure's) Batch + Files API. */
export type OpenAIRouteName = Exclude<RouteName, `messages_batches.${string}`>;

/** What the server dispatches to: one mode's routes. */
export type HandlerTable = Partial<Record<RouteName, Handler>>;

const ENDPOINTS = [
  '/v1/responses',
  '/v1/chat/completions',
  '/v1/embeddings',
  '/v1/completions',
  '/v1/moderations',
];
const PURPOSES = ['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals'];

const json = (body: unknown, status = 200): Reply => ({ kind: 'json', status, body });
const param = (ctx: HandlerContext, i = 0): string => ctx.params[i] ?? '';

/** The requests of a new batch, or the validation errors that will make it fail. */
function requestsOf(entry: FileEntry, endpoint: string): Pick<NewBatch, 'requests' | 'errors'> {
  const fail = (...errors: InputError[]): Pick<NewBatch, 'requests' | 'errors'> => ({
    requests: new UploadedRequests([], endpoint, defaultModel(endpoint)),
    errors,
  });
  if (entry.generated) {
    const { requests, valid } = entry.generated;
    if (!valid)
      return fail({
        code: 'missing_required_parameter',
        message: "Missing required parameter: 'custom_id'.",
        param: 'custom_id',
        line: 1,
      });
    if (requests.endpoint !== endpoint) {
      return fail({
        code: 'url_mismatch',
        message: `The URL provided for this request does not match the batch endpoint '${endpoint}'.`,
        param: 'url',
        line: 1,
      });
    }
    return { requests, errors: null };
  }
  const validation = validateInputFile(entry.plan().raw ?? Buffer.alloc(0), endpoint, defaultModel(endpoint));
  return validation.ok ? { requests: validation.requests, errors: null } : fail(...validation.errors);
}

export function createHandlers(
  files: FileRegistry,
  batches: BatchRegistry,
): Record<OpenAIRouteName, Handler> {
  return {
    'files.create': async (ctx) => {
      const parts = parseMultipart(await ctx.body(), boundaryOf(ctx.contentType));
      const purpose = parts.find((p) => p.name === 'purpose')?.data.toString('utf8');
      const file = parts.find((p) => p.name === 'file');
      if (purpose === undefined)
        throw invalidRequest(
          "Missing required parameter: 'purpose'.",
          'purpose',
          'missing_required_parameter',
        );
      if (!PURPOSES.includes(purpose))
        throw invalidRequest(`Invalid value for 'purpose': '${purpose}'.`, 'purpose', 'invalid_value');
      if (!file)
        throw invalidRequest("Missing required parameter: 'file'.", 'file', 'missing_required_parameter');
      const filename = file.filename ?? 'upload';
      if (purpose === 'batch' && !filename.endsWith('.jsonl')) {
        throw invalidRequest(
          'Invalid file format for Batch API. Must be .jsonl',
          'file',
          'invalid_file_format',
        );
      }
      const data = Buffer.from(file.data);
      const entry = files.add({
        filename,
        purpose,
        createdAt: Math.floor(ctx.now / 1000),
        plan: () => uploadPlan(data),
      });
      return json(files.toObject(entry));
    },
    'files.list': async (ctx) => {
      const purpose = ctx.query.get('purpose');
      const after = ctx.query.get('after');
      return json(
        files.list({
          limit: limitParam(ctx.query, 10_000, 10_000),
          order: orderParam(ctx.query),
          ...(purpose !== null ? { purpose } : {}),
          ...(after !== null ? { after } : {}),
        }),
      );
    },
    'files.retrieve': async (ctx) => json(files.toObject(files.get(param(ctx)))),
    'files.content': async (ctx) => {
      const entry = files.get(param(ctx));
      return { kind: 'file', entry, plan: entry.plan() };
    },
    'files.delete': async (ctx) => json(files.delete(param(ctx))),
    'batches.create': async (ctx) => {
      const body = await jsonBody(ctx);
      const inputFileId = requireString(body, 'input_file_id');
      const endpoint = requireString(body, 'endpoint');
      const window = requireString(body, 'completion_window');
      if (!ENDPOINTS.includes(endpoint)) {
        const supported = ENDPOINTS.map((e) => `'${e}'`).join(', ');
        throw invalidRequest(
          `Invalid value: '${endpoint}'. Supported values are: ${supported}.`,
          'endpoint',
          'invalid_value',
        );
      }
      if (window !== '24h') {
        throw invalidRequest(
          `Invalid value: '${window}'. Supported values are: '24h'.`,
          'completion_window',
          'invalid_value',
        );
      }
      const metadata = parseMetadata(body.metadata);
      const perRequestMs = paceOf(metadata);
      const entry = files.get(inputFileId);
      if (entry.purpose !== 'batch') {
        throw invalidRequest(
          `File ${inputFileId} has purpose '${entry.purpose}'; a batch needs purpose 'batch'.`,
          'input_file_id',
          'invalid_value',
        );
      }
      return json(
        batches.create({
          inputFileId,
          endpoint,
          metadata,
          ...requestsOf(entry, endpoint),
          ...(perRequestMs !== undefined ? { perRequestMs } : {}),
        }),
      );
    },
    'batches.retrieve': async (ctx) => json(batches.view(param(ctx))),
    'batches.list': async (ctx) => {
      return json(batches.list(limitParam(ctx.query, 100, 20), ctx.query.get('after') ?? undefined));
    },
    'batches.cancel': async (ctx) => json(batches.cancel(param(ctx))),
  };
}
