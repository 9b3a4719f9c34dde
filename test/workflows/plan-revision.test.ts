import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { createScheduleActivities } from '../../src/activities/schedule';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { formatStartResult } from '../../src/cli/start';
import { loadPlanFile } from '../../src/plan/load';
import { applyHolidays } from '../../src/services/holidays-apply';
import { planFacts, planRevision } from '../../src/plan/revision';
import { applyPlanRevision, describeRevision, planRevisionPreview } from '../../src/services/plan-apply';
import { startPlanWorkflows } from '../../src/services/start-plans';
import { executeSubjectUpdate, querySubject } from '../../src/services/subject-updates';
import {
  closeOccurrenceUpdate,
  planStateQuery,
  planWorkflowId,
  subjectWorkflowId,
  type SubjectView,
} from '../../src/workflows/contract';
import { startOperatorRig, type OperatorRig } from '../cli/support/operator-rig';
import { eventually } from '../support/temporal';
import { testStoreConfigs, type TestStore } from '../support/stores';

jest.setTimeout(120_000);

const DIRECTORY = `province: Thử Nghiệm
placeholderEmails: true
agencies:
  - name: Ủy ban nhân dân tỉnh
    emails: ["vanthu@ubnd.thunghiem.example"]
  - name: Sở Thông tin và Truyền thông
    emails: ["vanthu@sotttt.thunghiem.example"]
  - name: Sở Tài chính
    emails: ["vanthu@sotc.thunghiem.example"]
  - name: Sở Nội vụ
    emails: ["vanthu@sonv.thunghiem.example"]
  - name: Sở Y tế
    emails: ["vanthu@soyt.thunghiem.example"]
`;

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

interface TaskSpec {
  id: string;
  title: string;
  lead: string;
  due?: string;
  monthly?: boolean;
}

function planYaml(planId: string, tasks: TaskSpec[]): string {
  const body = tasks
    .map(
      (t) => `  - id: "${t.id}"
    title: ${t.title}
    lead: ["${t.lead}"]
    timeframe:
${t.monthly ? '      text: Hằng tháng\n      rule: { type: every, unit: month }' : `      text: Trước ngày ${t.due}\n      rule: { type: date, date: "${t.due}" }`}
`,
    )
    .join('');
  return `id: ${planId}
title: Kế hoạch thử nghiệm điều chỉnh
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-40)}", to: "${isoDay(80)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
policy: { delivery: individual }
tasks:
${body}`;
}

