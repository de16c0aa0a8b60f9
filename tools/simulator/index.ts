/**
 * OpenAI-compatible Batch + Files API simulator (also Azure OpenAI's, and Anthropic's Message
 * Batches API) with fault injection, for tests, demos and benchmarks.
 */
export { startSimulator, DEFAULT_TIMING, DEFAULT_API_KEY, LOCAL_CANCEL_DELAY_MS } from './simulator';
export { PACE_METADATA_KEY } from './params';
export { InvalidFaultError } from './faults';
export { ANTHROPIC_VERSIONS, ARCHIVE_AFTER_MS } from './anthropic';
export {
  ROUTE_NAMES,
  FAULT_KINDS,
  type AnthropicMessageBatch,
  type AnthropicProcessingStatus,
  type AzureOptions,
  type BatchSimulator,
  type ExpectedFile,
  type FaultKind,
  type FaultPlan,
  type RouteFaults,
  type RouteName,
  type ScriptedFault,
  type SeedBatchSpec,
  type SimulatorOptions,
  type SimulatorStats,
  type SimulatorTiming,
} from './types';
export { signWebhook, webhookHeaders, newWebhookSecret } from './webhook-signing';
export type {
  ManualWebhook,
  WebhookDelivery,
  WebhookEventType,
  WebhookFaults,
  WebhookOptions,
  WebhookSenderStats,
} from './webhooks';
