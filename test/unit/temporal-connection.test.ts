/**
 * The one connection path: flag > environment > temporal.toml profile > built-in default, and a
 * profile's values are never replaced by a default.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../src/worker/config';
import { describeTarget, resolveTemporalTarget, targetForConfig } from '../../src/worker/temporal-connection';

describe('resolveTemporalTarget', () => {
  let dir: string;
  let configFile: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-toml-'));
    configFile = path.join(dir, 'temporal.toml');
    fs.writeFileSync(
      configFile,
      [
        '[profile.default]',
        'address = "profile-host:7233"',
        'namespace = "profile-ns"',
        '',
        '[profile.cloud]',
        'address = "acct.tmprl.cloud:7233"',
        'namespace = "acct.ns"',
        'api_key = "profile-secret"',
        '',
      ].join('\n'),
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('uses the built-in defaults when nothing else is set', () => {
    const t = resolveTemporalTarget({}, { TEMPORAL_CONFIG_FILE: path.join(dir, 'absent.toml') });
    expect(t).toMatchObject({ address: 'localhost:7233', namespace: 'default' });
    expect(t.connectionOptions.address).toBe('localhost:7233');
  });

  it("keeps a profile's address and namespace (no default replaces them)", () => {
    const t = resolveTemporalTarget({}, { TEMPORAL_CONFIG_FILE: configFile });
    expect(t).toMatchObject({ address: 'profile-host:7233', namespace: 'profile-ns' });
    // The same through a config loaded from the environment (the worker's and the health check's path).
    const env = { TEMPORAL_CONFIG_FILE: configFile };
    expect(targetForConfig(loadConfig(env), {}, {})).toMatchObject({ namespace: 'profile-ns' });
  });

  it('lets the environment override the profile, and a flag override both', () => {
    const env = { TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_NAMESPACE: 'env-ns' };
    expect(resolveTemporalTarget({}, env)).toMatchObject({
      address: 'profile-host:7233',
      namespace: 'env-ns',
    });
    expect(resolveTemporalTarget({ namespace: 'flag-ns', address: 'flag:1' }, env)).toMatchObject({
      address: 'flag:1',
      namespace: 'flag-ns',
    });
  });

  it('selects a profile by --profile or TEMPORAL_PROFILE; an API key turns on TLS', () => {
    const byFlag = resolveTemporalTarget({ profile: 'cloud' }, { TEMPORAL_CONFIG_FILE: configFile });
    const byEnv = resolveTemporalTarget({}, { TEMPORAL_CONFIG_FILE: configFile, TEMPORAL_PROFILE: 'cloud' });
    for (const t of [byFlag, byEnv]) {
      expect(t).toMatchObject({ address: 'acct.tmprl.cloud:7233', namespace: 'acct.ns' });
      expect(t.connectionOptions).toMatchObject({ apiKey: 'profile-secret', tls: true });
      expect(describeTarget(t)).toBe('acct.tmprl.cloud:7233 (namespace acct.ns, TLS + API key)');
    }
  });

  it('reads TLS settings from TEMPORAL_TLS_* variables', () => {
    const ca = path.join(dir, 'ca.pem');
    fs.writeFileSync(ca, 'not really a certificate');
    const t = resolveTemporalTarget(
      {},
      {
        TEMPORAL_CONFIG_FILE: configFile,
        TEMPORAL_TLS_SERVER_CA_CERT_PATH: ca,
        TEMPORAL_TLS_SERVER_NAME: 'x',
      },
    );
    expect(t.connectionOptions.tls).toMatchObject({ serverNameOverride: 'x' });
  });

  it('names the missing profile in a ConfigError', () => {
    expect(() => resolveTemporalTarget({ profile: 'nope' }, { TEMPORAL_CONFIG_FILE: configFile })).toThrow(
      ConfigError,
    );
    expect(() => resolveTemporalTarget({ profile: 'nope' }, { TEMPORAL_CONFIG_FILE: configFile })).toThrow(
      /Profile 'nope' not found/,
    );
  });
});
