import { createHash } from 'node:crypto';
import type { SqlDriver } from '../../src/activities/storage/driver';
import { migrate, migrations } from '../../src/activities/storage/migrations';
import { openPostgresDriver } from '../../src/activities/storage/postgres-driver';
import { openSqliteDriver } from '../../src/activities/storage/sqlite-driver';
import type { Store } from '../../src/activities/storage/store';
import type { StoreReportInput } from '../../src/activities/types';
import { describeEachStore, type TestStore } from '../support/stores';

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('Báo cáo tháng')]);

function report(overrides: Partial<StoreReportInput> = {}): StoreReportInput {
  return {
    planId: 'keys',
    subject: { type: 'task', taskId: '1' },
    occurrenceId: '2026-m11',
    agency: 'Sở Tài chính',
    role: 'lead',
    submissionId: 'bao-cao-thang',
    text: 'Không có phát sinh',
    receivedAt: '2026-11-20T02:00:00.000Z',
    onTime: true,
    ...overrides,
  };
}

function openDriver(target: TestStore): Promise<SqlDriver> | SqlDriver {
  const { databaseUrl, schema, sqlitePath } = target.config;
  return databaseUrl ? openPostgresDriver(databaseUrl, { schema }) : openSqliteDriver(sqlitePath);
}

