/**
 * `openai-batch-cancel setup`: registers the product's search attributes on a self-hosted or dev
 * server, idempotently (only the missing ones are added). A mistyped attribute is never changed
 * here: removing it drops its values, so that is left to a person, with the commands to do it.
 */
import {
  readSearchAttributes,
  type SearchAttributeOperator,
  type SearchAttributeState,
} from './namespace-check';
import { CUSTOM_SEARCH_ATTRIBUTES, INDEXED_VALUE_TYPES } from '../contract/search-attributes';

/** gRPC ALREADY_EXISTS. */
const ALREADY_EXISTS = 6;

/** The operator calls `setup` makes. */
export interface SearchAttributeRegistrar extends SearchAttributeOperator {
  addSearchAttributes(request: {
    namespace: string;
    searchAttributes: Record<string, number>;
  }): Promise<unknown>;
}

export interface SetupReport {
  namespace: string;
  /** Registered by this run. */
  added: string[];
  /** Already there with the right type. */
  present: string[];
  /** Missing and not added (`--check`). */
  missing: string[];
  /** Registered with another type: not changed. */
  mistyped: SearchAttributeState[];
  /** Every attribute as the namespace has it now. */
  attributes: SearchAttributeState[];
}

/** Reads the namespace's attributes and (unless `checkOnly`) adds the missing ones. */
export async function setupSearchAttributes(
  operator: SearchAttributeRegistrar,
  namespace: string,
  opts: { checkOnly?: boolean } = {},
): Promise<SetupReport> {
  const before = await readSearchAttributes(operator, namespace);
  const missing = before.filter((s) => s.state === 'missing').map((s) => s.name);
  const mistyped = before.filter((s) => s.state === 'mistyped');
  const present = before.filter((s) => s.state === 'present').map((s) => s.name);
  if (opts.checkOnly || missing.length === 0) {
    return { namespace, added: [], present, missing, mistyped, attributes: before };
  }
  const types = new Map<string, number>(
    CUSTOM_SEARCH_ATTRIBUTES.map((k) => [k.name, INDEXED_VALUE_TYPES[k.type]]),
  );
  try {
    await operator.addSearchAttributes({
      namespace,
      searchAttributes: Object.fromEntries(missing.map((name) => [name, types.get(name)!])),
    });
  } catch (err) {
    // Another setup (a second compose job, a colleague) added them first: the read below says so.
    if ((err as { code?: unknown }).code !== ALREADY_EXISTS) throw err;
  }
  const after = await readSearchAttributes(operator, namespace);
  const nowMissing = after.filter((s) => s.state === 'missing').map((s) => s.name);
  return {
    namespace,
    added: missing.filter((n) => !nowMissing.includes(n)),
    present,
    missing: nowMissing,
    mistyped: after.filter((s) => s.state === 'mistyped'),
    attributes: after,
  };
}
