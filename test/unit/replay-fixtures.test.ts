/**
 * Replay protects old runs only while the recorded histories stay as recorded. The rule: a fixture
 * is never re-recorded or edited, only added. This checks it twice: the files against the
 * manifest of their hashes (test/fixtures/replay.sha256), and git history since the manifest
 * was committed (each fixture only ever added; each manifest line, once written, kept as is).
 * The histories of 0.1 (test/fixtures/histories/, before the pre-1.0 patches were folded in
 * 0.2.0) were dropped with those code paths; this directory starts with 0.2.0.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import {
  fixtureFiles,
  HISTORY_DIR,
  HISTORY_DIR_IN_REPO,
  MANIFEST_IN_REPO,
  parseManifest,
  readManifest,
  sha256,
} from '../helpers/fixture-manifest';

const ROOT = path.join(__dirname, '..', '..');
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Why the git history cannot be checked here, or null when it can. */
function historyUnavailable(): string | null {
  try {
    if (git('rev-parse', '--is-inside-work-tree').trim() !== 'true') return 'not a git work tree';
  } catch {
    return 'not a git work tree (or git is not installed)';
  }
  if (git('rev-parse', '--is-shallow-repository').trim() === 'true')
    return 'a shallow clone: its history is cut, so edits to fixtures in the missing commits cannot be seen; run `git fetch --unshallow` (CI: clone with full history)';
  return null;
}

describe('replay fixtures are only ever added', () => {
  const manifest = readManifest();
  const files = fixtureFiles();

  it('lists every fixture in the manifest and names no missing file', () => {
    expect(files.filter((f) => !manifest.has(f))).toEqual([]);
    expect([...manifest.keys()].filter((f) => !files.includes(f))).toEqual([]);
    expect(files.length).toBeGreaterThanOrEqual(12);
  });

  it('has every fixture byte for byte as recorded', () => {
    const changed = files.filter(
      (f) => sha256(fs.readFileSync(path.join(HISTORY_DIR, f))) !== manifest.get(f),
    );
    expect(changed).toEqual([]);
  });

  it('finds, in git history since the manifest, fixtures only added and manifest lines only appended', () => {
    const unavailable = historyUnavailable();
    if (unavailable)
      throw new Error(`cannot check the fixtures' git history: this checkout is ${unavailable}`);
    const introduced = git('log', '--diff-filter=A', '--format=%H', '--', MANIFEST_IN_REPO)
      .trim()
      .split('\n');
    const since = introduced[introduced.length - 1] ?? '';
    const violations: string[] = [];
    if (since) {
      // --no-renames: a rename is a delete plus an add, and the delete is a violation.
      const log = git(
        'log',
        '--no-renames',
        '--format=commit %h',
        '--name-status',
        `${since}^..HEAD`,
        '--',
        HISTORY_DIR_IN_REPO,
      );
      let commit = '';
      for (const line of log.split('\n')) {
        if (line.startsWith('commit ')) commit = line.slice(7);
        else if (line.trim() && !line.startsWith('A\t'))
          violations.push(`${commit}: ${line.replace('\t', ' ')}`);
      }
      const touched = git('log', '--format=%H', `${since}..HEAD`, '--', MANIFEST_IN_REPO).trim().split('\n');
      for (const c of touched.filter(Boolean)) {
        const before = parseManifest(git('show', `${c}^:${MANIFEST_IN_REPO}`));
        const after = parseManifest(git('show', `${c}:${MANIFEST_IN_REPO}`));
        for (const [file, hash] of before)
          if (after.get(file) !== hash)
            violations.push(`${c.slice(0, 7)}: manifest line of ${file} changed or removed`);
      }
    }
    // Not yet committed: edits and deletions in the working tree count too.
    for (const line of git('status', '--porcelain', '--no-renames', '--', HISTORY_DIR_IN_REPO).split('\n')) {
      if (line.trim() && !line.startsWith('??') && !line.startsWith('A '))
        violations.push(`working tree: ${line}`);
    }
    expect(violations).toEqual([]);
  });
});
