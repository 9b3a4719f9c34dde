import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import { openStore } from '../../src/activities/storage/open-store';
import { adminCommand } from '../../src/cli/admin';
import { reportSubmitCommand } from '../../src/cli/report';
import { startCommand } from '../../src/cli/start';
import { statusCommand, type StatusEntry } from '../../src/cli/status';
import { querySubject } from '../../src/services/subject-updates';
import { subjectWorkflowId } from '../../src/workflows/contract';
import { writeMonthlyPlan, writeTestPlans, type TestPlans } from '../support/plan-fixture';
import { eventually } from '../support/temporal';
import { startOperatorRig, type OperatorRig } from './support/operator-rig';

const run = promisify(execFile);

describe('status, report and admin with one broken file in the plans folder', () => {
  const brokenId = `ke-hoach-hong-${randomBytes(4).toString('hex')}`;
  // An unclosed list on line 15 of the file: a YAML syntax error.
  const problem = new RegExp(`${brokenId}\\.yaml:15: YAML syntax`);
  let rig: OperatorRig;
  let plans: TestPlans;
  let env: NodeJS.ProcessEnv;
  let client: Client;
  let errors: string[];

  const task = (taskId: string) => subjectWorkflowId(plans.planId, { type: 'task', taskId });
  const warnings = () => errors.filter((line) => line.startsWith('dondoc: cảnh báo'));

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'dondoc-broken-file-'));
    plans = writeTestPlans(root);
    const dbFile = join(root, 'dondoc.db');
    rig = await startOperatorRig({
      name: 'broken-file',
      root,
      plansDir: plans.dir,
      storeEnv: { DATABASE_URL: '', DATABASE_SCHEMA: '', DONDOC_DB: dbFile },
      openStore: () => openStore({ sqlitePath: dbFile }),
    });
    ({ env, client } = rig);
    await startCommand([], { env, taskQueue: rig.taskQueue });
    for (const id of ['1', '2', '3']) await eventually(async () => (await querySubject(client, task(id))).current);
    // Broken after the good plan started: an operator's later edit of another plan's file.
    const brokenFile = writeMonthlyPlan(plans.dir, brokenId);
    const text = readFileSync(brokenFile, 'utf8');
    writeFileSync(brokenFile, text.replace('lead: ["Sở Tài chính"]', 'lead: ["Sở Tài chính"'));
  });

  afterAll(async () => rig?.stop());

  beforeEach(() => {
    errors = [];
    jest.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line));
  });
  afterEach(() => {
    jest.restoreAllMocks();
  });

  test('status of the good plan lists its tasks and prints one warning naming the broken file and line', async () => {
    const entries = await eventually(async () => {
      const found = await statusCommand({ planId: plans.planId }, env);
      return found.length === 3 && found;
    });
    expect(entries.map((e) => e.title)).toEqual([
      'Nhiệm vụ 1: Tuyên truyền trên báo chí',
      'Nhiệm vụ 2: Bố trí kinh phí',
      'Nhiệm vụ 3: Bồi dưỡng cán bộ',
    ]);
    expect(warnings().length).toBeGreaterThan(0);
    for (const line of warnings()) {
      expect(line).toMatch(/^dondoc: cảnh báo \(warning\): bỏ qua tệp kế hoạch có lỗi /);
      expect(line).toMatch(problem);
      expect(line).not.toContain('\n');
    }
    // One line per call: the same folder read once per command.
    errors = [];
    await statusCommand({ planId: plans.planId, agency: 'STC' }, env);
    expect(warnings()).toHaveLength(1);
  });

  test('report submit to the good plan is received, with the warning', async () => {
    const receipt = await reportSubmitCommand(
      { plan: plans.planId, task: '2', agency: 'Sở Tài chính', text: 'Đã bố trí kinh phí' },
      env,
    );
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính' });
    expect(warnings()).toEqual([expect.stringMatching(problem)]);
  });

  test('admin pause and resume on the good plan work, each with the warning', async () => {
    const target = { planId: plans.planId, task: '3', by: 'Trần Thị B' };
    await adminCommand({ action: 'pause', ...target, reason: 'Chờ chỉ đạo' }, env);
    expect((await querySubject(client, task('3'))).status).toBe('paused');
    await adminCommand({ action: 'resume', ...target }, env);
    expect((await querySubject(client, task('3'))).status).not.toBe('paused');
    expect(warnings()).toEqual([expect.stringMatching(problem), expect.stringMatching(problem)]);
  });

  test('report submit, admin and status about the broken plan fail with its problem', async () => {
    const failure = {
      name: 'LookupError',
      message: expect.stringMatching(new RegExp(`kế hoạch "${brokenId}" không dùng được[^]*${problem.source}`)),
    };
    await expect(
      reportSubmitCommand({ plan: brokenId, task: '1', agency: 'Sở Tài chính', text: 'Số liệu' }, env),
    ).rejects.toMatchObject(failure);
    await expect(
      adminCommand({ action: 'pause', planId: brokenId, task: '1', by: 'A', reason: 'r' }, env),
    ).rejects.toMatchObject(failure);
    await expect(statusCommand({ planId: brokenId }, env)).rejects.toMatchObject(failure);
  });

  test('npx dondoc status --json prints the good plan on stdout and the warning alone on stderr', async () => {
    const { stdout, stderr } = await run('npx', ['dondoc', 'status', '--plan', plans.planId, '--json'], {
      env,
      timeout: 90_000,
    });
    expect((JSON.parse(stdout) as StatusEntry[]).map((e) => e.workflowId)).toEqual([task('1'), task('2'), task('3')]);
    expect(stderr.trimEnd().split('\n')).toEqual([expect.stringMatching(problem)]);
  });

  test('npx dondoc report submit to the broken plan exits 1 naming the file and line', async () => {
    const failed = await run(
      'npx',
      ['dondoc', 'report', 'submit', '--plan', brokenId, '--task', '1', '--agency', 'STC', '--text', 'Số liệu'],
      { env, timeout: 90_000 },
    ).catch((err: { code?: number; stderr?: string }) => err);
    expect(failed).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(new RegExp(`^dondoc: kế hoạch "${brokenId}" không dùng được[^]*${problem.source}`)),
    });
  });
});
