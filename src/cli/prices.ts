/**
 * `--prices prices.json`: the user's own price table, so the salvage report can say what the saved
 * results cost. Prices change and differ per account; the product ships none, and without a table
 * it reports tokens only.
 *
 * ```json
 * { "currency": "USD", "batchDiscount": 0.5,
 *   "models": { "gpt-4o-mini": { "input": 0.15, "cachedInput": 0.075, "output": 0.6 } } }
 * ```
 * Prices are per million tokens at the standard (non-batch) rate; `batchDiscount` is the fraction
 * taken off for the Batch API (0.5 = half price). A model such as `gpt-4o-mini-2024-07-18` takes
 * the price of its longest listed prefix (`gpt-4o-mini`).
 */
import fs from 'node:fs';
import { z } from 'zod';
import type { ModelUsage } from '../contract/results';
import { CliError, ExitCode } from './errors';

const perMillion = z.number().nonnegative();
const discount = z.number().min(0).max(1);

const ModelPriceSchema = z.strictObject({
  input: perMillion.describe('price per million input tokens'),
  cachedInput: perMillion.optional().describe('price per million cached input tokens (default: input)'),
  output: perMillion.describe('price per million output tokens (reasoning tokens included)'),
  batchDiscount: discount.optional().describe("this model's own discount (default: the table's)"),
});

export const PriceTableSchema = z.strictObject({
  currency: z.string().min(1).default('USD'),
  batchDiscount: discount.describe('fraction taken off for the Batch API, e.g. 0.5'),
  models: z.record(z.string().min(1), ModelPriceSchema),
});
export type PriceTable = z.infer<typeof PriceTableSchema>;

/** Reads and validates the file; errors name the file and the field. */
export function loadPriceTable(file: string): PriceTable {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new CliError(
      `cannot read the price table ${file}: ${err instanceof Error ? err.message : String(err)}`,
      ExitCode.Usage,
    );
  }
  const parsed = PriceTableSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : '(file)';
    throw new CliError(
      `invalid price table ${file}: ${where}: ${issue?.message ?? 'invalid'} (expected {"batchDiscount": 0.5, "models": {"<model>": {"input": 0.15, "cachedInput": 0.075, "output": 0.6}}}, prices per million tokens)`,
      ExitCode.Usage,
    );
  }
  return parsed.data;
}

export interface Cost {
  currency: string;
  /** Null when the table has no price for the model. */
  amount: number | null;
  /** The table entry used. */
  priceOf: string | null;
}

function priceKey(model: string, table: PriceTable): string | null {
  if (table.models[model]) return model;
  const prefixes = Object.keys(table.models).filter((k) => model.startsWith(`${k}-`));
  return prefixes.sort((a, b) => b.length - a.length)[0] ?? null;
}

export function costOf(model: string, u: ModelUsage, table: PriceTable): Cost {
  const key = priceKey(model, table);
  const p = key ? table.models[key] : undefined;
  if (!key || !p) return { currency: table.currency, amount: null, priceOf: null };
  const cached = Math.min(u.cachedInputTokens, u.inputTokens);
  const standard =
    ((u.inputTokens - cached) * p.input + cached * (p.cachedInput ?? p.input) + u.outputTokens * p.output) /
    1_000_000;
  return {
    currency: table.currency,
    amount: standard * (1 - (p.batchDiscount ?? table.batchDiscount)),
    priceOf: key,
  };
}

/** `; cost 0.0123 USD` or `; no price for this model in the table`. */
export function describeCost(c: Cost): string {
  if (c.amount === null) return '; no price for this model in the table';
  return `; cost ${c.amount.toFixed(4)} ${c.currency}`;
}

/** The cost per model and in total, for `--json`. */
export function costReport(
  byModel: Record<string, ModelUsage>,
  table: PriceTable,
): { currency: string; byModel: Record<string, number | null>; total: number; unpriced: string[] } {
  const out: Record<string, number | null> = {};
  let total = 0;
  const unpriced: string[] = [];
  for (const [model, u] of Object.entries(byModel)) {
    const c = costOf(model, u, table);
    out[model] = c.amount;
    if (c.amount === null) unpriced.push(model);
    else total += c.amount;
  }
  return { currency: table.currency, byModel: out, total, unpriced };
}
