/**
 * The README's layout block is the map a newcomer reads first: it names every room of src/ and
 * every loose file at its root, and nothing that is not there.
 */
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

function layoutBlock(): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- layout:start -->\s*```\n([\s\S]*?)```\s*<!-- layout:end -->/.exec(readme);
  if (!block?.[1])
    throw new Error('README.md has no layout block (<!-- layout:start --> … <!-- layout:end -->)');
  return block[1];
}

describe('README layout', () => {
  const named = [...layoutBlock().matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]!);
  const entries = fs.readdirSync(path.join(ROOT, 'src'), { withFileTypes: true });
  const actual = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name));

  it('names every folder and loose file of src/, and only those', () => {
    expect([...named].sort()).toEqual([...actual].sort());
  });

  it('keeps at most three loose files at the src/ root', () => {
    const loose = entries.filter((e) => e.isFile()).map((e) => e.name);
    expect(loose.length).toBeLessThanOrEqual(3);
    expect(loose).toEqual(expect.arrayContaining(['index.ts', 'worker.ts']));
  });

  it('names every provider folder', () => {
    const providers = fs
      .readdirSync(path.join(ROOT, 'src', 'providers'), { withFileTypes: true })
      .filter((e) => e.isDirectory())
      .map((e) => e.name);
    expect(providers.length).toBeGreaterThan(0);
    for (const p of providers) expect(layoutBlock()).toContain(`${p}/`);
  });
});
