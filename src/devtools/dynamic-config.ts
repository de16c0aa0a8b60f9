/**
 * Server settings the project recommends, applied to the local dev server (demo, benchmarks) and
 * mirrored in `deploy/temporal/dynamicconfig.yaml` for the compose cluster.
 */

/**
 * Eager activity execution (off by default in Temporal Server 1.29): the server hands an activity
 * to the worker in its reply to the workflow task that scheduled it, skipping a trip through
 * matching. Every cancellation schedules three activities in a row, so this cut the wall time of
 * 200 concurrent 3-second cancellations from 10.6 s to 8.1 s (bench/README.md, overhead).
 */
export const RECOMMENDED_DYNAMIC_CONFIG: Readonly<Record<string, boolean | number | string>> = {
  'system.enableActivityEagerExecution': true,
};

/** `temporal server start-dev` arguments for dynamic config values. */
export function dynamicConfigArgs(values: Readonly<Record<string, boolean | number | string>>): string[] {
  return Object.entries(values).flatMap(([key, value]) => [
    '--dynamic-config-value',
    `${key}=${JSON.stringify(value)}`,
  ]);
}
