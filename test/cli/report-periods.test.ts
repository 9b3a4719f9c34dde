import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Client } from '@temporalio/client';
import type { Store } from '../../src/activities/storage/store';
import { formatReceipt, reportSubmitCommand } from '../../src/cli/report';
import { startCommand } from '../../src/cli/start';
import { querySubject } from '../../src/services/subject-updates';
import { subjectWorkflowId, type OpenOccurrenceView } from '../../src/workflows/contract';
import { writeMonthlyPlan, writeTestPlans } from '../support/plan-fixture';
import { describeEachStore } from '../support/stores';
import { eventually } from '../support/temporal';
import { startOperatorRig, type OperatorRig } from './support/operator-rig';

const run = promisify(execFile);

describeEachStore('report submit of the same text in two monthly periods', (testStore) => {
  let rig: OperatorRig;
  let planId: string;
  let env: NodeJS.ProcessEnv;
  let store: Store;
  let client: Client;
  let workflowId: string;
  let first: OpenOccurrenceView;
  let second: OpenOccurrenceView;

  const text = 'Không có phát sinh';
  const report = () => ({ plan: planId, task: '1', agency: 'STC', text });
  const current = async () => (await querySubject(client, workflowId).catch(() => undefined))?.current;

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'dondoc-report-periods-'));
    const plans = writeTestPlans(root);
    rmSync(plans.file);
    planId = `${plans.planId}-monthly`;
    writeMonthlyPlan(plans.dir, planId);
    rig = await startOperatorRig({
      name: 'report-periods',
      root,
      plansDir: plans.dir,
      storeEnv: testStore().env,
      openStore: () => testStore().open(),
    });
    ({ env, store, client } = rig);
    workflowId = subjectWorkflowId(planId, { type: 'task', taskId: '1' });
    await startCommand([], { env, taskQueue: rig.taskQueue });
    first = await eventually(current);
  });

  afterAll(async () => rig?.stop());

  test("the first month's report is received, and its receipt names the period by label and id", async () => {
    const receipt = await reportSubmitCommand(report(), env);
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính', occurrenceId: first.id, occurrenceLabel: first.label });
    expect(formatReceipt(receipt)).toContain(`  Kỳ báo cáo: ${first.label} (${first.id})`);
  });

  test('sent again without --period once the next month is open, it is refused with how to send it for that month', async () => {
    // The lead's report closed the first month: the task moves on to the next one by itself.
    second = await eventually(async () => {
      const open = await current();
      return open && open.id !== first.id && open;
    });
    const hint =
      `báo cáo giống hệt đã được nhận cho kỳ ${first.label} (${first.id}); ` +
      `nếu đây là báo cáo cho kỳ ${second.label} (${second.id}) đang mở, gửi lại với --period ${second.id}`;
    await expect(reportSubmitCommand(report(), env)).rejects.toMatchObject({
      name: 'UpdateRejectedError',
      reason: hint,
    });

    const cli = await run(
      'npx',
      ['dondoc', 'report', 'submit', '--plan', planId, '--task', '1', '--agency', 'STC', '--text', text],
      { env, timeout: 90_000 },
    ).catch((err: { code?: number; stderr?: string }) => err);
    expect(cli).toMatchObject({ code: 1, stderr: `dondoc: bị từ chối (rejected): ${hint}\n` });
    expect((await current())?.reported).toEqual({});
  });

  test("with --period naming the open month the same text is that month's report; sent again, it is a duplicate", async () => {
    const receipt = await reportSubmitCommand({ ...report(), period: second.id }, env);
    expect(receipt).toMatchObject({ occurrenceId: second.id, occurrenceLabel: second.label });
    expect(formatReceipt(receipt)).toContain(`  Kỳ báo cáo: ${second.label} (${second.id})`);
    await expect(reportSubmitCommand({ ...report(), period: second.id }, env)).rejects.toMatchObject({
      name: 'UpdateRejectedError',
      reason: `Trùng lặp: lần gửi "${receipt.submissionId}" đã được nhận cho kỳ ${second.label} (${second.id})`,
    });
    // Both months keep their own report, so each month's summary counts it.
    const stored = await store.listReports({ planId });
    expect(stored.map((r) => [r.occurrenceId, r.text])).toEqual([
      [first.id, text],
      [second.id, text],
    ]);
  });
});
