import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createActivities } from '../../src/activities';
import { createPreviewMailer } from '../../src/activities/email/transport';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import { openStore } from '../../src/activities/storage';
import type { Store } from '../../src/activities/storage/store';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { subjectStateQuery, subjectWorkflowId, submitReportUpdate } from '../../src/workflows/contract';
import { nextDueKey, statusKey } from '../../src/workflows/search-attributes';
import { writeTestPlans } from '../support/plan-fixture';
import { eventually, runWorkerOnSharedServer, type SharedServerWorker } from '../support/temporal';

// Search attributes are what `dondoc status` and the Temporal UI list by: the dev server keeps them.
describe('search attributes say where a task stands', () => {
  const taskQueue = `dondoc-visibility-${randomBytes(4).toString('hex')}`;
  let root: string;
  let store: Store;
  let dondoc: SharedServerWorker;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-visibility-'));
    store = await openStore({ sqlitePath: join(root, 'dondoc.db') });
    const activities = createActivities({
      store,
      mailer: createPreviewMailer('dondoc <dondoc@localhost>'),
      plans: createPlanCatalog(join(root, 'plans')),
      calendar: await loadWorkingCalendar('plans/holidays'),
    });
    writeTestPlans(root);
    dondoc = await runWorkerOnSharedServer(taskQueue, activities);
  });

  afterAll(async () => {
    await dondoc?.stop();
    await store?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('clears the next due date once the last period has closed', async () => {
    const plans = writeTestPlans(root);
    const subject = { type: 'task', taskId: '2' } as const;
    const handle = await dondoc.client.workflow.start('subjectWorkflow', {
      taskQueue,
      workflowId: subjectWorkflowId(plans.planId, subject),
      args: [{ planId: plans.planId, subject }],
    });
    const { id } = (await eventually(async () => (await handle.query(subjectStateQuery)).current))!;
    await eventually(async () => (await handle.describe()).typedSearchAttributes.get(nextDueKey));
    await handle.executeUpdate(submitReportUpdate, {
      args: [{ agency: 'Sở Tài chính', occurrenceId: id, submissionId: 'stc', text: 'Đã hoàn thành' }],
    });
    await handle.result();
    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(statusKey)).toBe('completed');
    expect(attributes.get(nextDueKey)).toBeUndefined();
  });

  it('lists a task started after its dates as not followed, not completed', async () => {
    const plans = writeTestPlans(root);
    const subject = { type: 'task', taskId: '1' } as const;
    // A copy of the test plan whose only date is long past.
    const past = readFileSync(plans.file, 'utf8')
      .replace(/period: \{ from: "[^"]+", to: "[^"]+" \}/, 'period: { from: "2020-01-01", to: "2020-12-31" }')
      .replace(
        /Trước ngày \d{4}-\d{2}-\d{2}\n {6}rule: \{ type: date, date: "[^"]+" \}/g,
        'Trước ngày 2020-06-30\n      rule: { type: date, date: "2020-06-30" }',
      );
    writeFileSync(plans.file, past);
    const handle = await dondoc.client.workflow.start('subjectWorkflow', {
      taskQueue,
      workflowId: subjectWorkflowId(plans.planId, subject),
      args: [{ planId: plans.planId, subject }],
    });
    await handle.result();
    const attributes = (await handle.describe()).typedSearchAttributes;
    expect(attributes.get(statusKey)).toBe('not-followed');
    expect(attributes.get(nextDueKey)).toBeUndefined();
    expect((await handle.query(subjectStateQuery)).notFollowed).toEqual([
      expect.objectContaining({ id: 'completion', leadDue: '2020-06-30' }),
    ]);
  });
});
