/**
 * Does the namespace know the product's search attributes? A workflow that upserts an unregistered
 * one (or one registered with another type) fails every workflow task and hangs with no outcome,
 * and a start that sets one is refused; so the worker reads the namespace's attributes at start
 * and refuses a namespace that lacks any, saying how to add them. `openai-batch-cancel setup`
 * reads the same report.
 */
import {
  CLI_TYPE_NAMES,
  CUSTOM_SEARCH_ATTRIBUTES,
  indexedTypeName,
  type ProductSearchAttributeType,
} from '../contract/search-attributes';
import { BatchCancelError } from '../contract/errors';

/** The part of a Temporal connection's operator service these checks use (client or worker connection). */
export interface SearchAttributeOperator {
  listSearchAttributes(request: {
    namespace: string;
  }): Promise<{ customAttributes?: Record<string, unknown> | null }>;
}

/** One of the product's search attributes in a namespace. */
export interface SearchAttributeState {
  name: string;
  /** The type the product needs, as the CLI names it (`Keyword`, `Bool`, `Int`). */
  type: (typeof CLI_TYPE_NAMES)[ProductSearchAttributeType];
  /** `present` with that type, `missing`, or `mistyped` (registered with another type). */
  state: 'present' | 'missing' | 'mistyped';
  /** The type it is registered with, when mistyped. */
  registeredAs?: string;
}

/** Every attribute as missing: what to register where the namespace cannot be read. */
export function unknownStates(): SearchAttributeState[] {
  return CUSTOM_SEARCH_ATTRIBUTES.map((k) => ({
    name: k.name,
    type: CLI_TYPE_NAMES[k.type],
    state: 'missing',
  }));
}

/** Each of the product's search attributes as the namespace has it. */
export async function readSearchAttributes(
  operator: SearchAttributeOperator,
  namespace: string,
): Promise<SearchAttributeState[]> {
  const { customAttributes } = await operator.listSearchAttributes({ namespace });
  const registered = customAttributes ?? {};
  return CUSTOM_SEARCH_ATTRIBUTES.map((key): SearchAttributeState => {
    const type = CLI_TYPE_NAMES[key.type];
    if (!(key.name in registered)) return { name: key.name, type, state: 'missing' };
    const registeredAs = indexedTypeName(registered[key.name]);
    return registeredAs === type
      ? { name: key.name, type, state: 'present' }
      : { name: key.name, type, state: 'mistyped', registeredAs };
  });
}

/** Where the commands point: the namespace, and the address unless it is the CLI's default. */
export interface CommandTarget {
  namespace: string;
  address?: string;
}

/**
 * The commands that make the namespace right: the Temporal CLI (self-hosted and dev servers; a
 * mistyped attribute is removed first, which drops its values) and `tcld` (Temporal Cloud, which
 * cannot change a type: the wrong one is renamed out of the way).
 */
export function registerCommands(
  problems: readonly SearchAttributeState[],
  target: CommandTarget,
): { temporal: string[]; tcld: string[] } {
  const bad = problems.filter((p) => p.state !== 'present');
  const where = `${target.address ? ` --address ${target.address}` : ''} --namespace ${target.namespace}`;
  const temporal: string[] = [];
  const tcld: string[] = [];
  for (const p of bad.filter((b) => b.state === 'mistyped')) {
    temporal.push(`temporal operator search-attribute remove${where} --name ${p.name} --yes`);
    tcld.push(
      `tcld namespace search-attributes rename -n ${target.namespace} --existing-name ${p.name} --new-name ${p.name}Old`,
    );
  }
  const types = [...new Set(bad.map((p) => p.type))];
  for (const type of types) {
    const names = bad.filter((p) => p.type === type).map((p) => `--name ${p.name}`);
    temporal.push(`temporal operator search-attribute create${where} ${names.join(' ')} --type ${type}`);
  }
  if (bad.length > 0) {
    const pairs = bad.map((p) => `--sa "${p.name}=${p.type}"`).join(' ');
    tcld.push(`tcld namespace search-attributes add -n ${target.namespace} ${pairs}`);
  }
  return { temporal, tcld };
}

