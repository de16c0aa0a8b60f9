/**
 * `simulator create-batch`: makes a batch to cancel on a running simulator, the way a user makes
 * one on OpenAI: the official SDK uploads a JSONL file through the simulator's HTTP API and creates
 * the batch. `--ms-per-request` travels as batch metadata (the simulator's one extension), so the
 * batch stays in progress long enough to cancel.
 */
import { Command, Option } from 'commander';
import OpenAI from 'openai';
import { DEFAULT_API_KEY, PACE_METADATA_KEY } from '../simulator';
import { positiveInt, print, printJson } from '../../src/cli/common';
import { durationOption } from '../../src/cli/duration';
import { CliError } from '../../src/cli/errors';
import { formatDuration } from '../../src/cli/format';

const ENDPOINTS = ['/v1/chat/completions', '/v1/responses', '/v1/embeddings'] as const;
type Endpoint = (typeof ENDPOINTS)[number];

interface CreateBatchOptions {
  url: string;
  apiKey: string;
  requests: number;
  msPerRequest: number;
  endpoint: Endpoint;
  json?: boolean;
}

/** Line `i` of the input file: a small valid request for `endpoint`. */
function requestLine(i: number, endpoint: Endpoint): string {
  const prompt = `Say hello to request ${i}.`;
  const body =
    endpoint === '/v1/chat/completions'
      ? { model: 'gpt-4o-mini', messages: [{ role: 'user', content: prompt }] }
      : endpoint === '/v1/responses'
        ? { model: 'gpt-4o-mini', input: prompt }
        : { model: 'text-embedding-3-small', input: prompt };
  return JSON.stringify({ custom_id: `request-${i}`, method: 'POST', url: endpoint, body });
}

export function inputFile(requests: number, endpoint: Endpoint): Buffer {
  const lines = Array.from({ length: requests }, (_, i) => `${requestLine(i + 1, endpoint)}\n`);
  return Buffer.from(lines.join(''), 'utf8');
}

export function createBatchCommand(): Command {
  return new Command('create-batch')
    .description(
      'create a batch on a running simulator (upload + create, with the openai SDK) and print its id',
    )
    .option('--url <url>', "the simulator's base URL (printed at its start)", 'http://127.0.0.1:8787/v1')
    .option('--api-key <key>', "the simulator's API key", DEFAULT_API_KEY)
    .option('--requests <n>', 'requests in the batch', positiveInt, 200)
    .addOption(
      durationOption(
        '--ms-per-request <duration>',
        'the batch answers one request this often: requests × this is how long it stays in progress',
        500,
        { allowZero: true },
      ),
    )
    .addOption(
      new Option('--endpoint <path>', 'the batch endpoint')
        .choices(ENDPOINTS)
        .default('/v1/chat/completions'),
    )
    .option('--json', 'print the batch object as JSON')
    .action(async (opts: CreateBatchOptions) => {
      const openai = new OpenAI({ apiKey: opts.apiKey, baseURL: opts.url, maxRetries: 0, timeout: 30_000 });
      let batch: OpenAI.Batches.Batch;
      try {
        const file = await openai.files.create({
          file: await OpenAI.toFile(inputFile(opts.requests, opts.endpoint), 'batch-to-cancel.jsonl'),
          purpose: 'batch',
        });
        batch = await openai.batches.create({
          input_file_id: file.id,
          endpoint: opts.endpoint,
          completion_window: '24h',
          metadata: { [PACE_METADATA_KEY]: String(opts.msPerRequest) },
        });
      } catch (err) {
        const reason = err instanceof Error ? err.message : String(err);
        throw new CliError(
          `cannot create a batch on ${opts.url}: ${reason} (is the simulator running? start it with \`npm run simulator\`, or pass --url and --api-key)`,
        );
      }
      if (opts.json) {
        printJson(batch);
        return;
      }
      const busy = formatDuration(opts.requests * opts.msPerRequest);
      print(batch.id);
      print(
        `${batch.status}, ${opts.requests} requests, one every ${formatDuration(opts.msPerRequest)}: in progress for about ${busy} after validation`,
      );
      print(`cancel it:  npm run cli -- cancel ${batch.id}`);
    });
}
