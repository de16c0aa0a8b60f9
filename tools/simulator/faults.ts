/**
 * Fault injection. Random faults are drawn from (seed, route, n-th call of that route), so the same
 * seed and the same sequence of calls per route fail the same calls, whatever other routes do.
 * Scripted faults queue per route and win over the random plan.
 */
import { unitFloat } from './prng';
import {
  type ContentEncoding,
  FAULT_KINDS,
  type FaultKind,
  type FaultPlan,
  type MalformedBodyShape,
  ROUTE_NAMES,
  type RouteFaults,
  type RouteName,
  type ScriptedFault,
  type SimulatorStats,
  STREAMING_ROUTES,
} from './types';

/** What to do to one call: wait `latencyMs`, then answer normally or apply `fault`. */
export interface FaultDecision {
  latencyMs: number;
  fault:
    | { kind: 'server_error'; status: 500 | 502 | 503 }
    | { kind: 'rate_limit'; retryAfterSeconds: number }
    | { kind: 'reset' }
    /** `afterBytes` undefined: cut at a seeded fraction of the body, known only once the size is. */
    | { kind: 'cut_body'; afterBytes: number | undefined; fraction: number }
    | { kind: 'quota_exceeded' }
    | { kind: 'malformed_body'; shape: MalformedBodyShape }
    | { kind: 'overloaded' }
    | null;
  /** `files.content`: compress the body with this encoding. */
  encoding?: ContentEncoding;
}

/** Thrown when a scripted fault cannot apply to the route it is aimed at. */
export class InvalidFaultError extends Error {
  override name = 'InvalidFaultError';
}

const SALT = { reset: 1, server: 2, rate: 3, cut: 4, cutAt: 5, overloaded: 6 } as const;

export class FaultEngine {
  private plan: FaultPlan;
  private readonly scripted = new Map<RouteName, ScriptedFault[]>();
  private readonly calls = Object.fromEntries(ROUTE_NAMES.map((r) => [r, 0])) as Record<RouteName, number>;
  private readonly injected = Object.fromEntries(FAULT_KINDS.map((k) => [k, 0])) as Record<FaultKind, number>;

  constructor(
    private readonly seed: number,
    plan: FaultPlan = {},
    /** Anthropic mode: the only one with the 529 `overloaded` fault. */
    private readonly anthropic = false,
  ) {
    this.plan = plan;
  }

  setPlan(plan: FaultPlan): void {
    this.plan = plan;
  }

  get malformedLineRate(): number {
    return this.plan.malformedLineRate ?? 0;
  }

  inject(route: RouteName, fault: ScriptedFault, times = 1): void {
    const streaming = STREAMING_ROUTES.includes(route);
    if ((fault.kind === 'cut_body' || fault.kind === 'content_encoding') && !streaming) {
      throw new InvalidFaultError(
        `${fault.kind} only applies to ${STREAMING_ROUTES.join(' and ')}, not ${route}`,
      );
    }
    if (fault.kind === 'malformed_body' && streaming) {
      throw new InvalidFaultError(`malformed_body applies to JSON routes, not ${route}`);
    }
    if (fault.kind === 'overloaded' && !this.anthropic) {
      throw new InvalidFaultError(
        'overloaded (529) is an Anthropic fault: start the simulator with anthropic',
      );
    }
    const queue = this.scripted.get(route) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.scripted.set(route, queue);
  }

  /** Counts the call and decides its fault; the caller reports what it actually applied. */
  decide(route: RouteName): FaultDecision {
    const n = this.calls[route]++;
    const scripted = this.scripted.get(route)?.shift();
    const decision = scripted ? this.fromScript(scripted) : this.drawn(route, n);
    const encoding = this.plan.contentEncoding;
    if (route === 'files.content' && encoding && !decision.encoding) return { ...decision, encoding };
    return decision;
  }

  private drawn(route: RouteName, n: number): FaultDecision {
    const rates: RouteFaults = { ...this.plan.routes?.['*'], ...this.plan.routes?.[route] };
    const draw = (salt: number): number => unitFloat(this.seed, ROUTE_NAMES.indexOf(route), n, salt);
    const latencyMs = rates.latencyMs ?? 0;
    if (draw(SALT.reset) < (rates.resetRate ?? 0)) return { latencyMs, fault: { kind: 'reset' } };
    if (draw(SALT.server) < (rates.serverErrorRate ?? 0))
      return { latencyMs, fault: { kind: 'server_error', status: 500 } };
    if (draw(SALT.rate) < (rates.rateLimitRate ?? 0)) {
      return { latencyMs, fault: { kind: 'rate_limit', retryAfterSeconds: rates.retryAfterSeconds ?? 1 } };
    }
    if (this.anthropic && draw(SALT.overloaded) < (rates.overloadedRate ?? 0))
      return { latencyMs, fault: { kind: 'overloaded' } };
    if (STREAMING_ROUTES.includes(route) && draw(SALT.cut) < (rates.cutBodyRate ?? 0)) {
      return { latencyMs, fault: { kind: 'cut_body', afterBytes: undefined, fraction: draw(SALT.cutAt) } };
    }
    return { latencyMs, fault: null };
  }

  private fromScript(fault: ScriptedFault): FaultDecision {
    switch (fault.kind) {
      case 'latency':
        return { latencyMs: fault.ms, fault: null };
      case 'server_error':
        return { latencyMs: 0, fault: { kind: 'server_error', status: fault.status ?? 500 } };
      case 'cut_body':
        return { latencyMs: 0, fault: { kind: 'cut_body', afterBytes: fault.afterBytes, fraction: 0 } };
      case 'content_encoding':
        return {
          latencyMs: 0,
          encoding: fault.encoding,
          fault:
            fault.afterBytes === undefined
              ? null
              : { kind: 'cut_body', afterBytes: fault.afterBytes, fraction: 0 },
        };
      default:
        return { latencyMs: 0, fault };
    }
  }

  record(kind: FaultKind, count = 1): void {
    this.injected[kind] += count;
  }

  stats(): SimulatorStats {
    return { requests: { ...this.calls }, faultsInjected: { ...this.injected } };
  }
}
