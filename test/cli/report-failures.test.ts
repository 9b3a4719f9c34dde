import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { WorkflowUpdateFailedError, type Client } from '@temporalio/client';
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import type { Store } from '../../src/activities/storage/store';
import type { Activities } from '../../src/activities/types';
import { reportSubmitCommand } from '../../src/cli/report';
import { startCommand } from '../../src/cli/start';
import { executeSubjectUpdate, querySubject, UpdateRejectedError } from '../../src/services/subject-updates';
import { submitReportUpdate, subjectWorkflowId } from '../../src/workflows/contract';
import { writeTestPlans, type TestPlans } from '../support/plan-fixture';
import { describeEachStore } from '../support/stores';
import { eventually } from '../support/temporal';
import { startOperatorRig, type OperatorRig } from './support/operator-rig';

const run = promisify(execFile);

const MAINTENANCE = 'Cơ sở dữ liệu đang bảo trì';

describe('the reason of a rejected update', () => {
  it('is the innermost message of the cause chain, not "Activity task failed"', async () => {
    // What a task workflow started before the correctness patch answers when storeReport fails.
    const failure = new WorkflowUpdateFailedError(
      'Workflow Update failed',
      new ActivityFailure(
        'Activity task failed',
        'storeReport',
        '7',
        RetryState.NON_RETRYABLE_FAILURE,
        'worker-1',
        ApplicationFailure.nonRetryable(MAINTENANCE, 'StoreUnavailable'),
      ),
    );
    const client = {
      workflow: { getHandle: () => ({ executeUpdate: () => Promise.reject(failure) }) },
    } as unknown as Client;
    const rejected = await executeSubjectUpdate(client, 'plan/p/task/1', submitReportUpdate, {
      agency: 'Sở Tài chính',
      occurrenceId: 'completion',
      submissionId: 's-1',
      text: 'Báo cáo',
    }).catch((err: unknown) => err);
    expect(rejected).toBeInstanceOf(UpdateRejectedError);
    expect(rejected).toMatchObject({ reason: MAINTENANCE, message: `bị từ chối (rejected): ${MAINTENANCE}` });
  });
});

describeEachStore('report submit when the store fails', (testStore) => {
  let rig: OperatorRig;
  let plans: TestPlans;
  let env: NodeJS.ProcessEnv;
  let store: Store;
  let client: Client;
  // How many of the next storeReport calls fail with MAINTENANCE before the store is used again.
  let storeDown = 0;

  const task = (taskId: string) => subjectWorkflowId(plans.planId, { type: 'task', taskId });

  beforeAll(async () => {
    const root = mkdtempSync(join(tmpdir(), 'dondoc-report-failures-'));
    plans = writeTestPlans(root);
    rig = await startOperatorRig({
      name: 'report-failures',
      root,
      plansDir: plans.dir,
      storeEnv: testStore().env,
      openStore: () => testStore().open(),
      wrap: (real): Activities => ({
        ...real,
        async storeReport(input) {
          if (storeDown > 0) {
            storeDown--;
            throw ApplicationFailure.nonRetryable(MAINTENANCE, 'StoreUnavailable');
          }
          return real.storeReport(input);
        },
      }),
    });
    ({ env, store, client } = rig);
    await startCommand([], { env, taskQueue: rig.taskQueue });
    for (const id of ['1', '2', '3']) await eventually(async () => (await querySubject(client, task(id))).current);
  });

  afterAll(async () => rig?.stop());

  test("a report the store fails to keep is rejected with the store's reason; the same submission id then goes through", async () => {
    const options = { plan: plans.planId, task: '1', agency: 'STC', text: 'Ý kiến phối hợp', submissionId: 'down-1' };
    storeDown = 1;
    await expect(reportSubmitCommand(options, env)).rejects.toMatchObject({
      name: 'UpdateRejectedError',
      reason: MAINTENANCE,
    });
    expect((await querySubject(client, task('1'))).current?.reported).toEqual({});

    const receipt = await reportSubmitCommand(options, env);
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính', submissionId: 'down-1' });
    expect((await store.getReport(receipt.reportId))?.text).toBe('Ý kiến phối hợp');
  });

  test("a report naming an attachment the store does not hold is rejected with the store's reason; sent again without it, it is received", async () => {
    const occurrenceId = (await querySubject(client, task('2'))).current?.id as string;
    const ghost = { sha256: 'a'.repeat(64), filename: 'so-lieu.pdf', contentType: 'application/pdf', size: 10 };
    const report = { agency: 'Sở Tài chính', occurrenceId, submissionId: 'ghost-1', text: 'Báo cáo kinh phí' };
    await expect(
      executeSubjectUpdate(client, task('2'), submitReportUpdate, { ...report, attachments: [ghost] }),
    ).rejects.toMatchObject({
      name: 'UpdateRejectedError',
      reason: `Báo cáo ghost-1 tham chiếu tệp đính kèm chưa được lưu: ${ghost.sha256}`,
    });
    expect((await querySubject(client, task('2'))).current?.reported).toEqual({});

    const receipt = await reportSubmitCommand(
      { plan: plans.planId, task: '2', agency: 'Sở Tài chính', text: report.text, submissionId: 'ghost-1' },
      env,
    );
    expect(receipt).toMatchObject({ agency: 'Sở Tài chính', submissionId: 'ghost-1', occurrenceId });
  });

  test("npx dondoc report submit prints the store's reason on its dondoc: line, exits 1, and the retry is received", async () => {
    const args = [
      'dondoc',
      'report',
      'submit',
      '--plan',
      plans.planId,
      '--task',
      '3',
      '--agency',
      'Sở Nội vụ',
      '--text',
      'Báo cáo bồi dưỡng cán bộ',
      '--submission-id',
      'down-cli-1',
    ];
    storeDown = 1;
    const failed = await run('npx', args, { env, timeout: 90_000 }).catch(
      (err: { code?: number; stderr?: string }) => err,
    );
    expect(failed).toMatchObject({ code: 1, stderr: `dondoc: bị từ chối (rejected): ${MAINTENANCE}\n` });

    const { stdout } = await run('npx', args, { env, timeout: 90_000 });
    expect(stdout).toContain('Đã nhận báo cáo (report received)');
    expect(stdout).toContain('Mã lần gửi (submission id): down-cli-1');
  });
});
