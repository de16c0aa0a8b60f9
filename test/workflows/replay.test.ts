/**
 * Replays histories recorded from real runs (test/helpers/record-history.ts, RECORD_HISTORIES=1)
 * against today's workflow code: a change that breaks determinism fails here, before it can break
 * cancellations already running in production.
 */
import { historyFromJSON } from '@temporalio/common/lib/proto-utils';
import { Worker } from '@temporalio/worker';
import { fixtureFiles, readFixture } from '../helpers/fixture-manifest';
import { installQuietRuntime } from '../helpers/quiet-logger';

describe('workflow determinism', () => {
  beforeAll(installQuietRuntime);
  const files = fixtureFiles();

  it('has recorded histories to replay', () => {
    expect(files.length).toBeGreaterThanOrEqual(3);
  });

  it('replays every recorded history without a nondeterminism error', async () => {
    const histories = files.map((f) => ({
      workflowId: f.replace(/\.json(\.gz)?$/, ''),
      history: historyFromJSON(JSON.parse(readFixture(f))),
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
