/**
 * The manifest of replay fixtures: one `sha256  file` line per recorded history, in the format
 * of `sha256sum` (`cd test/fixtures/histories && sha256sum -c ../histories.sha256`). Lines are
 * only ever appended: a fixture, once recorded, keeps its bytes forever.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

export const HISTORY_DIR = path.join(__dirname, '..', 'fixtures', 'replay');
export const MANIFEST = path.join(__dirname, '..', 'fixtures', 'replay.sha256');
/** The two paths as git names them, from the repository's root. */
export const HISTORY_DIR_IN_REPO = 'test/fixtures/replay';
export const MANIFEST_IN_REPO = 'test/fixtures/replay.sha256';

export const fixturePath = (file: string) => path.join(HISTORY_DIR, file);

/** Histories larger than this are stored gzip-compressed (`.json.gz`): a continued-as-new run is ~2,000 events. */
export const COMPRESS_OVER_BYTES = 256 * 1024;

/** The fixture files in the directory: `*.json` and `*.json.gz`. */
export function fixtureFiles(): string[] {
  return fs.readdirSync(HISTORY_DIR).filter((f) => f.endsWith('.json') || f.endsWith('.json.gz'));
}

/** A fixture's history JSON, decompressed if stored compressed. */
export function readFixture(file: string): string {
  const bytes = fs.readFileSync(fixturePath(file));
  return (file.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

export function sha256(bytes: Buffer | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The manifest's entries (file → sha256); a malformed line throws, naming it. */
export function parseManifest(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const [i, line] of text.split('\n').entries()) {
    if (line.trim() === '') continue;
    const m = /^([0-9a-f]{64}) {2}(\S+\.json(?:\.gz)?)$/.exec(line);
    if (!m) throw new Error(`${MANIFEST_IN_REPO} line ${i + 1} is not "<sha256>  <file>.json[.gz]": ${line}`);
    if (entries.has(m[2]!)) throw new Error(`${MANIFEST_IN_REPO} names ${m[2]} twice`);
    entries.set(m[2]!, m[1]!);
  }
  return entries;
}

export function readManifest(): Map<string, string> {
  return parseManifest(fs.existsSync(MANIFEST) ? fs.readFileSync(MANIFEST, 'utf8') : '');
}

/** Appends a newly recorded fixture's hash; a file already named is an error (never re-recorded). */
export function addToManifest(file: string): void {
  if (readManifest().has(file)) throw new Error(`${file} is already in ${MANIFEST_IN_REPO}`);
  fs.appendFileSync(MANIFEST, `${sha256(fs.readFileSync(fixturePath(file)))}  ${file}\n`);
}
