/**
 * The workflow's input and result as JSON Schema, generated from the zod schemas: the contract for
 * callers in any language. `npm run schemas` writes them to docs/schemas/; a test checks that the
 * committed files are current.
 *
 *   npx tsx scripts/json-schemas.ts
 */
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { CancelBatchInputSchema } from '../src/contract/cancel-input';
import { CancelBatchResultSchema } from '../src/contract/result-schema';

export const SCHEMAS_DIR = path.resolve(__dirname, '..', 'docs', 'schemas');

/** File name → JSON text (2-space indent, trailing newline) of each schema. */
export function contractJsonSchemas(): Record<string, string> {
  const render = (title: string, schema: z.ZodType, io: 'input' | 'output') =>
    `${JSON.stringify({ title, ...z.toJSONSchema(schema, { io, unrepresentable: 'any' }) }, null, 2)}\n`;
  return {
    // What a caller sends: every field but batchId may be left out; durations as ms or '30s'.
    'cancel-batch-input.schema.json': render('cancelBatchWorkflow input', CancelBatchInputSchema, 'input'),
    'cancel-batch-result.schema.json': render(
      'cancelBatchWorkflow result',
      CancelBatchResultSchema,
      'output',
    ),
  };
}

if (require.main === module) {
  fs.mkdirSync(SCHEMAS_DIR, { recursive: true });
  for (const [name, text] of Object.entries(contractJsonSchemas())) {
    fs.writeFileSync(path.join(SCHEMAS_DIR, name), text);
    process.stdout.write(`wrote docs/schemas/${name}\n`);
  }
}