/** One line per attribute that is not right: `OpenAIBatchId (Keyword): missing`. */
export function describeProblems(states: readonly SearchAttributeState[]): string[] {
  return states
    .filter((s) => s.state !== 'present')
    .map((s) =>
      s.state === 'missing'
        ? `${s.name} (${s.type}): missing`
        : `${s.name} (${s.type}): registered as ${s.registeredAs}`,
    );
}

/** Thrown when the namespace lacks search attributes the workflows or the client set (or has another type). */
export class NamespaceNotReadyError extends BatchCancelError {
  readonly namespace: string;
  /** The attributes that are missing or mistyped. */
  readonly problems: readonly SearchAttributeState[];
  constructor(states: readonly SearchAttributeState[], target: CommandTarget) {
    const problems = states.filter((s) => s.state !== 'present');
    const { temporal, tcld } = registerCommands(problems, target);
    super(
      [
        `namespace ${target.namespace} is not set up for openai-batch-cancel: every cancellation would hang. Search attributes:`,
        ...describeProblems(problems).map((l) => `  ${l}`),
        'Add them with `openai-batch-cancel setup` (self-hosted or dev server), or:',
        ...temporal.map((c) => `  ${c}`),
        'On Temporal Cloud:',
        ...tcld.map((c) => `  ${c}`),
        'Or start the worker with --skip-namespace-check (WORKER_SKIP_NAMESPACE_CHECK=true) if you know better.',
      ].join('\n'),
    );
    this.name = 'NamespaceNotReadyError';
    this.namespace = target.namespace;
    this.problems = problems;
  }
}

/** gRPC PERMISSION_DENIED or UNIMPLEMENTED: this key may not list (or change) search attributes. */
export function isNotPermitted(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  if (code === 7 || code === 12) return true;
  return err instanceof Error && /PERMISSION_DENIED|UNIMPLEMENTED|permission denied/i.test(err.message);
}

/**
 * The worker's check at start: resolves when every attribute is there with its type; throws
 * {@link NamespaceNotReadyError} otherwise. Where listing is not permitted (a Temporal Cloud key
 * without that right) it warns once and resolves: the worker starts unchecked.
 */
export async function checkNamespace(
  operator: SearchAttributeOperator,
  target: CommandTarget,
  warn: (line: string) => void,
  /**
   * Attributes this worker never sets (the account attribute on a worker of the default account
   * alone): missing, they are a warning, so a setup from before they existed keeps starting.
   */
  optional: readonly string[] = [],
): Promise<'checked' | 'unchecked'> {
  let states: SearchAttributeState[];
  try {
    states = await readSearchAttributes(operator, target.namespace);
  } catch (err) {
    if (!isNotPermitted(err)) throw err;
    const reason = err instanceof Error ? err.message.split('\n')[0] : String(err);
    warn(
      `cannot list the search attributes of namespace ${target.namespace} (${reason}): starting unchecked; make sure ${CUSTOM_SEARCH_ATTRIBUTES.map((k) => k.name).join(', ')} are registered (see \`openai-batch-cancel setup --check\`)`,
    );
    return 'unchecked';
  }
  const unused = states.filter((s) => s.state === 'missing' && optional.includes(s.name));
  const required = states.filter((s) => !unused.includes(s));
  if (required.some((s) => s.state !== 'present')) throw new NamespaceNotReadyError(required, target);
  if (unused.length)
    warn(
      `namespace ${target.namespace} lacks ${unused.map((s) => `${s.name} (${s.type})`).join(', ')}, which this worker does not use; ` +
        'register it before serving other accounts (`openai-batch-cancel setup`)',
    );
  return 'checked';
}
