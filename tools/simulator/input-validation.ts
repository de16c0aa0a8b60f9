/**
 * Validation of an uploaded batch input file, with the error codes OpenAI documents for a batch that
 * fails validation (`invalid_json_line`, `duplicate_custom_id`, `url_mismatch`, `model_mismatch`,
 * `empty_file`, ...). A failed validation does not reject the create call: the batch is created and
 * later turns `failed` with these errors, as the real service does.
 */
import { type UploadedRequest, UploadedRequests } from './requests';

/** A type, not an interface, so it fits the loose (index-signature) zod schema of batch errors. */
export type InputError = {
  code: string;
  message: string;
  param: string | null;
  line: number | null;
};

export type InputValidation = { ok: true; requests: UploadedRequests } | { ok: false; errors: InputError[] };

/** OpenAI reports a handful of errors, not one per line of a broken file. */
const MAX_ERRORS = 10;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkLine(parsed: unknown, endpoint: string): Omit<InputError, 'line'> | undefined {
  if (!isRecord(parsed))
    return { code: 'invalid_json_line', message: 'This line is not a JSON object.', param: null };
  for (const field of ['custom_id', 'method', 'url', 'body'] as const) {
    if (parsed[field] === undefined) {
      return {
        code: 'missing_required_parameter',
        message: `Missing required parameter: '${field}'.`,
        param: field,
      };
    }
  }
  if (typeof parsed.custom_id !== 'string' || parsed.custom_id.length === 0) {
    return {
      code: 'invalid_custom_id',
      message: "'custom_id' must be a non-empty string.",
      param: 'custom_id',
    };
  }
  if (parsed.method !== 'POST') {
    return { code: 'invalid_method', message: "'method' must be 'POST'.", param: 'method' };
  }
  if (parsed.url !== endpoint) {
    return {
      code: 'url_mismatch',
      message: `The URL provided for this request does not match the batch endpoint '${endpoint}'.`,
      param: 'url',
    };
  }
  if (!isRecord(parsed.body))
    return { code: 'invalid_body', message: "'body' must be an object.", param: 'body' };
  return undefined;
}

export function validateInputFile(data: Buffer, endpoint: string, fallbackModel: string): InputValidation {
  const errors: InputError[] = [];
  const requests: UploadedRequest[] = [];
  const seen = new Set<string>();
  let model: string | undefined;
  const lines = data.toString('utf8').split('\n');
  for (let i = 0; i < lines.length && errors.length < MAX_ERRORS; i++) {
    const text = lines[i]?.trim() ?? '';
    if (text === '') continue;
    const line = i + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      errors.push({
        code: 'invalid_json_line',
        message: 'This line is not parseable as valid JSON.',
        param: null,
        line,
      });
      continue;
    }
    const problem = checkLine(parsed, endpoint);
    if (problem) {
      errors.push({ ...problem, line });
      continue;
    }
    const request = parsed as { custom_id: string; body: Record<string, unknown> };
    if (seen.has(request.custom_id)) {
      const message = `The custom_id '${request.custom_id}' is used more than once in this file.`;
      errors.push({ code: 'duplicate_custom_id', message, param: 'custom_id', line });
      continue;
    }
    seen.add(request.custom_id);
    const lineModel = typeof request.body.model === 'string' ? request.body.model : undefined;
    if (lineModel !== undefined && model !== undefined && lineModel !== model) {
      const message = `All requests in a batch must use the same model; this line uses '${lineModel}', earlier lines '${model}'.`;
      errors.push({ code: 'model_mismatch', message, param: 'body.model', line });
      continue;
    }
    model ??= lineModel;
    requests.push({ customId: request.custom_id, hasModel: lineModel !== undefined });
  }
  if (errors.length === 0 && requests.length === 0) {
    errors.push({ code: 'empty_file', message: 'The input file is empty.', param: null, line: null });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, requests: new UploadedRequests(requests, endpoint, model ?? fallbackModel) };
}
