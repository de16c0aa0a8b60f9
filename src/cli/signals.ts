/**
 * Resolves on the first SIGINT, SIGTERM or SIGHUP, naming it. SIGHUP is what a process gets when
 * its terminal closes: without a handler Node exits at once and leaves its children (the dev
 * stack's Temporal server) running.
 */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      for (const s of STOP_SIGNALS) process.off(s, onSignal);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, onSignal);
  });
}
