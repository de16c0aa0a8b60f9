/**
 * Records a run's history as a replay fixture (RECORD_HISTORIES=1), only ever as a new file: a
 * fixture is never re-recorded or edited (the old code path it proves would no longer be proven).
 * A new file is added to the manifest of hashes (test/fixtures/replay.sha256) that the
 * fixture-integrity test checks; an existing one is kept, and the run says so.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { resolveTemporalCli } from '../../tools/devtools/temporal-tools';
import { addToManifest, COMPRESS_OVER_BYTES, fixturePath } from './fixture-manifest';

export async function recordHistory(
  env: TestWorkflowEnvironment,
  workflowId: string,
  name: string,
  runId?: string,
): Promise<void> {
  if (!process.env.RECORD_HISTORIES) return;
  const existing = [`${name}.json`, `${name}.json.gz`].find((f) => fs.existsSync(fixturePath(f)));
  if (existing) {
    console.log(
      `kept ${existing}: recorded fixtures are never re-recorded; record a changed path under a new name`,
    );
    return;
  }
  // The CLI writes the canonical proto3 JSON that historyFromJSON reads back.
  const json = execFileSync(
    resolveTemporalCli(),
    [
      ...['workflow', 'show', '--workflow-id', workflowId, ...(runId ? ['--run-id', runId] : [])],
      ...['--address', env.address, '--namespace', env.namespace ?? 'default', '--output', 'json'],
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const big = json.length > COMPRESS_OVER_BYTES;
  const file = big ? `${name}.json.gz` : `${name}.json`;
  // 'wx' fails if another test wrote it meanwhile: never an overwrite.
  fs.writeFileSync(fixturePath(file), big ? gzipSync(json, { level: 9 }) : json, { flag: 'wx' });
  addToManifest(file);
}