describe('plan revisions applied to a running plan (dev server)', () => {
  let rig: OperatorRig;
  let store: TestStore;
  let client: Client;
  let root: string;
  let dir: string;
  let file: string;
  let holidaysDir: string;
  const planId = `revision-${randomBytes(4).toString('hex')}`;
  const task = (id: string) => subjectWorkflowId(planId, { type: 'task', taskId: id });
  const view = (id: string): Promise<SubjectView> => querySubject(client, task(id));
  const firstDue = isoDay(20);
  const movedDue = isoDay(33);
  const original: TaskSpec[] = [
    { id: '1', title: 'Tuyên truyền trên báo chí', lead: 'Sở Thông tin và Truyền thông', due: firstDue },
    { id: '2', title: 'Bố trí kinh phí', lead: 'Sở Tài chính', due: isoDay(25) },
    { id: '3', title: 'Cập nhật số liệu hằng tháng', lead: 'Sở Nội vụ', monthly: true },
  ];
  const revised: TaskSpec[] = [
    { ...original[0], lead: 'Sở Tài chính', due: movedDue },
    { ...original[2], lead: 'Sở Y tế' },
    { id: '4', title: 'Bồi dưỡng cán bộ', lead: 'Sở Y tế', due: isoDay(30) },
  ];
  const apply = (by = 'Nguyễn Văn A', reason = 'Kế hoạch điều chỉnh số 12/KH-UBND') =>
    applyPlanRevision(client, file, { plansDir: dir, by, reason });

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-revision-'));
    dir = join(root, 'plans');
    mkdirSync(join(dir, 'agencies'), { recursive: true });
    writeFileSync(join(dir, 'agencies', 'thu-nghiem.yaml'), DIRECTORY);
    file = join(dir, `${planId}.yaml`);
    writeFileSync(file, planYaml(planId, original));
    holidaysDir = join(root, 'holidays');
    cpSync('plans/holidays', holidaysDir, { recursive: true });
    const schedules = createScheduleActivities({
      plans: createPlanCatalog(dir),
      calendar: await loadWorkingCalendar(holidaysDir),
      reloadCalendar: () => loadWorkingCalendar(holidaysDir),
    });
    store = await testStoreConfigs()[0].create();
    rig = await startOperatorRig({
      name: 'revision',
      root,
      plansDir: dir,
      storeEnv: store.env,
      openStore: () => store.open(),
      // Schedules from a copy of the holiday files, which the holidays test changes.
      wrap: (real) => ({ ...real, ...schedules }),
    });
    client = rig.client;
    await startPlanWorkflows(client, [await loadPlanFile(file)], rig.taskQueue);
    for (const id of ['1', '2', '3']) await eventually(async () => (await view(id)).current);
  });

  afterAll(async () => {
    await rig?.stop();
    await store?.cleanup();
  });

  test('the plan workflow knows its revision; an invalid file is refused with the reason and nothing changes', async () => {
    const plan = await client.workflow.getHandle(planWorkflowId(planId)).query(planStateQuery);
    const { diff } = await planRevisionPreview(client, file, dir);
    expect(plan.revision).toMatch(/^[0-9a-f]{16}$/);
    expect(diff).toMatchObject({ running: plan.revision, next: plan.revision, same: true, lines: [] });

    // A draft beside the plan (not *.yaml, so the worker does not read it meanwhile and delay the other tests' steps).
    const draft = join(dir, `${planId}.draft`);
    writeFileSync(draft, planYaml(planId, [{ ...original[0], lead: 'Sở Không Có' }, original[1], original[2]]));
    await expect(
      applyPlanRevision(client, draft, { plansDir: dir, by: 'Nguyễn Văn A', reason: 'Thử' }),
    ).rejects.toMatchObject({
      name: 'PlanApplyError',
      message: expect.stringMatching(/không hợp lệ[^]*Sở Không Có/),
    });
    const after = await client.workflow.getHandle(planWorkflowId(planId)).query(planStateQuery);
    expect(after.revision).toBe(plan.revision);
    expect(after.revisions ?? []).toEqual([]);
    expect((await view('1')).lead).toEqual(['Sở Thông tin và Truyền thông']);
    expect((await view('1')).audit.filter((a) => a.action === 'plan-revised')).toEqual([]);
  });

  test('add, remove and change tasks: the new task runs, the removed one ends with its reason, the changed ones move; closed occurrences stay', async () => {
    // Close task 3's first (overdue) month so a closed occurrence exists before the revision.
    const monthly = await view('3');
    const closedId = monthly.current!.id;
    await executeSubjectUpdate(client, task('3'), closeOccurrenceUpdate, {
      occurrenceId: closedId,
      by: 'Nguyễn Văn A',
      reason: 'Đã họp giao ban',
    });
    const closedBefore = await eventually(async () => {
      const v = await view('3');
      return v.closed.some((c) => c.id === closedId) && v.closed;
    });

    writeFileSync(file, planYaml(planId, revised));
    const { diff } = await planRevisionPreview(client, file, dir);
    expect(diff.same).toBe(false);
    expect(diff.lines.join('\n')).toMatch(
      /~ Đổi nhiệm vụ 1 "Tuyên truyền trên báo chí": chủ trì: Sở Thông tin và Truyền thông → Sở Tài chính; thời hạn: "Trước ngày/,
    );
    expect(diff.lines.join('\n')).toMatch(/− Bỏ nhiệm vụ 2 "Bố trí kinh phí"/);
    expect(diff.lines.join('\n')).toMatch(/\+ Thêm nhiệm vụ 4 "Bồi dưỡng cán bộ" \(chủ trì: Sở Y tế/);

    // `dondoc start` / `dondoc up` on the changed file: still running, not applied, and says how to apply it.
    const [started] = await startPlanWorkflows(client, [await loadPlanFile(file)], rig.taskQueue);
    expect(started.outcome).toBe('running');
    expect(formatStartResult(started)).toMatch(/khác bản đang chạy[^]*chưa áp dụng[^]*dondoc plan apply/);
    expect((await view('2')).ended).toBeUndefined();

    const { result } = await apply();
    expect(result).toMatchObject({ applied: true, added: [task('4')], removed: [task('2')], failed: [] });
    expect([...result.revised].sort()).toEqual([task('1'), task('3')]);

    // The new task runs, from the revision applied.
    const added = await eventually(async () => (await view('4')).current && view('4'));
    expect(added.lead).toEqual(['Sở Y tế']);
    expect(added.revision).toBe(result.revision);

    // The removed one ended, with who and why in its audit trail; its history is kept.
    const removed = await eventually(async () => {
      const v = await view('2').catch(() => undefined);
      return v?.ended && v;
    });
    expect(removed.ended).toMatchObject({ by: 'Nguyễn Văn A', reason: 'Kế hoạch điều chỉnh số 12/KH-UBND' });
    expect(removed.audit.find((a) => a.action === 'ended-by-revision')?.detail).toContain(
      'Kế hoạch điều chỉnh số 12/KH-UBND',
    );
    const removedDescription = await client.workflow.getHandle(task('2')).describe();
    expect(removedDescription.status.name).toBe('COMPLETED');

    // The changed one reminds its new lead at the new date.
    const changed = await view('1');
    expect(changed.lead).toEqual(['Sở Tài chính']);
    expect(changed.current?.due.lead.nominal).toBe(movedDue);
    expect(changed.current?.owing).toEqual(['Sở Tài chính']);
    expect(changed.current?.nextStep?.party).toBe('lead');
    expect(Date.parse(changed.current!.nextStep!.at)).toBeGreaterThan(Date.parse(`${firstDue}T00:00:00+07:00`));
    const audit = changed.audit.find((a) => a.action === 'plan-revised');
    expect(audit).toMatchObject({ by: 'Nguyễn Văn A' });
    expect(audit?.detail).toMatch(/Cơ quan chủ trì: Sở Thông tin và Truyền thông → Sở Tài chính/);
    expect(audit?.detail).toMatch(/Lý do: Kế hoạch điều chỉnh số 12\/KH-UBND/);

    // The closed month keeps its outcomes for the old lead; the open ones owe the new lead.
    const monthlyAfter = await view('3');
    expect(monthlyAfter.closed).toEqual(closedBefore);
    expect(monthlyAfter.lead).toEqual(['Sở Y tế']);
    expect(monthlyAfter.current?.id).not.toBe(closedId);
    expect(monthlyAfter.current?.owing).toEqual(['Sở Y tế']);

    const plan = await client.workflow.getHandle(planWorkflowId(planId)).query(planStateQuery);
    expect(plan.revision).toBe(result.revision);
    expect(plan.revisions?.map((r) => [r.revision, r.by, r.reason])).toEqual([
      [result.revision, 'Nguyễn Văn A', 'Kế hoạch điều chỉnh số 12/KH-UBND'],
    ]);
    expect(plan.subjects.map((s) => s.workflowId)).toContain(task('4'));
  });

  test('applying the same revision twice changes nothing', async () => {
    const before = await Promise.all(['1', '3', '4'].map(view));
    const again = await apply('Trần Thị B', 'Áp dụng lại');
    expect(again.diff.same).toBe(true);
    expect(again.result.applied).toBe(false);
    // Through the update itself too (a second operator racing the first): the workflow answers applied: false.
    const direct = await client.workflow
      .getHandle(planWorkflowId(planId))
      .executeUpdate('applyRevision', { args: [{ revision: again.diff.next, by: 'Trần Thị B', reason: 'Lần nữa' }] });
    expect(direct).toMatchObject({ applied: false });
    const after = await Promise.all(['1', '3', '4'].map(view));
    expect(after.map((v) => v.audit.length)).toEqual(before.map((v) => v.audit.length));
    const plan = await client.workflow.getHandle(planWorkflowId(planId)).query(planStateQuery);
    expect(plan.revisions).toHaveLength(1);
  });

  test('holidays apply: a not-yet-due date that became a day off moves to the next working day, audited', async () => {
    const before = await view('4');
    const due = before.current!.due.lead.effective;
    const yearFile = join(holidaysDir, `${due.slice(0, 4)}.yaml`);
    writeFileSync(
      yearFile,
      readFileSync(yearFile, 'utf8').replace(
        /^daysOff:\n/m,
        `daysOff:\n  - { date: ${due}, name: "Nghỉ bù thử nghiệm" }\n`,
      ),
    );
    const entries = await applyHolidays(client, {
      plansDir: dir,
      by: 'Nguyễn Văn A',
      reason: 'Quyết định nghỉ lễ mới',
      planIds: [planId],
    });
    const mine = entries.find((e) => e.workflowId === task('4'));
    expect(mine?.outcome).toBe('moved');
    const after = await view('4');
    expect(after.current!.due.lead.effective > due).toBe(true);
    expect(after.current!.due.lead.nominal).toBe(before.current!.due.lead.nominal);
    const audit = after.audit.find((a) => a.action === 'holidays-applied');
    expect(audit).toMatchObject({ by: 'Nguyễn Văn A' });
    expect(audit?.detail).toContain(`hạn ${due.split('-').reverse().join('/')} →`);
    // Nothing else moved (their dates are not on that day), and a second run changes nothing.
    expect(entries.filter((e) => e.outcome === 'failed')).toEqual([]);
    const again = await applyHolidays(client, {
      plansDir: dir,
      by: 'Nguyễn Văn A',
      reason: 'Lần nữa',
      planIds: [planId],
    });
    expect(again.every((e) => e.outcome !== 'moved')).toBe(true);
    expect((await view('4')).audit.length).toBe(after.audit.length);
  });
});

