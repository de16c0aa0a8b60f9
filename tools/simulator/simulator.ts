/** `startSimulator`: wires the registries, the fault engine and the HTTP server into a BatchSimulator. */
import { type Batch } from '../../src/providers/openai/schemas';
import { createAnthropicHandlers, MessageBatchRegistry } from './anthropic';
import { type AzureMode } from './azure';
import { BatchRegistry } from './batches';
import { FaultEngine } from './faults';
import { FileRegistry } from './files';
import { measurePlan } from './file-stream';
import { createHandlers } from './handlers';
import { startServer } from './server';
import { WebhookSender } from './webhooks';
import {
  type AnthropicMessageBatch,
  type BatchSimulator,
  type ExpectedFile,
  type FaultPlan,
  type RouteName,
  type ScriptedFault,
  type SeedBatchSpec,
  type SimulatorOptions,
  type SimulatorStats,
  type SimulatorTiming,
} from './types';

export const DEFAULT_TIMING: SimulatorTiming = {
  validatingMs: 1000,
  perRequestMs: 50,
  finalizingMs: 1000,
  cancelDelayMs: 600_000,
  completionWindowMs: 24 * 60 * 60 * 1000,
};

export const DEFAULT_API_KEY = 'sk-simulator';

/**
 * How long cancelling takes in the simulator the command line runs (`simulator`, `dev`, the demo):
 * long enough to watch a batch in `cancelling`, short enough to wait for. The library's default
 * stays the real API's ten minutes.
 */
export const LOCAL_CANCEL_DELAY_MS = 20_000;

function azureMode(opts: SimulatorOptions): AzureMode | null {
  if (!opts.azure) return null;
  if (opts.webhooks) {
    throw new Error(
      'startSimulator: `webhooks` and `azure` do not mix (Azure OpenAI sends no batch webhooks)',
    );
  }
  const apiVersions = opts.azure === true ? undefined : opts.azure.apiVersions;
  if (apiVersions?.length === 0) {
    throw new Error('startSimulator: `azure.apiVersions` is empty, so no classic-surface call could succeed');
  }
  return { apiVersions: apiVersions ? [...apiVersions] : null };
}

function anthropicMode(opts: SimulatorOptions): boolean {
  if (!opts.anthropic) return false;
  if (opts.azure) {
    throw new Error(
      'startSimulator: `anthropic` and `azure` do not mix (one simulator speaks one provider: start two)',
    );
  }
  if (opts.webhooks) {
    throw new Error(
      'startSimulator: `webhooks` and `anthropic` do not mix (the Message Batches API sends no webhooks)',
    );
  }
  return true;
}

/**
 * Starts an OpenAI-compatible (or Azure OpenAI, or Anthropic Message Batches) batch API on a local
 * port. Close it when done.
 */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<BatchSimulator> {
  const anthropic = anthropicMode(opts);
  const azure = azureMode(opts);
  const seed = opts.seed ?? 1;
  const clock = opts.clock ?? Date.now;
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const timing: SimulatorTiming = { ...DEFAULT_TIMING, ...opts.timing };
  const files = new FileRegistry(seed);
  const batches = new BatchRegistry(seed, clock, timing, files, azure !== null);
  const faults = new FaultEngine(seed, opts.faults, anthropic);
  const messageBatches = anthropic ? new MessageBatchRegistry(seed, clock, timing) : null;
  const webhooks = opts.webhooks ? new WebhookSender(opts.webhooks, seed, clock) : null;
  if (webhooks) batches.onRegister = (record) => webhooks.register(record);
  const host = opts.host ?? '127.0.0.1';
  const running = await startServer(
    {
      apiKey,
      seed,
      clock,
      faults,
      files,
      handlers: messageBatches ? createAnthropicHandlers(messageBatches) : createHandlers(files, batches),
      azure,
      anthropic,
    },
    host,
    opts.port ?? 0,
  );
  const address = running.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${urlHost}:${port}`;
  if (messageBatches) messageBatches.origin = endpoint;
  const needAnthropic = (what: string): MessageBatchRegistry => {
    if (!messageBatches) throw new Error(`${what}: start the simulator with \`anthropic: true\``);
    return messageBatches;
  };
  const checkSpec = (what: string, spec: SeedBatchSpec): void => {
    if (!Number.isInteger(spec.requests) || spec.requests < 0) {
      throw new RangeError(`${what}: requests must be a non-negative integer, got ${spec.requests}`);
    }
    if (spec.id !== undefined && (typeof spec.id !== 'string' || spec.id.length === 0)) {
      throw new RangeError(`${what}: id must be a non-empty string, got ${JSON.stringify(spec.id)}`);
    }
  };

  return {
    url: anthropic ? endpoint : azure ? `${endpoint}/openai/v1` : `${endpoint}/v1`,
    endpoint,
    port,
    apiKey,
    close: async () => {
      await webhooks?.close();
      await running.close();
    },
    seedBatch: (spec: SeedBatchSpec): Batch => {
      if (messageBatches) throw new Error('seedBatch: in Anthropic mode, use seedMessageBatch');
      checkSpec('seedBatch', spec);
      const { status } = spec;
      if (status === 'canceling' || status === 'ended') {
        throw new RangeError(`seedBatch: '${status}' is an Anthropic status; use seedMessageBatch`);
      }
      return batches.seedBatch({ ...spec, status });
    },
    getBatch: (id: string): Batch | undefined => batches.find(id),
    seedMessageBatch: (spec: SeedBatchSpec): AnthropicMessageBatch => {
      const registry = needAnthropic('seedMessageBatch');
      checkSpec('seedMessageBatch', spec);
      if (spec.requests === 0)
        throw new RangeError('seedMessageBatch: a Message Batch has at least 1 request');
      return registry.seedBatch(spec);
    },
    getMessageBatch: (id: string): AnthropicMessageBatch | undefined =>
      needAnthropic('getMessageBatch').find(id),
    setFaults: (plan: FaultPlan): void => faults.setPlan(plan),
    injectFault: (route: RouteName, fault: ScriptedFault, times?: number): void =>
      faults.inject(route, fault, times),
    stats: (): SimulatorStats => faults.stats(),
    sendWebhook: (event) => {
      if (!webhooks) throw new Error('sendWebhook: start the simulator with `webhooks` (url and secret)');
      return webhooks.send(event);
    },
    setWebhookFaults: (plan) => {
      if (!webhooks)
        throw new Error('setWebhookFaults: start the simulator with `webhooks` (url and secret)');
      webhooks.setFaults(plan);
    },
    webhookStats: () => webhooks?.stats() ?? { transitions: 0, dropped: 0, events: [], deliveries: [] },
    expectedFile: async (id: string): Promise<ExpectedFile> => {
      const entry = files.get(id);
      return measurePlan(entry.plan(), { rate: faults.malformedLineRate, seed, fileKey: entry.key });
    },
  };
}
