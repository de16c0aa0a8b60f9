/** One duration parser for every CLI flag that takes a time: `90s`, `2h`, `500ms`, or plain ms. */
import { InvalidArgumentError } from 'commander';
import { durationFlag, durationOption, nonNegativeDurationFlag, parseDuration } from '../../src/cli/duration';
import { buildProgram } from '../../src/cli/main';
import { webhookOptionsFromFlags } from '../../tools/simulator/webhook-flags';
import { newWebhookSecret } from '../../tools/simulator';

describe('CLI durations', () => {
  it('reads units and plain milliseconds alike', () => {
    expect(durationFlag('500')).toBe(500);
    expect(durationFlag('500ms')).toBe(500);
    expect(durationFlag('90s')).toBe(90_000);
    expect(durationFlag('30m')).toBe(1_800_000);
    expect(durationFlag('2h')).toBe(7_200_000);
    expect(nonNegativeDurationFlag('0')).toBe(0);
  });

  it('refuses what is no positive duration, saying what it takes', () => {
    for (const bad of ['abc', '-5', '0', '', '5 parsecs'])
      expect(() => parseDuration(bad)).toThrow(InvalidArgumentError);
    expect(() => durationFlag('soon')).toThrow(
      'must be a positive duration such as 500ms, 90s, 30m or 2h (a plain number is milliseconds), got "soon"',
    );
  });

  it('shows a default as a duration in --help', () => {
    expect(durationOption('--every <duration>', 'how often', 30_000).defaultValueDescription).toBe('30s');
  });

  it('every time-taking flag of the CLI takes <duration>, never <ms>', () => {
    const flags: string[] = [];
    const walk = (cmd: ReturnType<typeof buildProgram>): void => {
      for (const o of cmd.options) flags.push(o.flags);
      for (const sub of cmd.commands) walk(sub);
    };
    walk(buildProgram());
    expect(
      flags.filter((f) => /<ms>|<n>/.test(f) && /timeout|interval|delay|wait|age|after/.test(f)),
    ).toEqual([]);
    expect(flags).toEqual(expect.arrayContaining(['--interval <duration>', '--connect-timeout <duration>']));
  });

  it("the simulator's webhook delays take durations too", () => {
    const secret = newWebhookSecret();
    expect(
      webhookOptionsFromFlags({ url: 'http://x', secret, 'delay-ms': '2s', 'reorder-window-ms': '300' })
        ?.faults,
    ).toEqual({
      delayMs: 2_000,
      reorderWindowMs: 300,
    });
    expect(() => webhookOptionsFromFlags({ url: 'http://x', secret, 'delay-ms': 'later' })).toThrow(
      /^--webhook-delay-ms must be a non-negative duration/,
    );
  });
});