describe('the plan catalog by revision', () => {
  test('a file edited since the last read is read again for its revision; another revision is refused', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dondoc-catalog-'));
    const dir = join(root, 'plans');
    mkdirSync(join(dir, 'agencies'), { recursive: true });
    writeFileSync(join(dir, 'agencies', 'thu-nghiem.yaml'), DIRECTORY);
    const file = join(dir, 'p.yaml');
    const spec: TaskSpec = { id: '1', title: 'Tuyên truyền', lead: 'Sở Tài chính', due: isoDay(20) };
    writeFileSync(file, planYaml('catalog-test', [spec]));
    // A long throttle: only the revision asked for makes it read again.
    const catalog = createPlanCatalog(dir, { rereadEveryMs: 3_600_000, refreshEveryMs: 3_600_000 });
    const first = await catalog.get('catalog-test');
    writeFileSync(file, planYaml('catalog-test', [{ ...spec, lead: 'Sở Y tế' }]));
    const edited = planRevision((await loadPlanFile(file)).plan);
    expect((await catalog.get('catalog-test')).plan).toBe(first.plan);
    expect((await catalog.get('catalog-test', { revision: edited })).plan.tasks[0].lead).toEqual(['Sở Y tế']);
    await expect(catalog.get('catalog-test', { revision: planRevision(first.plan) })).rejects.toMatchObject({
      name: 'RevisionMismatchError',
      message: expect.stringContaining('revision mismatch'),
    });
  });

  test('the difference names what changed in Vietnamese; rewording a task’s content is no revision', async () => {
    const root = mkdtempSync(join(tmpdir(), 'dondoc-catalog-'));
    mkdirSync(join(root, 'agencies'), { recursive: true });
    writeFileSync(join(root, 'agencies', 'thu-nghiem.yaml'), DIRECTORY);
    const file = join(root, 'p.yaml');
    const spec: TaskSpec = { id: '1', title: 'Tuyên truyền', lead: 'Sở Tài chính', due: isoDay(20) };
    writeFileSync(file, planYaml('diff-test', [spec]));
    const before = (await loadPlanFile(file)).plan;
    writeFileSync(
      file,
      planYaml('diff-test', [spec]).replace(
        'policy: { delivery: individual }',
        'policy: { delivery: individual, remindDaysBefore: [3] }',
      ),
    );
    const after = (await loadPlanFile(file)).plan;
    expect(describeRevision(planFacts(before), planFacts(after))).toEqual([
      '~ Đổi chính sách nhắc: remindDaysBefore: 7, 1 → 3',
    ]);
    expect(planRevision({ ...before, tasks: [{ ...before.tasks[0], content: 'Nội dung khác', line: 99 }] })).toBe(
      planRevision(before),
    );
  });
});
