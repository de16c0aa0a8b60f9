/** One account of an accounts file, as its provider read it: what ops see, and how to connect. */
import type { BatchProvider } from '../types';

export type Env = Readonly<Record<string, string | undefined>>;

export interface AccountSpec {
  /** The account's name (its table's key). */
  readonly name: string;
  /** The registered provider serving it (`openai`, `azure-openai`). */
  readonly provider: string;
  /** Where its API is, e.g. `https://api.openai.com/v1`. */
  readonly endpoint: string;
  /** Where its credential comes from (a variable's name, a file, Entra ID): never the key. */
  readonly credential: string;
  /** The variable holding its webhook signing secret, if it has one. */
  readonly webhookSecretEnv: string | undefined;
  /** Reads the key and builds the provider; throws a message naming the field when the key is missing. */
  connect(env: Env): BatchProvider;
}
