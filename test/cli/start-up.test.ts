import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { Command } from 'commander';
import { commands } from '../../src/cli/main';

const root = join(__dirname, '..', '..');

describe('dondoc start-up', () => {
  let dir: string;
  let preload: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-start-up-'));
    preload = join(dir, 'record-modules.js');
    // Every CommonJS module a process loaded is in require.cache when it exits.
    writeFileSync(
      preload,
      "process.on('exit', () => require('node:fs').writeFileSync(process.env.DONDOC_LOADED_MODULES, " +
        'JSON.stringify(Object.keys(require.cache))));\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function loadedBy(...args: string[]): { stdout: string; status: number | null; modules: string[] } {
    const out = join(dir, `modules-${args[0]}.json`);
    // Builds dist/ if a source changed since the last run (other suites edit nothing, developers might): measured next.
    spawnSync(process.execPath, [join(root, 'bin', 'dondoc.js'), '--help'], { cwd: root });
    const r = spawnSync(process.execPath, ['--require', preload, join(root, 'bin', 'dondoc.js'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, DONDOC_LOADED_MODULES: out },
    });
    const modules = (JSON.parse(readFileSync(out, 'utf8')) as string[]).map((m) => relative(root, m));
    return { stdout: r.stdout, status: r.status, modules };
  }

  const heavy = /node_modules\/(@temporalio|tsx|esbuild|exceljs|docx|better-sqlite3|pg|nodemailer|date-chinese)\//;

  it('runs `dondoc when` from the prebuilt JavaScript, loading no Temporal, tsx, database or document code', () => {
    const r = loadedBy('when', 'trước ngày 15/11 hằng năm', '--period', '2025');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Thứ Bảy, 15/11/2025 → Thứ Hai, 17/11/2025');
    expect(r.modules).toContain(join('dist', 'cli', 'main.js'));
    expect(r.modules.filter((m) => m.endsWith('.ts'))).toEqual([]);
    expect(r.modules.filter((m) => heavy.test(m))).toEqual([]);
  });

  it('lists the commands for `dondoc --help` without loading any command module', () => {
    const r = loadedBy('--help');
    expect(r.status).toBe(0);
    for (const command of commands) expect(r.stdout).toContain(command.name);
    expect(r.modules.filter((m) => m.startsWith('dist') && m !== join('dist', 'cli', 'main.js'))).toEqual([]);
    expect(r.modules.filter((m) => m.startsWith('node_modules'))).toEqual([]);
  });

  it('lists each command with the description its module registers', async () => {
    for (const command of commands) {
      const program = new Command('dondoc');
      (await command.load())(program);
      expect({ name: command.name, summary: command.summary }).toEqual({
        name: command.name,
        summary: program.commands[0].description(),
      });
    }
  });
});
