import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '../../src/temporal/ports';
import { writeTestPlans, type TestPlans } from '../support/plan-fixture';

const root = resolve(__dirname, '..', '..');

/** `dondoc up` in its own process group, so that a signal to the group is what Ctrl-C in a terminal sends. */
function startUp(env: NodeJS.ProcessEnv): {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
} {
  const child = spawn(join(root, 'node_modules', '.bin', 'tsx'), ['src/cli/main.ts', 'up'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let out = '';
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => out, exited };
}

async function waitFor(check: () => boolean, what: string, output: () => string, timeoutMs = 240_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolveOpen) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolveOpen(true);
    });
    socket.once('error', () => resolveOpen(false));
  });
}

async function httpStatus(url: string): Promise<number> {
  return (await fetch(url)).status;
}

describe('dondoc up', () => {
  let dir: string;
  let plans: TestPlans;
  let env: NodeJS.ProcessEnv;
  let ports: { temporal: number; ui: number; smtp: number; http: number; web: number; inbound: number };
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-up-'));
    plans = writeTestPlans(dir);
    ports = {
      temporal: await freePort(),
      ui: await freePort(),
      smtp: await freePort(),
      http: await freePort(),
      web: await freePort(),
      inbound: await freePort(),
    };
    const inherited = { ...process.env };
    for (const name of ['TEMPORAL_ADDRESS', 'SMTP_URL', 'DATABASE_URL', 'DONDOC_DB', 'DONDOC_TEST_TEMPORAL_ADDRESS'])
      delete inherited[name];
    env = {
      ...inherited,
      DONDOC_HOME: join(dir, 'home'),
      DONDOC_PLANS_DIR: plans.dir,
      DONDOC_HOLIDAYS_DIR: join(root, 'plans', 'holidays'),
      DONDOC_TEMPORAL_PORT: String(ports.temporal),
      DONDOC_TEMPORAL_UI_PORT: String(ports.ui),
      DONDOC_MAIL_CAPTURE_SMTP_PORT: String(ports.smtp),
      DONDOC_MAIL_CAPTURE_HTTP_PORT: String(ports.http),
      DONDOC_WEB_PORT: String(ports.web),
      DONDOC_INBOUND_SMTP_PORT: String(ports.inbound),
    };
  });

  afterAll(() => {
    for (const child of children) {
      if (child.exitCode === null && child.signalCode === null && child.pid) {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test('starts every service, stops cleanly on Ctrl-C, and resumes the same plan workflows on the next start', async () => {
    const first = startUp(env);
    children.push(first.child);
    await waitFor(
      () => first.output().includes('Sẵn sàng (ready).') || first.child.exitCode !== null,
      'ready',
      first.output,
    );
    expect(first.output()).toContain('Sẵn sàng (ready).');
    expect(first.output()).toContain(`http://127.0.0.1:${ports.ui}`);
    expect(first.output()).toContain(`http://127.0.0.1:${ports.http}`);
    expect(first.output()).toContain(join(dir, 'home', 'dondoc.db'));
    expect(first.output()).toMatch(new RegExp(`${plans.planId} +đã khởi động theo dõi \\(started\\)`));
    expect(await httpStatus(`http://127.0.0.1:${ports.ui}/`)).toBe(200);
    expect(await httpStatus(`http://127.0.0.1:${ports.http}/`)).toBe(200);
    expect(first.output()).toContain(`Trang web dondoc (web):                http://127.0.0.1:${ports.web}`);
    expect(await httpStatus(`http://127.0.0.1:${ports.web}/healthz`)).toBe(200);
    expect(first.output()).toContain(`Nhận thư trả lời (inbound SMTP):       127.0.0.1:${ports.inbound}`);
    expect(await listening(ports.inbound)).toBe(true);

    process.kill(-(first.child.pid as number), 'SIGINT');
    expect(await first.exited).toBe(0);
    expect(first.output()).toContain('Đã dừng (stopped).');
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);

    const second = startUp(env);
    children.push(second.child);
    await waitFor(
      () => second.output().includes('Sẵn sàng (ready).') || second.child.exitCode !== null,
      'ready',
      second.output,
    );
    expect(second.output()).toMatch(
      new RegExp(`${plans.planId} +đang chạy, tiếp tục theo dõi \\(already running, resumed\\)`),
    );

    // SIGTERM to the process alone (a service manager's stop) ends the dev server it started as well.
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    for (const port of Object.values(ports)) expect(await listening(port)).toBe(false);
  }, 600_000);

  test('an invalid plan is reported with its file and line, and nothing is started', async () => {
    const bad = join(dir, 'bad-plans');
    const broken = writeTestPlans(join(dir, 'bad'));
    writeFileSync(broken.file, `id: Bad Id\ntitle: x\n`);
    const run = startUp({ ...env, DONDOC_PLANS_DIR: broken.dir, DONDOC_HOME: bad });
    children.push(run.child);
    expect(await run.exited).toBe(1);
    expect(run.output()).toContain(`${broken.file}:1 id:`);
    expect(run.output()).not.toContain('Khởi động máy chủ Temporal');
    expect(await listening(ports.temporal)).toBe(false);
  });
});
