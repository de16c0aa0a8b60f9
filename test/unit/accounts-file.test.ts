/** The accounts file: what it accepts, and how it refuses everything else (all problems at once). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseAccounts } from '../../src/providers/accounts/file';
import { AccountSet } from '../../src/providers/accounts/set';
import { ConfigError } from '../../src/contract/errors';
import { cancelWorkflowId, parseCancelWorkflowId } from '../../src/contract/constants';
import { providerOf } from '../../src/activities/deps';
import { CancelBatchInputSchema } from '../../src/contract/cancel-input';
import { FailureType } from '../../src/contract/failure-types';
import { LocalResultsStore } from '../../src/results/local-store';

const GOOD = `
[accounts.research]            # a second OpenAI project
provider = "openai"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY_RESEARCH"
organization = "org_123"
project = "proj_456"

[accounts.azure-east]
provider = "azure-openai"
endpoint = "https://my-resource.openai.azure.com"
api_version = "2024-10-21"
api_key_env = "AZURE_OPENAI_API_KEY"

[accounts.azure-v1]
provider = "azure-openai"
endpoint = "https://other.openai.azure.com"
api = "v1"
auth = "entra-id"
`;

function problemsOf(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('accounts file', () => {
  it('reads OpenAI projects and Azure resources (key, v1 + Entra ID), naming where each key is', () => {
    const specs = parseAccounts(GOOD, 'accounts.toml');
    expect(
      specs.map(({ name, provider, endpoint, credential, webhookSecretEnv }) => ({
        name,
        provider,
        endpoint,
        credential,
        webhookSecretEnv,
      })),
    ).toEqual([
      {
        name: 'research',
        provider: 'openai',
        endpoint: 'https://api.openai.com/v1',
        credential: '$OPENAI_API_KEY_RESEARCH',
        webhookSecretEnv: undefined,
      },
      {
        name: 'azure-east',
        provider: 'azure-openai',
        endpoint: 'https://my-resource.openai.azure.com/openai (api-version 2024-10-21)',
        credential: '$AZURE_OPENAI_API_KEY',
        webhookSecretEnv: undefined,
      },
      {
        name: 'azure-v1',
        provider: 'azure-openai',
        endpoint: 'https://other.openai.azure.com/openai/v1',
        credential: 'Entra ID (DefaultAzureCredential)',
        webhookSecretEnv: undefined,
      },
    ]);
  });

  it('refuses a literal key, bad fields and unknown providers, every problem at once, each naming account and field', () => {
    const problems = problemsOf(() =>
      parseAccounts(
        `
[accounts.leaky]
provider = "openai"
api_key = "sk-live-123"

[accounts.azure]
provider = "azure-openai"
endpoint = "not a url"
api_key_env = "AZURE_KEY"
webhook_secret_env = "AZURE_SECRET"

[accounts.nokey]
provider = "openai"

[accounts.other]
provider = "bedrock"
api_key_env = "K"

[accounts."bad name"]
provider = "openai"
api_key_env = "K"

[accounts.typo]
provider = "openai"
api_key_env = "K"
projcet = "proj_1"
`,
        'f.toml',
      ),
    );
    expect(problems).toEqual([
      expect.stringMatching(
        /^f\.toml: accounts\.leaky\.api_key: keys never stand in the accounts file.*api_key_env/,
      ),
      expect.stringMatching(/^f\.toml: accounts\.azure\.endpoint: must be the resource endpoint/),
      expect.stringMatching(/^f\.toml: accounts\.azure\.api_version: required on the classic surface/),
      'f.toml: accounts.azure.webhook_secret_env: Azure OpenAI sends no batch webhooks: remove it (the wait polls)',
      expect.stringMatching(/^f\.toml: accounts\.nokey\.api_key_env: required/),
      expect.stringMatching(
        /^f\.toml: accounts\.other\.provider: unknown provider "bedrock" \(one of openai, azure-openai/,
      ),
      expect.stringMatching(/^f\.toml: accounts\.bad name: the name must be/),
      "f.toml: accounts.typo.projcet: unknown field (see the README's Accounts section)",
    ]);
    // The key itself is never repeated.
    expect(problems.join('\n')).not.toContain('sk-live-123');
  });

  it('refuses a key pasted where a variable name or a file path belongs, without printing it', () => {
    const problems = problemsOf(() =>
      parseAccounts(
        `
[accounts.a]
provider = "openai"
api_key_env = "sk-proj-abc123"

[accounts.b]
provider = "azure-openai"
endpoint = "https://r.openai.azure.com"
api_version = "2024-10-21"
api_key_env = "0123456789abcdef0123456789abcdef"

[accounts.c]
provider = "openai"
api_key_file = "sk-proj-def456"
`,
        'k.toml',
      ),
    );
    expect(problems).toEqual([
      'k.toml: accounts.a.api_key_env: must be the name of an environment variable in upper case, e.g. OPENAI_API_KEY_RESEARCH',
      'k.toml: accounts.b.api_key_env: must be the name of an environment variable in upper case, e.g. OPENAI_API_KEY_RESEARCH',
      'k.toml: accounts.c.api_key_file: must be a path to the file holding the key (absolute, or ./relative)',
    ]);
  });

  it('names the line of a TOML syntax error', () => {
    expect(problemsOf(() => parseAccounts('[accounts.a\nprovider = 1', 'x.toml'))).toEqual([
      expect.stringMatching(/^x\.toml: not valid TOML at line 1/),
    ]);
  });

  it('refuses to connect when a key variable is unset or a key file is missing, naming each', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'accounts-'));
    const file = path.join(dir, 'accounts.toml');
    fs.writeFileSync(
      file,
      `${GOOD}\n[accounts.filed]\nprovider = "openai"\napi_key_file = "${path.join(dir, 'missing')}"\n`,
    );
    const set = AccountSet.load(file);
    const problems = problemsOf(() =>
      set.connect({ AZURE_OPENAI_API_KEY: 'az-key' }, () => {
        throw new ConfigError(['OPENAI_API_KEY: required']);
      }),
    );
    expect(problems).toEqual([
      `${file}: accounts.research.api_key_env: OPENAI_API_KEY_RESEARCH is not set (the key of this account belongs there)`,
      `${file}: accounts.filed.api_key_file: cannot read ${path.join(dir, 'missing')} (ENOENT)`,
    ]);
    fs.writeFileSync(path.join(dir, 'missing'), 'sk-from-file\n');
    const connected = set.connect({ AZURE_OPENAI_API_KEY: 'az-key', OPENAI_API_KEY_RESEARCH: 'sk-r' }, () => {
      throw new ConfigError(['OPENAI_API_KEY: required']);
    });
    // Named accounts alone need no OPENAI_API_KEY: the worker serves them without a default.
    expect(connected.provider).toBeUndefined();
    expect(Object.keys(connected.accounts)).toEqual(['research', 'azure-east', 'azure-v1', 'filed']);
    expect(connected.accounts['azure-east']?.name).toBe('azure-openai');
    // Without a file, a missing default key still refuses the start.
    expect(() =>
      AccountSet.load(undefined).connect({}, () => {
        throw new ConfigError(['OPENAI_API_KEY: required']);
      }),
    ).toThrow('OPENAI_API_KEY: required');
  });
});

describe('an account per cancellation', () => {
  it('names its workflow id (the default unchanged) and parses it back', () => {
    expect(cancelWorkflowId('batch_1')).toBe('cancel-batch:batch_1');
    expect(cancelWorkflowId('batch_1', 'default')).toBe('cancel-batch:batch_1');
    expect(cancelWorkflowId('batch_1', 'azure-east')).toBe('cancel-batch:azure-east:batch_1');
    expect(parseCancelWorkflowId('cancel-batch:azure-east:batch_1')).toEqual({
      account: 'azure-east',
      batchId: 'batch_1',
    });
    expect(parseCancelWorkflowId('cancel-batch:batch_1')).toEqual({ account: 'default', batchId: 'batch_1' });
    expect(parseCancelWorkflowId('cleanup:x')).toBeUndefined();
  });

  it('defaults to the default account and refuses a name that could not be a path segment', () => {
    expect(CancelBatchInputSchema.parse({ batchId: 'batch_1' }).account).toBe('default');
    expect(CancelBatchInputSchema.safeParse({ batchId: 'batch_1', account: '../x' }).success).toBe(false);
    // A name in a batch id's form would share the store's root with that batch's directory.
    expect(CancelBatchInputSchema.safeParse({ batchId: 'batch_1', account: 'batch_2' }).success).toBe(false);
  });

  it('keeps results of another account under <root>/<account>/', () => {
    const store = new LocalResultsStore('/tmp/r');
    expect(store.forAccount('default').batchDir('batch_1')).toBe('/tmp/r/batch_1');
    expect(store.forAccount('research').batchDir('batch_1')).toBe('/tmp/r/research/batch_1');
  });

  it('fails an unknown account non-retryably, naming it and the configured ones', () => {
    const provider = parseAccounts(GOOD, 'a.toml')[0]!.connect({ OPENAI_API_KEY_RESEARCH: 'k' });
    let failure: unknown;
    try {
      providerOf({ provider, accounts: { research: provider } }, 'nope', true);
    } catch (err) {
      failure = err;
    }
    expect(failure).toMatchObject({
      type: FailureType.UnknownAccount,
      nonRetryable: true,
      message: expect.stringContaining(
        'account "nope" is not configured on this worker (configured: default, research)',
      ),
    });
  });
});
