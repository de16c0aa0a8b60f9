import fs from 'node:fs';
import path from 'node:path';

/**
 * The version in the package's own package.json, read at run time: two directories above this file
 * both in src/worker/ (a clone) and in lib/worker/ (the installed package), and outside the compiled sources.
 */
export function packageVersion(): string {
  const file = path.join(__dirname, '..', '..', 'package.json');
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
}
