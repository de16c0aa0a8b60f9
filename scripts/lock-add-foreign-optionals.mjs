#!/usr/bin/env node
// The package registry reachable here serves only this platform's native packages, so `npm install`
// leaves other platforms' optional binaries (e.g. @swc/core-darwin-arm64) out of package-lock.json
// and `npm ci` then refuses the lock. This adds the missing entries, marked optional with the os/cpu
// their names state, so npm ci skips them here and installs them on their own platforms.
// Run after any `npm install` that changes the lock: node scripts/lock-add-foreign-optionals.mjs
import fs from 'node:fs';

const LOCK = 'package-lock.json';
const lock = JSON.parse(fs.readFileSync(LOCK, 'utf8'));
const pkgs = lock.packages;
const OS = [
  'darwin',
  'win32',
  'linux',
  'android',
  'freebsd',
  'openharmony',
  'sunos',
  'netbsd',
  'openbsd',
  'aix',
];
const CPU = {
  arm64: 'arm64',
  x64: 'x64',
  ia32: 'ia32',
  arm: 'arm',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loong64: 'loong64',
  wasm32: 'wasm32',
};
let added = 0;
for (const [where, meta] of Object.entries(pkgs)) {
  for (const [name, spec] of Object.entries(meta.optionalDependencies ?? {})) {
    const base = where ? `${where}/node_modules/${name}` : `node_modules/${name}`;
    if (pkgs[base] || pkgs[`node_modules/${name}`]) continue;
    const parts = name.split('/').pop().split('-');
    const os = parts.find((p) => OS.includes(p));
    const cpu = parts.map((p) => CPU[p]).find(Boolean);
    if (!os || !cpu) continue;
    pkgs[`node_modules/${name}`] = {
      version: spec.replace(/^[\^~=]/, ''),
      cpu: [cpu],
      optional: true,
      os: [os],
    };
    added++;
  }
}
fs.writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} foreign optional package entries to ${LOCK}`);
