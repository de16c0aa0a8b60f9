/**
 * There is no Docker engine here: these tests read the deployment files and check they agree with
 * the code (service graph, env names, search attributes), and that the production bundle builds.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigSchema } from '../../src/worker/config';
import { buildProgram } from '../../src/cli/main';
import { registerCommands, unknownStates } from '../../src/client/namespace-check';
import { S3EnvSchema } from '../../src/results/s3/client';
import { parseResultsUrl } from '../../src/results/s3/location';
import { CUSTOM_SEARCH_ATTRIBUTES } from '../../src/contract/search-attributes';
import { buildWorkflowBundle } from '../../src/worker/build-bundle';

const root = path.join(__dirname, '..', '..');
const read = (f: string) => fs.readFileSync(path.join(root, f), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
}

describe('docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
  const services = compose.services;

  it('has every service the worker needs, started in order', () => {
    expect(Object.keys(services)).toEqual(
      expect.arrayContaining([
        'postgresql',
        'temporal-schema',
        'temporal',
        'temporal-init',
        'temporal-setup',
        'temporal-ui',
        'worker',
      ]),
    );
    expect(services.temporal!.image).toMatch(/^temporalio\/server:/);
    expect(services['temporal-schema']!.image).toMatch(/^temporalio\/admin-tools:/);
    expect(services.temporal!.depends_on!['temporal-schema']!.condition).toBe(
      'service_completed_successfully',
    );
    expect(services['temporal-setup']!.depends_on!['temporal-init']!.condition).toBe(
      'service_completed_successfully',
    );
    expect(services.worker!.depends_on!['temporal-setup']!.condition).toBe('service_completed_successfully');
    expect(services.worker!.build).toBeDefined();
  });

  it('gives the worker only environment variables that config.ts knows', () => {
    const known = Object.keys(ConfigSchema.shape);
    const names = Object.keys(services.worker!.environment ?? {});
    expect(names.length).toBeGreaterThan(3);
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
    expect(names).toEqual(expect.arrayContaining(['OPENAI_API_KEY', 'TEMPORAL_ADDRESS', 'RESULTS_DIR']));
  });

  it('offers S3 results for a fleet (profile s3): the server, the bucket, and workers that write there', () => {
    const s3Services = ['s3', 's3-init', 'worker-s3'];
    for (const name of s3Services)
      expect((services[name] as Service & { profiles?: string[] }).profiles).toEqual(['s3']);
    // No AGPL server: s3proxy is Apache-2.0.
    expect(services.s3!.image).toMatch(/^andrewgaul\/s3proxy:/);
    const worker = services['worker-s3']!;
    expect(worker.build).toEqual(services.worker!.build);
    expect(worker.depends_on!['s3-init']!.condition).toBe('service_completed_successfully');
    expect(worker.depends_on!['temporal-setup']!.condition).toBe('service_completed_successfully');
    const env = worker.environment ?? {};
    const known = [...Object.keys(ConfigSchema.shape), ...Object.keys(S3EnvSchema.shape)];
    expect(Object.keys(env).filter((n) => !known.includes(n))).toEqual([]);
    const where = parseResultsUrl(env.RESULTS_URL ?? '');
    expect(where).toMatchObject({ kind: 's3', bucket: 'openai-batch-cancel' });
    // The init job creates exactly the bucket the workers write to.
    const init = (services['s3-init'] as Service & { entrypoint?: string[] }).entrypoint?.join(' ') ?? '';
    expect(init).toContain(`--bucket ${where.kind === 's3' ? where.bucket : ''}`);
    expect(env.AWS_ENDPOINT_URL_S3).toBe('http://s3:80');
    expect(env.S3_FORCE_PATH_STYLE).toBe('true');
  });

  it('runs the webhook receiver from the same image, with only variables config.ts knows', () => {
    const webhooks = services.webhooks as Service & { command?: string[]; profiles?: string[] };
    expect(webhooks.build).toEqual(services.worker!.build);
    expect(webhooks.command).toEqual(expect.arrayContaining(['lib/cli/main.js', 'webhooks']));
    // The receiver listens on loopback by default; in its container it must be reached from outside.
    const host = webhooks.command?.indexOf('--host') ?? -1;
    expect(webhooks.command?.[host + 1]).toBe('0.0.0.0');
    const known = Object.keys(ConfigSchema.shape);
    const names = Object.keys(webhooks.environment ?? {});
    expect(names).toContain('OPENAI_WEBHOOK_SECRET');
    expect(names.filter((n) => !known.includes(n))).toEqual([]);
    // It needs no OpenAI API key: it only verifies events and signals workflows.
    expect(names).not.toContain('OPENAI_API_KEY');
  });

  it("registers the search attributes with the product's own `setup` (the code's list), before any worker or receiver", () => {
    const setup = services['temporal-setup'] as Service & { command?: string[] };
    expect(setup.build).toEqual(services.worker!.build);
    expect(setup.command).toEqual(['node', 'lib/cli/main.js', 'setup']);
    expect(buildProgram().commands.map((c) => c.name())).toContain('setup');
    // Same namespace and server as the worker's, and only variables config.ts knows.
    for (const name of ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE'])
      expect(setup.environment?.[name]).toBe(services.worker!.environment?.[name]);
    const known = Object.keys(ConfigSchema.shape);
    expect(Object.keys(setup.environment ?? {}).filter((n) => !known.includes(n))).toEqual([]);
    const webhooks = services.webhooks!;
    expect(webhooks.depends_on!['temporal-setup']!.condition).toBe('service_completed_successfully');
    // No second, hand-kept list that could drift from the code's.
    const script = read('deploy/temporal/init-namespace.sh');
    for (const key of CUSTOM_SEARCH_ATTRIBUTES) expect(script).not.toContain(key.name);
    for (const mount of [
      ...(services['temporal-init']!.volumes ?? []),
      ...(services['temporal-schema']!.volumes ?? []),
    ]) {
      expect(fs.existsSync(path.join(root, mount.split(':')[0]!))).toBe(true);
    }
  });
});

describe('README', () => {
  it("gives the Cloud command for the code's list of search attributes, each with its type", () => {
    const readme = read('README.md').replace(/\s*\\\n\s*/g, ' ');
    const { tcld } = registerCommands(unknownStates(), { namespace: 'my-ns.a1b2c' });
    expect(tcld).toHaveLength(1);
    expect(readme).toContain(tcld[0]);
    for (const key of CUSTOM_SEARCH_ATTRIBUTES) expect(readme).toContain(`\`${key.name}\``);
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');

  it('is multi-stage, runs as a non-root user, with a healthcheck and a prebuilt bundle', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/^USER node$/m);
    expect(dockerfile).toMatch(/^HEALTHCHECK /m);
    expect(dockerfile).toMatch(/build-bundle\.js/);
    for (const f of ['src/worker/build-bundle.ts', 'src/worker/health.ts', 'src/worker.ts'])
      expect(fs.existsSync(path.join(root, f))).toBe(true);
  });

  it('builds the workflow bundle the image ships', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'obc-bundle-')), 'workflow-bundle.js');
    await buildWorkflowBundle(out);
    const code = fs.readFileSync(out, 'utf8');
    expect(code).toContain('cancelBatchWorkflow');
    expect(code.length).toBeGreaterThan(10_000);
  });
});
