/**
 * Ids shaped like OpenAI's, derived from the seed and a sequence number so two simulators with the
 * same seed and the same calls hand out the same ids. Per-line ids are fixed-width on purpose: it
 * keeps every generated line of one kind the same length, so file sizes are known without a pass.
 */
import { alnumFrom, alnumOf, hash32, hexFrom, hexOf, lineHashes } from './prng';

const Salt = {
  Batch: 1,
  File: 2,
  ResultFile: 3,
  BatchRequest: 4,
  RequestId: 5,
  Completion: 6,
  HttpRequest: 7,
} as const;

export function batchId(seed: number, seq: number): string {
  return `batch_${hexFrom(32, seed, Salt.Batch, seq)}`;
}

export function fileId(seed: number, seq: number): string {
  return `file-${alnumFrom(22, seed, Salt.File, seq)}`;
}

/** The output or error file of a batch: derived from the batch, so it does not depend on access order. */
export function resultFileId(seed: number, batchSeq: number, role: 'output' | 'error'): string {
  return `file-${alnumFrom(22, seed, Salt.ResultFile, batchSeq, role === 'output' ? 1 : 2)}`;
}

/** `batch_req_` + 32 hex: the `id` of a result line, unique within the batch. */
export function batchRequestId(batchKey: number, index: number): string {
  return `batch_req_${hexOf(lineHashes(hash32(batchKey, Salt.BatchRequest), index, 4), 32)}`;
}

/** `req_` + 32 hex: the `request_id` of a result line's response. */
export function requestId(batchKey: number, index: number): string {
  return `req_${hexOf(lineHashes(hash32(batchKey, Salt.RequestId), index, 4), 32)}`;
}

/** `chatcmpl-` + 29 characters, the id of a generated completion body. */
export function completionId(batchKey: number, index: number): string {
  return `chatcmpl-${alnumOf(lineHashes(hash32(batchKey, Salt.Completion), index, 6), 29)}`;
}

/** The `x-request-id` header of an HTTP response. */
export function httpRequestId(seed: number, seq: number): string {
  return `req_${hexFrom(32, seed, Salt.HttpRequest, seq)}`;
}
