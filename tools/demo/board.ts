/**
 * Live progress of several cancellations: one line each, redrawn in place on a TTY, printed when it
 * changes otherwise. Returns once every cancellation has finished or `stop` resolves.
 */
import type { Client } from '@temporalio/client';
import { progressLine } from '../../src/cli/format';
import { isFinished, readProgress, type ProgressView } from '../../src/cli/read-progress';

export interface BoardRow {
  batchId: string;
  label: string;
  /** The batch's account; absent for the default. */
  account?: string;
}

/** A row's key: the same batch id in two accounts is two rows. */
export function rowKey(r: { batchId: string; account?: string | undefined }): string {
  return `${r.account ?? 'default'}:${r.batchId}`;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function fingerprint(v: ProgressView): string {
  const p = v.progress;
  return JSON.stringify([p?.phase, p?.batch?.status, p?.batch?.requestCounts, v.failure]);
}

export async function showProgress(
  client: Client,
  rows: BoardRow[],
  opts: { tty: boolean; intervalMs?: number; stopped: () => boolean; write?: (s: string) => void },
): Promise<Map<string, ProgressView>> {
  const write = opts.write ?? ((s: string) => process.stdout.write(s));
  const width = Math.max(...rows.map((r) => r.label.length));
  const views = new Map<string, ProgressView>();
  const printed = new Map<string, string>();
  let drawn = 0;
  for (;;) {
    await Promise.all(
      rows.map(async (r) => {
        try {
          views.set(rowKey(r), await readProgress(client, r));
        } catch {
          // Not visible yet, or a transient error: keep the last view and try again.
        }
      }),
    );
    const lines = rows.map((r) => {
      const v = views.get(rowKey(r));
      return `${r.label.padEnd(width)}  ${v ? progressLine(v) : `${r.batchId}  starting...`}`;
    });
    if (opts.tty) {
      write(`${drawn ? `\x1b[${drawn}A` : ''}${lines.map((l) => `\r${l}\x1b[K`).join('\n')}\n`);
      drawn = lines.length;
    } else {
      rows.forEach((r, i) => {
        const v = views.get(rowKey(r));
        const key = v ? fingerprint(v) : '';
        if (v && printed.get(rowKey(r)) !== key) {
          printed.set(rowKey(r), key);
          write(`${lines[i]}\n`);
        }
      });
    }
    const done = rows.every((r) => {
      const v = views.get(rowKey(r));
      return v !== undefined && isFinished(v);
    });
    if (done || opts.stopped()) return views;
    await sleep(opts.intervalMs ?? 1_000);
  }
}
