/**
 * Replays histories recorded from real runs (test/helpers/record-history.ts, RECORD_HISTORIES=1)
 * against today's workflow code: a change that breaks determinism fails here, before it can break
 * cancellations already running in production.
 */
import fs from 'node:fs';
import path from 'node:path';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { installQuietRuntime } from '../helpers/quiet-logger';

const HISTORY_DIR = path.join(__dirname, '..', 'fixtures', 'histories');

describe('workflow determinism', () => {
  beforeAll(installQuietRuntime);
  const files = fs.existsSync(HISTORY_DIR)
    ? fs.readdirSync(HISTORY_DIR).filter((f) => f.endsWith('.json'))
    : [];

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((f) => ({
      workflowId: path.basename(f, '.json'),
      history: historyFromJSON(JSON.parse(fs.readFileSync(path.join(HISTORY_DIR, f), 'utf8'))),
    }));
    const results = Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../src/workflows') },
      histories,
    );
    const outcomes: { id: string; error?: unknown }[] = [];
    for await (const r of results) outcomes.push({ id: r.workflowId, error: r.error });
    expect(outcomes.map((o) => o.id).sort()).toEqual(histories.map((h) => h.workflowId).sort());
    expect(outcomes.filter((o) => o.error)).toEqual([]);
  });
});
