/**
 * The base of every error this package throws in process: `err instanceof BatchCancelError` tells
 * the product's errors from others (a workflow's own failures are `ApplicationFailure`s whose
 * `type` is a `FailureType`, and are not these). `name` is the subclass's own name.
 */
export class BatchCancelError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Thrown when the environment (or a provider's settings) is invalid; the message names each bad variable. */
export class ConfigError extends BatchCancelError {
  constructor(readonly problems: string[]) {
    super(`invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigError';
  }
}
