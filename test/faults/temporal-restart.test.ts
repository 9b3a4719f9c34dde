/**
 * Fault test: the Temporal dev server stopped and started again on the same SQLite file and port while task workflows
 * wait on their reminder timers and while agencies report through the web page and by email reply. While it is down
 * the page answers 503 asking to send again, and the inbound listener answers 451 so the sending server retries; once
 * it is back the same form and the same message are taken, each recorded once and receipted once. The server also dies
 * after a workflow accepted a report and before the page heard back: the same form sent again is recognised.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import { openStore } from '../../src/activities/storage';
import type { Store } from '../../src/activities/storage/store';
import { subjectWorkflowId } from '../../src/workflows/contract';
import { eventually } from '../support/temporal';
import { startOutageRig, TASKS, type OutageRig, type TaskId } from './support/outage-rig';
import { startRestartableDevServer, type RestartableDevServer } from './support/outage-temporal';

jest.setTimeout(180_000);

const TRY_AGAIN = 'Hệ thống tạm thời không nhận được báo cáo, xin gửi lại sau ít phút.';

describe('the Temporal server restarted on the same SQLite file', () => {
  let root: string;
  let server: RestartableDevServer;
  let store: Store;
  let dbFile: string;
  let rig: OutageRig;
  let backAt = 0;

  const reportsOf = async (taskId: TaskId) =>
    (await store.listReports({ planId: rig.planId, subject: { type: 'task', taskId } })).filter(
      (r) => r.agency === TASKS[taskId].agency,
    );
  const receipts = (taskId: TaskId) => rig.mails('[Đã nhận báo cáo]', TASKS[taskId].email);
  const healthz = () => rig.app.inject({ method: 'GET', url: '/healthz' });

  /** What a refused request must have left as it was. */
  async function recorded(taskId: TaskId) {
    return { reports: (await reportsOf(taskId)).length, receipts: receipts(taskId).length };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-temporal-restart-'));
    server = await startRestartableDevServer(root);
    dbFile = join(root, 'dondoc.db');
    store = await openStore({ sqlitePath: dbFile });
    rig = await startOutageRig({
      root,
      address: server.address,
      store,
      storeEnv: { DONDOC_DB: dbFile },
      // The reminder timers come due during or after the outages (a whole minute, 20 to 80 s ahead).
      remindLeadMs: 20_000,
      submitTimeoutMs: 8_000,
      inboundTimeoutMs: 4_000,
    });
  });

  afterAll(async () => {
    if (server && !server.running()) await server.start().catch(() => undefined);
    await rig?.stop();
    await store?.close();
    await server?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('while it is down the page says to send again and the listener answers 451; after, each is taken once', async () => {
    expect(Date.now()).toBeLessThan(rig.remindAt.getTime());
    const form = await rig.openForm('1');
    const address = await rig.replyAddress('2');
    const message = {
      from: `Sở Nội vụ <${TASKS['2'].email}>`,
      to: address,
      subject: 'Re: [Nhắc hạn] Bồi dưỡng cán bộ',
      messageId: `<restart-${randomBytes(6).toString('hex')}@mail.sonv.example>`,
      text: 'Sở Nội vụ báo cáo: đã bồi dưỡng 40 cán bộ.',
    };

    await server.stop();
    const health = await healthz();
    expect(health.statusCode).toBe(503);
    expect(health.json()).toMatchObject({ temporal: 'unavailable', database: 'ok' });

    const page = await rig.post(form, 'Sở Tài chính báo cáo: đã bố trí kinh phí.');
    expect(page.statusCode).toBe(503);
    expect(page.headers['retry-after']).toBe('30');
    expect(page.body).toContain(TRY_AGAIN);
    // The same form, with its own token and the text kept, so sending it again is the same submission.
    expect(page.body).toContain(`name="_csrf" value="${form.csrf}"`);
    expect(page.body).toContain('Sở Tài chính báo cáo: đã bố trí kinh phí.');
    expect(page.body).not.toMatch(/\bat .+\.(ts|js):\d+|ServiceError|UNAVAILABLE|DEADLINE/);

    await expect(rig.sendReply(message)).rejects.toMatchObject({ responseCode: 451 });
    expect(await recorded('1')).toEqual({ reports: 0, receipts: 0 });
    expect(await recorded('2')).toEqual({ reports: 0, receipts: 0 });
    expect(await store.getInbound(message.messageId)).toBeUndefined();

    await server.start();
    backAt = Date.now();
    await eventually(async () => (await healthz()).statusCode === 200, 60_000);

    // The agency sends the page's form again; the sending mail server delivers the message again.
    const again = await eventually(async () => {
      const answer = await rig.post(form, 'Sở Tài chính báo cáo: đã bố trí kinh phí.');
      return answer.statusCode !== 503 && answer;
    }, 60_000);
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toMatch(/\/bien-nhan\/r-[\w-]+$/);
    const delivered = await eventually(() => rig.sendReply(message).catch(() => undefined), 60_000, 1_000);
    expect(delivered).toMatch(/^250 .*accepted/);

    for (const taskId of ['1', '2'] as const) {
      const [report, ...more] = await reportsOf(taskId);
      expect(more).toEqual([]);
      expect((await rig.view(taskId)).closed).toEqual([
        expect.objectContaining({ outcomes: { [TASKS[taskId].agency]: 'on-time' } }),
      ]);
      expect(report.reportId).toBeTruthy();
      await eventually(async () => receipts(taskId).length === 1, 60_000);
    }
    // Sending the same form once more is still one report, and the page says it was received before.
    const third = await rig.post(form, 'Sở Tài chính báo cáo: đã bố trí kinh phí.');
    expect(third.headers.location).toMatch(/\?lan-truoc=1$/);
    expect((await reportsOf('1')).length).toBe(1);
  });

  test('the server dies after the workflow accepted a report, before the page heard: the same form is one report', async () => {
    const form = await rig.openForm('3');
    const text = 'Sở Y tế báo cáo: đã khám sức khỏe cho 1.200 người.';
    const workflowId = subjectWorkflowId(rig.planId, { type: 'task', taskId: '3' });
    const submissionId = `web-${createHash('sha256').update(form.csrf).digest('hex').slice(0, 32)}`;
    // Another connection holds the store's write lock, so the accepted report waits in its storeReport activity.
    const lock = new Database(dbFile);
    lock.exec('BEGIN EXCLUSIVE');
    let locked = true;
    try {
      const posting = rig.post(form, text);
      await eventually(
        async () => {
          const history = await rig.client.workflow.getHandle(workflowId).fetchHistory();
          return (history.events ?? []).some(
            (e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId === submissionId,
          );
        },
        30_000,
        100,
      );
      await server.kill();
      const page = await posting;
      expect(page.statusCode).toBe(503);
      expect(page.body).toContain(TRY_AGAIN);
      expect(page.body).toContain(`name="_csrf" value="${form.csrf}"`);
      lock.exec('ROLLBACK');
      lock.close();
      locked = false;
      await server.start();
      backAt = Date.now();
    } finally {
      if (locked) {
        lock.exec('ROLLBACK');
        lock.close();
      }
    }
    // Sent again until Temporal answers: the report the workflow had accepted is the one answered.
    const again = await eventually(
      async () => {
        const answer = await rig.post(form, text);
        return answer.statusCode !== 503 && answer;
      },
      90_000,
      1_000,
    );
    expect(again.statusCode).toBe(303);
    expect(again.headers.location).toMatch(/\?lan-truoc=1$/);
    const receipt = await rig.app.inject({
      method: 'GET',
      url: again.headers.location as string,
      headers: { accept: 'text/html' },
    });
    expect(receipt.body).toContain('Báo cáo này đã được nhận từ lần gửi trước');
    const reports = await reportsOf('3');
    expect(reports.map((r) => r.submissionId)).toEqual([submissionId]);
    await eventually(async () => (await rig.view('3')).closed.length === 1, 60_000);
    await eventually(async () => receipts('3').length === 1, 60_000);
  });

  test('the reminder timer waiting through both outages fires after the server is back, once', async () => {
    const reminders = await eventually(
      async () => {
        const list = rig.mails('[Nhắc hạn]', TASKS['4'].email);
        return list.length > 0 && list;
      },
      Math.max(0, rig.remindAt.getTime() - Date.now()) + 60_000,
      500,
    );
    expect(reminders).toHaveLength(1);
    const sentAt = reminders[0].parsed.date?.getTime() ?? 0;
    expect(sentAt).toBeGreaterThanOrEqual(rig.remindAt.getTime() - 1_000);
    expect(Date.now()).toBeGreaterThan(backAt);
    // Nothing sent twice: one receipt per report, at most one reminder per agency, once things settle.
    await new Promise((r) => setTimeout(r, 3_000));
    for (const taskId of Object.keys(TASKS) as TaskId[]) {
      expect(rig.mails('[Nhắc hạn]', TASKS[taskId].email).length).toBeLessThanOrEqual(1);
      expect(receipts(taskId).length).toBe(taskId === '4' ? 0 : 1);
    }
  });
});
