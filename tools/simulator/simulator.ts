/** `startSimulator`: wires the registries, the fault engine and the HTTP server into a BatchSimulator. */
import { type Batch } from '../../src/providers/openai/schemas';
import { type AzureMode } from './azure';
import { BatchRegistry } from './batches';
import { FaultEngine } from './faults';
import { FileRegistry } from './files';
import { measurePlan } from './file-stream';
import { createHandlers } from './handlers';
import { startServer } from './server';
import { WebhookSender } from './webhooks';
import {
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

/** Starts an OpenAI-compatible (or Azure OpenAI) Batch + Files API on a local port. Close it when done. */
export async function startSimulator(opts: SimulatorOptions = {}): Promise<BatchSimulator> {
  const azure = azureMode(opts);
  const seed = opts.seed ?? 1;
  const clock = opts.clock ?? Date.now;
  const apiKey = opts.apiKey ?? DEFAULT_API_KEY;
  const timing: SimulatorTiming = { ...DEFAULT_TIMING, ...opts.timing };
  const files = new FileRegistry(seed);
  const batches = new BatchRegistry(seed, clock, timing, files, azure !== null);
  const faults = new FaultEngine(seed, opts.faults);
  const webhooks = opts.webhooks ? new WebhookSender(opts.webhooks, seed, clock) : null;
  if (webhooks) batches.onRegister = (record) => webhooks.register(record);
  const host = opts.host ?? '127.0.0.1';
  const running = await startServer(
    { apiKey, seed, clock, faults, files, handlers: createHandlers(files, batches), azure },
    host,
    opts.port ?? 0,
  );
  const address = running.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (opts.port ?? 0);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const endpoint = `http://${urlHost}:${port}`;

  return {
    url: azure ? `${endpoint}/openai/v1` : `${endpoint}/v1`,
    endpoint,
    port,
    apiKey,
    close: async () => {
      await webhooks?.close();
      await running.close();
    },
    seedBatch: (spec: SeedBatchSpec): Batch => {
      if (!Number.isInteger(spec.requests) || spec.requests < 0) {
        throw new RangeError(`seedBatch: requests must be a non-negative integer, got ${spec.requests}`);
      }
      if (spec.id !== undefined && (typeof spec.id !== 'string' || spec.id.length === 0)) {
        throw new RangeError(`seedBatch: id must be a non-empty string, got ${JSON.stringify(spec.id)}`);
      }
      return batches.seedBatch(spec);
    },
    getBatch: (id: string): Batch | undefined => batches.find(id),
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
