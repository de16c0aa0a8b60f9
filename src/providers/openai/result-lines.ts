/**
 * OpenAI's result and input lines, classified for the results code: a result line's custom_id,
 * what it means for its request (by `error` and `response.status_code`), and a success's model and
 * tokens; a damaged line's custom_id and status read from its raw bytes.
 */
import type { z } from 'zod';
import type { ClassifiedResult, RecoveredResult, ResultDisposition } from '../types';
import {
  BatchInputLineSchema,
  BatchResultLineSchema,
  isSuccessfulResult,
  type BatchResultLine,
} from './schemas';
import { tokensOfBody } from './usage';

/** 408, 409 and 429 heal by waiting: such a request goes back into remaining.jsonl. */
const RETRIABLE_STATUS = new Set([408, 409, 429]);

export function dispositionOfStatus(status: number): ResultDisposition {
  if (status >= 200 && status < 300) return 'succeeded';
  if (status >= 400 && status < 500 && !RETRIABLE_STATUS.has(status)) return 'permanent';
  return 'retriable';
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** An `error` without a response: the batch never ran the request (cancelled, expired, ...). */
export function classifyResult(line: BatchResultLine): ClassifiedResult {
  if (isSuccessfulResult(line)) {
    const body = line.response?.body;
    const model = isObject(body) && typeof body.model === 'string' && body.model ? body.model : null;
    return {
      customId: line.custom_id,
      disposition: 'succeeded',
      failureCode: null,
      model,
      tokens: tokensOfBody(body),
    };
  }
  return {
    customId: line.custom_id,
    disposition: line.response ? dispositionOfStatus(line.response.status_code) : 'retriable',
    failureCode: line.error?.code ?? (line.response ? `http_${line.response.status_code}` : 'unknown'),
    model: null,
    tokens: null,
  };
}

export const resultLine: z.ZodType<ClassifiedResult> = BatchResultLineSchema.transform(classifyResult);

export const inputLine: z.ZodType<{ customId: string }> = BatchInputLineSchema.transform((line) => ({
  customId: line.custom_id,
}));

const CUSTOM_ID = /"custom_id"\s*:\s*"((?:[^"\\]|\\.)*)"/;
const STATUS_CODE = /"status_code"\s*:\s*(\d{3})\b/;

/** The custom_id written in a raw (possibly damaged) line, if it can be read. */
export function recoverCustomId(raw: Buffer): string | undefined {
  const m = CUSTOM_ID.exec(raw.toString('utf8'));
  if (!m) return undefined;
  try {
    const id = JSON.parse(`"${m[1]}"`) as string;
    return id.length > 0 ? id : undefined;
  } catch {
    return undefined;
  }
}

/** What a damaged result line says, as far as it can be read. */
export function recoverResult(raw: Buffer): RecoveredResult | undefined {
  const customId = recoverCustomId(raw);
  if (customId === undefined) return undefined;
  const status = STATUS_CODE.exec(raw.toString('utf8'));
  return { customId, disposition: status ? dispositionOfStatus(Number(status[1])) : 'unresolved' };
}
