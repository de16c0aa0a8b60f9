/** The committed JSON Schemas in docs/schemas/ are the ones the zod schemas generate today. */
import fs from 'node:fs';
import path from 'node:path';
import { contractJsonSchemas, SCHEMAS_DIR } from '../../scripts/json-schemas';
import { CancelBatchInputSchema } from '../../src/contract/cancel-input';

describe('workflow contract as JSON Schema', () => {
  const generated = contractJsonSchemas();

  it.each(Object.keys(generated))('docs/schemas/%s is current (else run `npm run schemas`)', (name) => {
    const file = path.join(SCHEMAS_DIR, name);
    expect(fs.existsSync(file)).toBe(true);
    expect(fs.readFileSync(file, 'utf8')).toBe(generated[name]);
  });

  it('documents the input a caller sends: only batchId required, durations as ms or strings', () => {
    const input = JSON.parse(generated['cancel-batch-input.schema.json']!) as {
      required: string[];
      properties: Record<string, { type?: unknown; description?: string }>;
    };
    expect(input.required).toEqual(['batchId']);
    expect(input.properties.maxWait?.type).toEqual(['number', 'string']);
    expect(input.properties.batchId?.description).toMatch(/batch to cancel/);
    // The documented shape is what the workflow accepts.
    expect(CancelBatchInputSchema.safeParse({ batchId: 'batch_x', maxWait: '30m' }).success).toBe(true);
  });
});
