/**
 * Where batch APIs are registered: each provider folder exports one definition, listed in
 * BUILT_IN below; an embedding application (or a test) registers its own with `registerProvider`
 * the same way. The worker builds its provider from here by name (BATCH_PROVIDER), the client and
 * the CLI check batch ids with the definition's own rule.
 */
import { ConfigError } from '../contract/errors';
import { openaiDefinition } from './openai/definition';
import { azureOpenAIDefinition } from './azure-openai/definition';
import { anthropicDefinition } from './anthropic/definition';
import type { ProviderDefinition } from './types';

export type { ProviderDefinition } from './types';

/** The provider a worker, the client and the CLI use unless told otherwise. */
export const DEFAULT_PROVIDER = 'openai';

const BUILT_IN: readonly ProviderDefinition[] = [
  openaiDefinition,
  azureOpenAIDefinition,
  anthropicDefinition,
];

const registered = new Map<string, ProviderDefinition>(BUILT_IN.map((d) => [d.name, d]));

/** Registers a batch API; a name already taken is refused (a provider is never replaced unseen). */
export function registerProvider(definition: ProviderDefinition): void {
  const known = registered.get(definition.name);
  if (known === definition) return;
  if (known) throw new ConfigError([`provider ${definition.name}: already registered`]);
  registered.set(definition.name, definition);
}

/** The registered definition named `name`, or a ConfigError listing the registered ones. */
export function providerDefinition(name: string = DEFAULT_PROVIDER): ProviderDefinition {
  const definition = registered.get(name);
  if (!definition)
    throw new ConfigError([
      `BATCH_PROVIDER: unknown provider ${JSON.stringify(name)} (known: ${providerNames().join(', ')})`,
    ]);
  return definition;
}

/** The names of the registered providers, built-in first. */
export function providerNames(): string[] {
  return [...registered.keys()];
}
