/** The worker's message without OPENAI_API_KEY says what is missing, given where it already points. */
import { ConfigError, loadConfig, requireApiKey } from '../../src/worker/config';

function problem(env: NodeJS.ProcessEnv): string {
  try {
    requireApiKey(loadConfig(env));
  } catch (err) {
    if (err instanceof ConfigError) return err.message;
    throw err;
  }
  throw new Error('no ConfigError');
}

describe('requireApiKey', () => {
  it('without a base URL: set the key, or point OPENAI_BASE_URL at the simulator', () => {
    expect(problem({})).toBe(
      'invalid configuration: OPENAI_API_KEY: required to talk to OpenAI (set it, or point OPENAI_BASE_URL at the simulator with its key)',
    );
  });

  it('with OPENAI_BASE_URL already set: only the key of that API is missing', () => {
    expect(problem({ OPENAI_BASE_URL: 'http://127.0.0.1:8787/v1' })).toBe(
      'invalid configuration: OPENAI_API_KEY: required: the key of the API at http://127.0.0.1:8787/v1 (the simulator prints its own, sk-simulator unless started with --api-key)',
    );
  });

  it('returns the key when set', () => {
    expect(requireApiKey(loadConfig({ OPENAI_API_KEY: 'sk-x' }))).toBe('sk-x');
  });
});