describeEachStore('stored reports keyed by plan, subject, period, agency and submission', (testStore) => {
  let store: Store;

  beforeAll(async () => {
    store = await testStore().open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('keeps the same submission id sent in two tasks as two reports, each listed for its task', async () => {
    const one = await store.saveReport(report({ planId: 'tasks' }));
    const two = await store.saveReport(report({ planId: 'tasks', subject: { type: 'task', taskId: '2' } }));
    expect([one.created, two.created]).toEqual([true, true]);
    expect(two.reportId).not.toBe(one.reportId);
    const listed = await store.listReports({ planId: 'tasks', occurrenceId: '2026-m11' });
    expect(listed.map((r) => [r.reportId, r.subject])).toEqual([
      [one.reportId, { type: 'task', taskId: '1' }],
      [two.reportId, { type: 'task', taskId: '2' }],
    ]);
  });

  it("keeps the same submission id sent for two periods as two reports, each in its period's list", async () => {
    const november = await store.saveReport(report({ planId: 'periods' }));
    const december = await store.saveReport(
      report({ planId: 'periods', occurrenceId: '2026-m12', receivedAt: '2026-12-20T02:00:00.000Z' }),
    );
    expect([november.created, december.created]).toEqual([true, true]);
    expect(december.reportId).not.toBe(november.reportId);
    // The summary of each period reads the reports of that period.
    expect((await store.listReports({ planId: 'periods', occurrenceId: '2026-m11' })).map((r) => r.reportId)).toEqual([
      november.reportId,
    ]);
    expect((await store.listReports({ planId: 'periods', occurrenceId: '2026-m12' })).map((r) => r.reportId)).toEqual([
      december.reportId,
    ]);
  });

  it('keeps the same submission id from two agencies of one task and period as two reports', async () => {
    const lead = await store.saveReport(report({ planId: 'agencies' }));
    const coordinator = await store.saveReport(
      report({ planId: 'agencies', agency: 'Sở Nội vụ', role: 'coordinators' }),
    );
    expect(coordinator).toMatchObject({ created: true });
    expect(coordinator.reportId).not.toBe(lead.reportId);
  });

  it('keeps one report when the same plan, subject, period, agency and submission come twice', async () => {
    const first = await store.saveReport(report({ planId: 'retry' }));
    const again = await store.saveReport(
      report({ planId: 'retry', text: 'Gửi lại', receivedAt: '2026-11-21T00:00:00Z' }),
    );
    expect(again).toEqual({ reportId: first.reportId, created: false });
    const listed = await store.listReports({ planId: 'retry' });
    expect(listed.map((r) => [r.reportId, r.text])).toEqual([[first.reportId, 'Không có phát sinh']]);
  });
});

describeEachStore('a database at schema version 1 with reports in it', (testStore) => {
  // Ids as version 1 derived them, from plan and submission only.
  const v1Id = (planId: string, submissionId: string) =>
    `r-${createHash('sha256').update(`${planId}\u0000${submissionId}`).digest('hex').slice(0, 24)}`;
  const sha = createHash('sha256').update(pdf).digest('hex');
  let store: Store;

  beforeAll(async () => {
    const driver = await openDriver(testStore());
    try {
      await migrate(
        driver,
        () => new Date('2026-01-01T00:00:00Z'),
        migrations.filter((m) => m.version === 1),
      );
      await driver.run(
        'INSERT INTO attachments (sha256, size, content_type, content, created_at) VALUES (?, ?, ?, ?, ?)',
        [sha, pdf.length, 'application/pdf', pdf, '2026-01-01T00:00:00.000Z'],
      );
      const rows: [string, string, string, string, string][] = [
        // plan, submission, task, period, agency
        ['old', 's-1', '1', '2026-m01', 'Sở Tài chính'],
        ['old', 's-2', '2', '2026-m01', 'Sở Nội vụ'],
        ['other', 's-1', '1', '2026-m01', 'Sở Tài chính'],
      ];
      for (const [planId, submissionId, taskId, occurrenceId, agency] of rows) {
        await driver.run(
          `INSERT INTO reports (id, plan_id, submission_id, subject_type, subject_id, occurrence_id, agency, role, text,
             received_at, on_time, stored_at) VALUES (?, ?, ?, 'task', ?, ?, ?, 'lead', ?, ?, 1, ?)`,
          [
            v1Id(planId, submissionId),
            planId,
            submissionId,
            taskId,
            occurrenceId,
            agency,
            `Báo cáo ${submissionId} của ${agency}`,
            '2026-01-20T02:00:00.000Z',
            '2026-01-20T02:00:01.000Z',
          ],
        );
      }
      await driver.run(
        'INSERT INTO report_attachments (report_id, position, sha256, filename, content_type, size) VALUES (?, 0, ?, ?, ?, ?)',
        [v1Id('old', 's-1'), sha, 'Báo cáo tháng 1.pdf', 'application/pdf', pdf.length],
      );
      expect(await driver.all('SELECT version FROM schema_migrations')).toEqual([{ version: 1 }]);
    } finally {
      await driver.close();
    }
    store = await testStore().open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('migrates to version 2 keeping every report, its attachments and its id', async () => {
    const driver = await openDriver(testStore());
    try {
      const versions = await driver.all<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version');
      // Later migrations follow; this test is about version 2 applied over version 1's data.
      expect(versions.map((v) => Number(v.version))).toEqual(expect.arrayContaining([1, 2]));
    } finally {
      await driver.close();
    }
    const old = await store.listReports({ planId: 'old' });
    expect(old.map((r) => [r.reportId, r.submissionId, r.subject, r.agency, r.text])).toEqual([
      [v1Id('old', 's-1'), 's-1', { type: 'task', taskId: '1' }, 'Sở Tài chính', 'Báo cáo s-1 của Sở Tài chính'],
      [v1Id('old', 's-2'), 's-2', { type: 'task', taskId: '2' }, 'Sở Nội vụ', 'Báo cáo s-2 của Sở Nội vụ'],
    ]);
    expect(old[0].attachments).toEqual([
      { sha256: sha, filename: 'Báo cáo tháng 1.pdf', contentType: 'application/pdf', size: pdf.length },
    ]);
    expect(old[1].attachments).toEqual([]);
    expect((await store.getAttachment(sha))?.content.equals(pdf)).toBe(true);
    expect(await store.getReport(v1Id('other', 's-1'))).toMatchObject({ planId: 'other', submissionId: 's-1' });
  });

  it('answers a retried report stored before the migration with its old id', async () => {
    const retried = await store.saveReport(
      report({ planId: 'old', submissionId: 's-1', occurrenceId: '2026-m01', text: 'Gửi lại' }),
    );
    expect(retried).toEqual({ reportId: v1Id('old', 's-1'), created: false });
  });

  it('takes a submission id used before the migration for another period as a new report', async () => {
    const february = await store.saveReport(report({ planId: 'old', submissionId: 's-1', occurrenceId: '2026-m02' }));
    expect(february.created).toBe(true);
    expect(february.reportId).not.toBe(v1Id('old', 's-1'));
    expect((await store.listReports({ planId: 'old', occurrenceId: '2026-m02' })).map((r) => r.reportId)).toEqual([
      february.reportId,
    ]);
  });
});
