import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import type { Store } from '../../src/activities/storage/store';
import { adminCommand } from '../../src/cli/admin';
import { reportSubmitCommand } from '../../src/cli/report';
import { formatStartResult, startCommand } from '../../src/cli/start';
import { formatStatus, statusCommand, type StatusEntry } from '../../src/cli/status';
import { Mailbox } from '../../src/mail-capture/mailbox';
import { querySubject } from '../../src/services/subject-updates';
import { planWorkflowId, submitReportUpdate, subjectWorkflowId, type SubjectView } from '../../src/workflows/contract';
import { eventually } from '../support/temporal';
import { startOperatorRig, type OperatorRig } from './support/operator-rig';
import { writeMonthlyPlan, writeTestPlans, type TestPlans } from '../support/plan-fixture';
import { describeEachStore } from '../support/stores';

const run = promisify(execFile);

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

describeEachStore('operator commands against a running worker', (testStore) => {
  let rig: OperatorRig;
  let root: string;
  let taskQueue: string;
  let plans: TestPlans;
  let env: NodeJS.ProcessEnv;
  let store: Store;
  let client: Client;

  const task = (taskId: string) => subjectWorkflowId(plans.planId, { type: 'task', taskId });
  const view = (taskId: string): Promise<SubjectView> => querySubject(client, task(taskId));

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-cli-'));
    plans = writeTestPlans(root);
    rig = await startOperatorRig({
      name: 'cli',
      root,
      plansDir: plans.dir,
      storeEnv: testStore().env,
      openStore: () => testStore().open(),
    });
    ({ taskQueue, env, store, client } = rig);
  });

  afterAll(async () => rig?.stop());

  test('start starts the plan workflow once; a second start reports it already running', async () => {
    const first = await startCommand([], { env, taskQueue });
    expect(first.map((r) => [r.planId, r.outcome])).toEqual([[plans.planId, 'started']]);
    const second = await startCommand([plans.file], { env, taskQueue });
    expect(second.map((r) => [r.planId, r.outcome])).toEqual([[plans.planId, 'running']]);
    expect(second[0].runId).toBe(first[0].runId);
    expect(formatStartResult(second[0])).toContain('already running');
    // Every subject has loaded its schedule before the next tests send it updates.
    for (const id of ['1', '2', '3']) await eventually(async () => (await view(id)).current);
  });

  test('start refuses a plan file outside the plans folder the worker reads, says how to fix it, and starts nothing', async () => {
    const planId = `${plans.planId}-outside`;
    const elsewhere = join(root, 'elsewhere');
    mkdirSync(join(elsewhere, 'agencies'), { recursive: true });
    copyFileSync(join(plans.dir, 'agencies', 'thu-nghiem.yaml'), join(elsewhere, 'agencies', 'thu-nghiem.yaml'));
    const file = writeMonthlyPlan(elsewhere, planId);
    await expect(startCommand([file], { env, taskQueue })).rejects.toMatchObject({
      name: 'CommandError',
      exitCode: 1,
      message: expect.stringMatching(
        new RegExp(`nothing started[^]*nằm ngoài thư mục kế hoạch[^]*${plans.dir}[^]*DONDOC_PLANS_DIR[^]*Chép tệp vào`),
      ),
    });
    const cli = await run('npx', ['dondoc', 'start', file], { env, timeout: 90_000 }).catch(
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(cli).toMatchObject({ code: 1, stderr: expect.stringContaining(`kế hoạch "${planId}"`) });
    await expect(client.workflow.getHandle(planWorkflowId(planId)).describe()).rejects.toMatchObject({
      name: 'WorkflowNotFoundError',
    });
  });

  test('start refuses a plan whose id another file of the plans folder declares too', async () => {
    const planId = `${plans.planId}-twice`;
    const first = writeMonthlyPlan(plans.dir, planId);
    const copy = join(plans.dir, `${planId}-copy.yaml`);
    copyFileSync(first, copy);
    try {
      await expect(startCommand([copy], { env, taskQueue })).rejects.toMatchObject({
        name: 'CommandError',
        message: expect.stringMatching(
          new RegExp(`còn có .*${planId}\\.yaml cùng id "${planId}" \\(duplicate plan id\\)`),
        ),
      });
      await expect(client.workflow.getHandle(planWorkflowId(planId)).describe()).rejects.toMatchObject({
        name: 'WorkflowNotFoundError',
      });
    } finally {
      rmSync(first);
      rmSync(copy);
    }
  });

  test('status lists every task of the plan through visibility, with its period and due date', async () => {
    const entries = await eventually(async () => {
      const found = await statusCommand({ planId: plans.planId }, env);
      return found.length === 3 && found.every((e) => e.view?.current) && found;
    });
    expect(entries.map((e) => e.title)).toEqual([
      'Nhiệm vụ 1: Tuyên truyền trên báo chí',
      'Nhiệm vụ 2: Bố trí kinh phí',
      'Nhiệm vụ 3: Bồi dưỡng cán bộ',
    ]);
    expect(entries.map((e) => e.status)).toEqual(['active', 'active', 'active']);
    expect(entries[0].view?.current?.due.lead.nominal).toBe(isoDay(20));
    expect(entries[0].view?.current?.owing).toEqual(
      expect.arrayContaining(['Sở Tài chính', 'Sở Thông tin và Truyền thông']),
    );
    const text = formatStatus(entries).join('\n');
    expect(text).toContain('Trạng thái: đang theo dõi');
    expect(text).toContain('Chưa báo cáo: Sở Tài chính');
    expect(text).toContain('Tổng: 3; đang theo dõi 3;');
  });

  test('status finds the tasks of an agency by its alias, as lead or coordinator', async () => {
    const ids = (entries: StatusEntry[]) => entries.map((e) => (e.subject.type === 'task' ? e.subject.taskId : ''));
    const finance = await eventually(async () => {
      const found = await statusCommand({ planId: plans.planId, agency: 'STC' }, env);
      return found.length === 2 && found;
    });
    expect(ids(finance)).toEqual(['1', '2']);
    const home = await statusCommand({ planId: plans.planId, agency: 'so noi vu' }, env);
    expect(ids(home)).toEqual(['3']);
    expect(await statusCommand({ planId: plans.planId, overdue: true }, env)).toEqual([]);
  });

  test('status rejects an agency the directory does not know, naming close ones', async () => {
    await expect(statusCommand({ planId: plans.planId, agency: 'Sở Tài chánh' }, env)).rejects.toMatchObject({
      name: 'LookupError',
      message: expect.stringContaining('Có phải: Sở Tài chính'),
    });
  });

  test('report submit returns a receipt; the same submission id again is rejected as a duplicate', async () => {
    const attachment = join(root, 'bang-so-lieu.txt');
    writeFileSync(attachment, 'Số liệu quý\n');
    const options = {
      plan: plans.planId,
      task: '1',
      agency: 'STC',
      text: 'Ý kiến phối hợp của Sở Tài chính',
      submissionId: 'cli-test-1',
      attach: [attachment],
    };
    const receipt = await reportSubmitCommand(options, env);
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính', submissionId: 'cli-test-1', onTime: true });
    const stored = await store.getReport(receipt.reportId);
    expect(stored?.attachments.map((a) => a.filename)).toEqual(['bang-so-lieu.txt']);
    expect(stored?.text).toBe('Ý kiến phối hợp của Sở Tài chính');

    await expect(reportSubmitCommand({ ...options, text: 'Gửi lại' }, env)).rejects.toMatchObject({
      name: 'UpdateRejectedError',
      reason: expect.stringContaining('Trùng lặp'),
    });
    expect(Object.keys((await view('1')).current?.reported ?? {})).toEqual(['Sở Tài chính']);
  });

  test("the coordinator's input reaches the lead by email, with its text and file", async () => {
    const mailbox = new Mailbox(join(root, 'mail'));
    const forward = await eventually(async () =>
      (await mailbox.list()).find((m) => m.subject.startsWith('[Ý kiến phối hợp]')),
    );
    expect(forward.to).toEqual(['vanthu@sotttt.thunghiem.example']);
    expect(forward.subject).toContain('Nhiệm vụ 1');
    const mail = await mailbox.read(forward.id);
    expect(mail?.text).toContain('Sở Tài chính đã gửi ý kiến, số liệu phối hợp');
    expect(mail?.text).toContain('> Ý kiến phối hợp của Sở Tài chính');
    expect(mail?.text).toContain('Đã nhận đủ ý kiến của các cơ quan phối hợp.');
    expect(mail?.attachments.map((a) => [a.filename, a.content.toString('utf8')])).toEqual([
      ['bang-so-lieu.txt', 'Số liệu quý\n'],
    ]);
  });

  test('report submit rejects an agency that is not in the directory, with the reason', async () => {
    await expect(
      reportSubmitCommand({ plan: plans.planId, task: '1', agency: 'Sở Không Có', text: 'x' }, env),
    ).rejects.toMatchObject({ name: 'LookupError', message: expect.stringContaining('không có trong danh bạ') });
  });

  test('report submit rejects an agency that neither leads nor coordinates the task', async () => {
    await expect(
      reportSubmitCommand({ plan: plans.planId, task: '1', agency: 'Sở Y tế', text: 'Báo cáo' }, env),
    ).rejects.toMatchObject({
      name: 'UpdateRejectedError',
      reason: '"Sở Y tế" không chủ trì hay phối hợp nhiệm vụ này',
    });
  });

  test('the report update rejects an empty report and a period the task does not have, with reasons', async () => {
    const handle = client.workflow.getHandle(subjectWorkflowId(plans.planId, { type: 'task', taskId: '1' }));
    const current = (await view('1')).current?.id as string;
    const submit = (text: string, occurrenceId: string) =>
      handle.executeUpdate(submitReportUpdate, {
        args: [{ agency: 'Sở Tài chính', occurrenceId, submissionId: `x-${randomBytes(4).toString('hex')}`, text }],
      });
    await expect(submit('   ', current)).rejects.toMatchObject({
      cause: { message: expect.stringContaining('Báo cáo trống') },
    });
    await expect(submit('Báo cáo', '1999-annual')).rejects.toMatchObject({
      cause: { message: expect.stringContaining('Không có kỳ báo cáo "1999-annual"') },
    });
  });

  test('admin extend moves the lead due date and the query shows it', async () => {
    const before = await view('2');
    const result = await adminCommand(
      { action: 'extend', planId: plans.planId, task: '2', to: isoDay(40), by: 'Nguyễn Văn A', reason: 'Chờ số liệu' },
      env,
    );
    expect(result.due?.nominal).toBe(isoDay(40));
    const after = await view('2');
    expect(after.current?.id).toBe(before.current?.id);
    expect(after.current?.due.lead.nominal).toBe(isoDay(40));
    expect(after.current?.extensions).toEqual([
      expect.objectContaining({ grantedBy: 'Nguyễn Văn A', reason: 'Chờ số liệu', from: before.current?.due.lead }),
    ]);
  });

  test('admin extend to a date before the current due date is rejected with the reason', async () => {
    await expect(
      adminCommand({ action: 'extend', planId: plans.planId, task: '3', to: isoDay(1), by: 'A', reason: 'r' }, env),
    ).rejects.toMatchObject({ name: 'UpdateRejectedError', reason: expect.stringContaining('phải sau hạn hiện tại') });
  });

  test('admin pause, resume and cancel appear in the audit trail and in status', async () => {
    const target = { planId: plans.planId, task: '3', by: 'Trần Thị B' };
    await adminCommand({ action: 'pause', ...target, reason: 'Chờ chỉ đạo' }, env);
    expect((await view('3')).status).toBe('paused');
    await adminCommand({ action: 'resume', ...target }, env);
    await adminCommand({ action: 'cancel', ...target, reason: 'Không còn phù hợp' }, env);
    const audit = (await view('3')).audit;
    expect(audit.filter((e) => ['pause', 'resume', 'cancel'].includes(e.action)).map((e) => [e.action, e.by])).toEqual([
      ['pause', 'Trần Thị B'],
      ['resume', 'Trần Thị B'],
      ['cancel', 'Trần Thị B'],
    ]);
    const cancelled = await eventually(async () => {
      const found = await statusCommand({ planId: plans.planId, agency: 'Sở Nội vụ' }, env);
      return found[0]?.status === 'cancelled' && found;
    });
    expect(formatStatus(cancelled).join('\n')).toContain('Trạng thái: đã hủy');
  });

  test('npx dondoc status --json prints the views of the plan', async () => {
    const { stdout } = await run('npx', ['dondoc', 'status', '--plan', plans.planId, '--json'], {
      env,
      timeout: 90_000,
    });
    const entries = JSON.parse(stdout) as StatusEntry[];
    expect(entries.map((e) => e.workflowId)).toEqual([task('1'), task('2'), task('3')]);
    expect(entries[0].view?.current?.reported['Sở Tài chính']?.submissionId).toBe('cli-test-1');
  });

  test('a report for a period an admin closed is rejected with the reason; the next period takes reports', async () => {
    const planId = `${plans.planId}-monthly`;
    const file = writeMonthlyPlan(plans.dir, planId);
    await startCommand([file], { env, taskQueue });
    const workflowId = subjectWorkflowId(planId, { type: 'task', taskId: '1' });
    const first = (
      await eventually(async () => (await querySubject(client, workflowId).catch(() => undefined))?.current)
    ).id;
    await adminCommand(
      { action: 'close', planId, task: '1', period: first, by: 'Lê Văn C', reason: 'Đã họp giao ban' },
      env,
    );
    // Closing moves the task to its next month (a new run of the workflow, after continue-as-new).
    const next = await eventually(async () => {
      const current = (await querySubject(client, workflowId).catch(() => undefined))?.current;
      return current && current.id !== first && current;
    });
    const report = { plan: planId, task: '1', agency: 'Sở Tài chính', text: 'Số liệu tháng' };
    await expect(reportSubmitCommand({ ...report, period: first }, env)).rejects.toMatchObject({
      name: 'UpdateRejectedError',
      reason: `Kỳ báo cáo "${first}" đã đóng`,
    });
    const receipt = await reportSubmitCommand({ ...report, period: next.id }, env);
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính', occurrenceId: next.id, onTime: true });
  });

  test('a report to a task whose every period is closed says the task has ended', async () => {
    const { current } = await view('2');
    await adminCommand(
      { action: 'close', planId: plans.planId, task: '2', period: current?.id, by: 'A', reason: 'Xong' },
      env,
    );
    // Closed without the lead's report: the task has ended, and says that a report is missing.
    await eventually(async () => (await view('2')).status === 'ended-missing');
    await expect(
      reportSubmitCommand(
        { plan: plans.planId, task: '2', agency: 'Sở Tài chính', period: current?.id, text: 'Muộn' },
        env,
      ),
    ).rejects.toMatchObject({ name: 'UpdateRejectedError', reason: expect.stringContaining('đã kết thúc') });
  });
});
