/** `GET /v1/files/{id}/content` as a byte stream, with what is needed to notice a short body. */
import { ApplicationFailure } from '@temporalio/common';
import type OpenAI from 'openai';
import { FailureType } from '../../contract/failure-types';

export interface Download {
  body: AsyncIterable<Uint8Array>;
  /**
   * Content-Length, only when it counts the bytes we read: with `Content-Encoding: gzip` (or br)
   * fetch hands over decoded bytes while Content-Length counts the encoded ones, so comparing them
   * would call every compressed download truncated. A cut compressed body fails in the decoder.
   */
  expectedBytes: number | undefined;
  /** `Content-Encoding` as served, or null for identity. */
  encoding: string | null;
}

export async function download(openai: OpenAI, fileId: string, signal: AbortSignal): Promise<Download> {
  const res = await openai.files.content(fileId, { signal });
  if (!res.body)
    throw ApplicationFailure.retryable(`file ${fileId} came back without a body`, FailureType.Transient);
  const raw = res.headers.get('content-encoding')?.trim().toLowerCase() ?? '';
  const encoding = raw === '' || raw === 'identity' ? null : raw;
  const length = res.headers.get('content-length');
  return {
    body: res.body as AsyncIterable<Uint8Array>,
    expectedBytes: length && encoding === null ? Number(length) : undefined,
    encoding,
  };
}
