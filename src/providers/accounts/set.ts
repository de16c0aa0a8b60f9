/**
 * A worker's accounts: the default (what the environment configures, as before accounts) and
 * those of its accounts file. Connecting builds every account's provider, or refuses with one
 * ConfigError naming each account whose key is missing: nothing starts half-way.
 */
import { DEFAULT_ACCOUNT } from '../../contract/account';
import { ConfigError } from '../../contract/errors';
import type { BatchProvider } from '../types';
import { loadAccountsFile } from './file';
import type { AccountSpec, Env } from './spec';

/** The providers of a worker's accounts: what `createActivities` takes. */
export interface ConnectedAccounts {
  /** The default account's provider; absent when the worker serves only named accounts. */
  provider?: BatchProvider;
  accounts: Record<string, BatchProvider>;
}

export class AccountSet {
  private constructor(
    /** The accounts of the file, in its order. */
    readonly specs: readonly AccountSpec[],
    /** Where they were read from, for messages. */
    readonly source: string | undefined,
  ) {}

  /** The accounts of the file at `path`, or none without one. */
  static load(path: string | undefined): AccountSet {
    return new AccountSet(path ? loadAccountsFile(path) : [], path);
  }

  static of(specs: readonly AccountSpec[], source?: string): AccountSet {
    return new AccountSet(specs, source);
  }

  /** The file's account named `name`. */
  get(name: string): AccountSpec | undefined {
    return this.specs.find((s) => s.name === name);
  }

  /** True when the file configures the default account itself (instead of the environment). */
  get definesDefault(): boolean {
    return this.get(DEFAULT_ACCOUNT) !== undefined;
  }

  /** The account names a worker with this file serves: the default first, when it has one. */
  names(withDefault: boolean): string[] {
    const named = this.specs.map((s) => s.name).filter((n) => n !== DEFAULT_ACCOUNT);
    return withDefault || this.definesDefault ? [DEFAULT_ACCOUNT, ...named] : named;
  }

  /** The provider of the file's account `name` alone (only its key is read). */
  connectOne(name: string, env: Env): BatchProvider {
    const spec = this.get(name);
    if (!spec)
      throw new ConfigError([
        `${this.source ?? 'accounts'}: no account ${JSON.stringify(name)} (has: ${this.specs.map((s) => s.name).join(', ') || 'none'})`,
      ]);
    try {
      return spec.connect(env);
    } catch (err) {
      throw new ConfigError([`${this.source ?? 'accounts'}: accounts.${name}.${messageOf(err)}`]);
    }
  }

  /**
   * Every account's provider. `defaultFromEnv` builds the default from the environment, unless
   * the file defines it; it may fail (no OPENAI_API_KEY) only when the file has other accounts,
   * and then the worker serves those alone.
   */
  connect(env: Env, defaultFromEnv: () => BatchProvider): ConnectedAccounts {
    const problems: string[] = [];
    const accounts: Record<string, BatchProvider> = {};
    let provider: BatchProvider | undefined;
    for (const spec of this.specs) {
      try {
        const built = spec.connect(env);
        if (spec.name === DEFAULT_ACCOUNT) provider = built;
        else accounts[spec.name] = built;
      } catch (err) {
        problems.push(`${this.source ?? 'accounts'}: accounts.${spec.name}.${messageOf(err)}`);
      }
    }
    if (problems.length) throw new ConfigError(problems);
    if (!provider) {
      try {
        provider = defaultFromEnv();
      } catch (err) {
        // A worker of named accounts alone needs no OPENAI_API_KEY; a worker of none does.
        if (!(err instanceof ConfigError) || this.specs.length === 0) throw err;
      }
    }
    return provider ? { provider, accounts } : { accounts };
  }
}

function messageOf(err: unknown): string {
  if (err instanceof ConfigError) return err.problems.join('; ');
  return err instanceof Error ? err.message : String(err);
}
