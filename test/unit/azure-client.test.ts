/**
 * The Azure OpenAI client as the accounts build it, against the simulator's Azure mode: a key or
 * Entra ID tokens, the classic surface or v1, and none of the worker's own OPENAI_* or AZURE_*
 * variables leaking into another account's client.
 */
import { createAzureOpenAIClient } from '../../src/providers/azure-openai/client';
import { azureOpenAIProvider } from '../../src/providers/azure-openai/provider';
import { startSimulator, type BatchSimulator } from '../../tools/simulator';

describe('createAzureOpenAIClient', () => {
  let sim: BatchSimulator;
  const saved = { ...process.env };
  beforeAll(async () => {
    sim = await startSimulator({ azure: true, apiKey: 'az-unit-key' });
    // What a worker's environment holds for its default account: none of it may reach these clients.
    Object.assign(process.env, {
      OPENAI_BASE_URL: 'http://127.0.0.1:1/v1',
      OPENAI_ORG_ID: 'org_default',
      OPENAI_PROJECT_ID: 'proj_default',
      AZURE_OPENAI_API_KEY: 'az-other-key',
      OPENAI_API_VERSION: '1999-01-01',
    });
  });
  afterAll(async () => {
    process.env = saved;
    await sim?.close();
  });

  const cases = [
    { name: 'classic surface with the key', api: 'classic' as const, token: false },
    { name: 'classic surface with Entra ID tokens', api: 'classic' as const, token: true },
    { name: 'v1 surface with the key', api: 'v1' as const, token: false },
    { name: 'v1 surface with Entra ID tokens', api: 'v1' as const, token: true },
  ];
  it.each(cases)('reads, lists and cancels on the $name', async ({ api, token }) => {
    let tokens = 0;
    const provider = azureOpenAIProvider(
      createAzureOpenAIClient({
        endpoint: `${sim.endpoint}/`,
        api,
        apiVersion: '2024-10-21',
        credential: token
          ? {
              tokenProvider: () => {
                tokens++;
                return Promise.resolve(sim.apiKey);
              },
            }
          : { apiKey: sim.apiKey },
      }),
      'azure-east',
    );
    const batch = sim.seedBatch({ status: 'in_progress', requests: 4 });
    expect(await provider.retrieve(batch.id)).toMatchObject({
      id: batch.id,
      provider: 'azure-openai',
      account: 'azure-east',
    });
    const page = await provider.listPage({ limit: 1, after: null });
    expect(page.batches.map((b) => b.id)).toEqual([batch.id]);
    expect((await provider.cancel(batch.id))?.phase).toBe('cancelling');
    expect(tokens > 0).toBe(token);
  });

  it('refuses the classic surface without an api-version', () => {
    expect(() =>
      createAzureOpenAIClient({ endpoint: sim.endpoint, api: 'classic', credential: { apiKey: 'k' } }),
    ).toThrow(/api_version: required/);
  });
});
