/**
 * Work done by the Temporal dev server, counted rather than timed: its request counters
 * (`service_requests`, by service and operation) and persistence counters (`persistence_requests`,
 * by operation), scraped from its Prometheus endpoint. Counts per cancellation hardly depend on how
 * busy the machine is (only the empty long polls and paced heartbeats follow the clock), so two
 * versions compare even when wall times are noisy.
 */

/** The server publishes its counters about once a second: scrape after this long to see all of a phase. */
export const COUNTER_FLUSH_MS = 2_500;

/** Counter values keyed `frontend:StartWorkflowExecution`, `persistence:UpdateWorkflowExecution`, … */
export type ServerCounters = Map<string, number>;

const SAMPLE = /^(service_requests|persistence_requests|action(?:_total)?)\{([^}]*)\} ([0-9.e+]+)$/;

function label(labels: string, name: string): string {
  return new RegExp(`(?:^|,)${name}="([^"]*)"`).exec(labels)?.[1] ?? '?';
}

/** The counters now, summed over namespaces and other labels. */
export async function scrapeServerCounters(metricsUrl: string): Promise<ServerCounters> {
  const text = await (await fetch(metricsUrl)).text();
  const counters: ServerCounters = new Map();
  for (const line of text.split('\n')) {
    const m = SAMPLE.exec(line);
    if (!m) continue;
    const [, metric = '', labels = '', value = '0'] = m;
    const key =
      metric === 'service_requests'
        ? `${label(labels, 'service_name')}:${label(labels, 'operation')}`
        : metric === 'persistence_requests'
          ? `persistence:${label(labels, 'operation')}`
          : `action:${label(labels, 'action_type')}`;
    counters.set(key, (counters.get(key) ?? 0) + Number(value));
  }
  return counters;
}

/**
 * What one cancellation cost the server between two scrapes: the frontend requests (the workers'
 * and clients' calls), the history and matching requests behind them, and the persistence
 * operations, each as a total and (frontend and persistence) by operation, per cancellation.
 * `after` must be scraped COUNTER_FLUSH_MS after the phase ended.
 */
export function perCancellation(before: ServerCounters, after: ServerCounters, n: number) {
  const totals = { frontend: 0, history: 0, matching: 0, persistence: 0 };
  const byOperation: Record<'frontend' | 'persistence' | 'action', Record<string, number>> = {
    frontend: {},
    persistence: {},
    action: {},
  };
  let actions = 0;
  for (const [key, value] of after) {
    const delta = value - (before.get(key) ?? 0);
    if (delta <= 0) continue;
    const [kind = '', operation = ''] = key.split(':');
    if (kind === 'action') {
      byOperation.action[operation] = delta;
      // Markers are counted one by one and again once per workflow task (command_BatchMarkers):
      // Temporal Cloud bills the latter (all local activities of one task are one action).
      if (!operation.startsWith('command_RecordMarker')) actions += delta;
      continue;
    }
    if (!(kind in totals)) continue;
    totals[kind as keyof typeof totals] += delta;
    if (kind === 'frontend' || kind === 'persistence') byOperation[kind][operation] = delta;
  }
  const per = (v: number) => Math.round((v / n) * 100) / 100;
  const sorted = (o: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(o)
        .sort((a, b) => b[1] - a[1])
        .map(([k, v]) => [k, per(v)] as const)
        .filter(([, v]) => v >= 0.01),
    );
  return {
    frontendRequests: per(totals.frontend),
    historyRequests: per(totals.history),
    matchingRequests: per(totals.matching),
    persistenceRequests: per(totals.persistence),
    /**
     * Temporal Cloud actions, as the server's own `action` counter estimates them (Temporal's
     * migration guide): activity attempts, heartbeats that reached the server, timers, signals,
     * upserts, workflow starts, one per workflow task with markers.
     */
    actions: per(actions),
    actionsByType: sorted(byOperation.action),
    frontendByOperation: sorted(byOperation.frontend),
    persistenceByOperation: sorted(byOperation.persistence),
  };
}
