/**
 * A Python virtual environment with the packages of examples/python/requirements.txt, kept in the
 * tool cache (outside the clone) so a warm machine installs nothing. Undefined when there is no
 * python3 at all.
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { toolsCacheDir } from '../../tools/devtools/temporal-tools';

const ROOT = path.resolve(__dirname, '..', '..');
export const PYTHON_EXAMPLE_DIR = path.join(ROOT, 'examples', 'python');

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** The venv's python, created (once per requirements file) if needed; undefined without python3. */
export function pythonForExamples(log: (line: string) => void = () => undefined): string | undefined {
  if (!hasPython()) return undefined;
  const requirements = path.join(PYTHON_EXAMPLE_DIR, 'requirements.txt');
  const text = fs.readFileSync(requirements, 'utf8');
  const tag = crypto.createHash('sha256').update(text).digest('hex').slice(0, 12);
  const venv = path.join(toolsCacheDir(), 'python', `examples-${tag}`);
  const python = path.join(venv, 'bin', 'python');
  const ready = path.join(venv, '.installed');
  if (fs.existsSync(ready)) return python;
  log(`creating ${venv} with ${text.trim().split('\n').join(', ')} (once)...`);
  fs.rmSync(venv, { recursive: true, force: true });
  execFileSync('python3', ['-m', 'venv', venv], { stdio: 'pipe' });
  execFileSync(
    python,
    ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements],
    {
      stdio: 'pipe',
      timeout: 600_000,
    },
  );
  fs.writeFileSync(ready, text);
  return python;
}
