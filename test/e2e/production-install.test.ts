import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commands } from '../../src/cli/main';

const root = join(__dirname, '..', '..');

/** A user's environment: none of the npm variables of the `npm test` running this file, nor dondoc's settings. */
function userEnv(): NodeJS.ProcessEnv {
  const inherited = ([k]: [string, unknown]) => !/^(npm_|DONDOC_)/i.test(k) || k === 'DONDOC_LIBFAKETIME';
  const env = Object.fromEntries(Object.entries(process.env).filter(inherited));
  // The pinned Temporal binaries this checkout installed, rather than installing them again.
  return { ...env, DONDOC_TEMPORAL_HOME: join(root, '.temporal') };
}

describe('a production install (npm ci --omit=dev) of the checkout', () => {
  let dir: string;
  let install: SpawnSyncReturns<string>;

  const dondoc = (...args: string[]) =>
    spawnSync(process.execPath, [join(dir, 'bin', 'dondoc.js'), ...args], {
      cwd: dir,
      encoding: 'utf8',
      env: userEnv(),
      timeout: 240_000,
    });

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-production-'));
    // The files a commit of this checkout would hold: tracked and new ones, not what .gitignore leaves out.
    const files = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: root,
      encoding: 'utf8',
    })
      .stdout.split('\0')
      .filter((f) => f && lstatSync(join(root, f), { throwIfNoEntry: false })?.isFile());
    for (const file of files) {
      mkdirSync(dirname(join(dir, file)), { recursive: true });
      copyFileSync(join(root, file), join(dir, file));
    }
    install = spawnSync('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: dir,
      encoding: 'utf8',
      env: userEnv(),
      timeout: 600_000,
    });
  }, 660_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('installs without dev dependencies and without an engine warning', () => {
    expect({ status: install.status, stderr: install.stderr }).toMatchObject({ status: 0 });
    expect(`${install.stdout}${install.stderr}`).not.toMatch(/EBADENGINE/);
    expect(existsSync(join(dir, 'node_modules', 'typescript'))).toBe(false);
    expect(existsSync(join(dir, 'node_modules', 'jest'))).toBe(false);
  });

  it('runs `dondoc --help` and `dondoc when` from the build it made at install', () => {
    const help = dondoc('--help');
    expect({ status: help.status, stderr: help.stderr }).toEqual({ status: 0, stderr: '' });
    expect(help.stdout).toContain('simulate');
    const when = dondoc('when', 'trước ngày 15/11 hằng năm', '--period', '2025');
    expect({ status: when.status, stderr: when.stderr }).toEqual({ status: 0, stderr: '' });
    expect(when.stdout).toContain('17/11/2025');
    expect(existsSync(join(dir, 'dist', 'cli', 'main.js'))).toBe(true);
  });

  it('loads every command', () => {
    for (const { name } of commands) {
      const r = dondoc(name, '--help');
      expect({ name, status: r.status, stderr: r.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
  });

  it('simulates a plan: the time-skipping server, and the workflows bundled from the build', () => {
    const r = dondoc('simulate', 'plans/dak-nong-ttdn-2025.yaml', '--until', '2025-01-20', '--json');
    expect({ status: r.status, stderr: r.stderr }).toMatchObject({ status: 0 });
    expect(JSON.parse(r.stdout)).toMatchObject({
      planId: 'dak-nong-ttdn-2025',
      until: expect.stringMatching(/^2025-01-20/),
    });
    const cache = join(dir, '.dondoc', 'cache');
    const manifests = readdirSync(cache).filter((f) => f.endsWith('.json'));
    expect(manifests.map((f) => JSON.parse(readFileSync(join(cache, f), 'utf8')).workflowsPath)).toEqual([
      join(dir, 'dist', 'workflows', 'index.js'),
    ]);
  });

  it('rebuilds before running when a source changed, and when the build is gone', () => {
    const file = join(dir, 'src', 'cli', 'when.ts');
    const source = readFileSync(file, 'utf8');
    writeFileSync(file, source.replace('Đọc một biểu thức thời gian', 'Đọc biểu thức thời gian (đã sửa)'));
    expect(dondoc('when', '--help').stdout).toContain('Đọc biểu thức thời gian (đã sửa)');
    rmSync(join(dir, 'dist'), { recursive: true, force: true });
    const when = dondoc('when', 'trước ngày 15/11 hằng năm', '--period', '2025');
    expect(when.stdout).toContain('17/11/2025');
    expect(existsSync(join(dir, 'dist', 'cli', 'main.js'))).toBe(true);
  });
});
