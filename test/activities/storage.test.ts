import { AttachmentRejectedError } from '../../src/activities/storage/attachments';
import { migrations } from '../../src/activities/storage/migrations';
import type { Store } from '../../src/activities/storage/store';
import type { StoreReportInput } from '../../src/activities/types';
import { describeEachStore, type TestStore } from '../support/stores';

const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('Báo cáo kết quả 6 tháng'.normalize('NFC'))]);

function report(overrides: Partial<StoreReportInput> = {}): StoreReportInput {
  return {
    planId: 'dak-nong-ttdn-2025',
    subject: { type: 'task', taskId: '2.4.1' },
    occurrenceId: '2025-six-month',
    agency: 'Sở Văn hóa, Thể thao và Du lịch',
    role: 'lead',
    submissionId: 'sub-1',
    text: 'Đã tổ chức 3 hội nghị tuyên truyền; phát hành 1.200 tờ gấp.',
    receivedAt: '2025-05-14T02:30:00.000Z',
    onTime: true,
    ...overrides,
  };
}

describeEachStore('store', (testStore) => {
  let target: TestStore;
  let store: Store;
  let now = new Date('2025-05-14T03:00:00.000Z');

  beforeAll(async () => {
    target = testStore();
    store = await target.open({ clock: () => now });
  });
  afterAll(async () => {
    await store?.close();
  });

  it('runs the migrations once: opening the same database again applies nothing and keeps the data', async () => {
    await store.saveReport(report({ submissionId: 'sub-migrate' }));
    const again = await target.open();
    try {
      expect((await again.listReports({ planId: 'dak-nong-ttdn-2025' })).map((r) => r.submissionId)).toContain(
        'sub-migrate',
      );
    } finally {
      await again.close();
    }
    expect(migrations.map((m) => m.version)).toEqual([...migrations.keys()].map((i) => i + 1));
  });

  it('keeps a report once per submission and returns the same id when the activity is retried', async () => {
    const first = await store.saveReport(report({ submissionId: 'sub-retry' }));
    const second = await store.saveReport(report({ submissionId: 'sub-retry', text: 'khác' }));
    expect(first.created).toBe(true);
    expect(second).toEqual({ reportId: first.reportId, created: false });
    const stored = await store.getReport(first.reportId);
    expect(stored).toMatchObject({
      subject: { type: 'task', taskId: '2.4.1' },
      role: 'lead',
      onTime: true,
      text: 'Đã tổ chức 3 hội nghị tuyên truyền; phát hành 1.200 tờ gấp.',
    });
  });

  it('lists the reports of one period across subjects, with their attachments in order', async () => {
    const a = await store.putAttachment({ filename: 'Báo cáo.pdf', contentType: 'application/pdf', content: pdf });
    const b = await store.putAttachment({
      filename: 'ghi-chu.txt',
      contentType: 'text/plain; charset=utf-8',
      content: Buffer.from('Ghi chú'),
    });
    await store.saveReport(report({ submissionId: 'p-1', planId: 'p', attachments: [b, a] }));
    await store.saveReport(
      report({
        submissionId: 'p-2',
        planId: 'p',
        subject: { type: 'deliverable', deadlineId: 'plan-2025' },
        receivedAt: '2025-05-15T00:00:00.000Z',
      }),
    );
    await store.saveReport(
      report({ submissionId: 'p-3', planId: 'p', occurrenceId: '2025-annual', receivedAt: '2025-11-14T02:00:00.000Z' }),
    );
    const listed = await store.listReports({ planId: 'p', occurrenceId: '2025-six-month' });
    expect(listed.map((r) => r.submissionId)).toEqual(['p-1', 'p-2']);
    expect(listed[0].attachments.map((f) => f.filename)).toEqual(['ghi-chu.txt', 'Báo cáo.pdf']);
    expect(listed[1].subject).toEqual({ type: 'deliverable', deadlineId: 'plan-2025' });
    const bySubject = await store.listReports({ planId: 'p', subject: { type: 'task', taskId: '2.4.1' } });
    expect(bySubject.map((r) => r.submissionId)).toEqual(['p-1', 'p-3']);
  });

  it('stores an attachment once by content hash and gives back the same bytes', async () => {
    const first = await store.putAttachment({ filename: 'a.pdf', contentType: 'application/pdf', content: pdf });
    const second = await store.putAttachment({ filename: 'b.pdf', contentType: 'application/pdf', content: pdf });
    expect(second.sha256).toBe(first.sha256);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
    const back = await store.getAttachment(first.sha256);
    expect(back?.content.equals(pdf)).toBe(true);
    expect(await store.missingAttachments([first.sha256, 'f'.repeat(64)])).toEqual(['f'.repeat(64)]);
  });

  it.each([
    [
      'too large',
      { filename: 'lon.pdf', contentType: 'application/pdf', content: Buffer.concat([pdf, Buffer.alloc(2048)]) },
      'AttachmentTooLarge',
      /vượt giới hạn/,
    ],
    [
      'an executable',
      { filename: 'virus.exe', contentType: 'application/x-msdownload', content: Buffer.from('MZ') },
      'AttachmentTypeNotAllowed',
      /không được chấp nhận/,
    ],
    [
      'a renamed file',
      { filename: 'bao-cao.pdf', contentType: 'application/pdf', content: Buffer.from('MZ....') },
      'AttachmentContentMismatch',
      /không phải định dạng \.pdf/,
    ],
    ['empty', { filename: 'rong.txt', contentType: 'text/plain', content: Buffer.alloc(0) }, 'AttachmentEmpty', /rỗng/],
  ])('refuses an attachment that is %s with a clear Vietnamese error', async (_what, input, code, message) => {
    const limited = await target.open({
      attachmentLimits: { maxBytes: 1024, types: { 'application/pdf': ['.pdf'], 'text/plain': ['.txt'] } },
    });
    try {
      const error = await limited.putAttachment(input).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AttachmentRejectedError);
      expect(error).toMatchObject({ code, message: expect.stringMatching(message) });
    } finally {
      await limited.close();
    }
  });

  it('refuses a report whose attachment was never stored', async () => {
    const ghost = { sha256: '0'.repeat(64), filename: 'x.pdf', contentType: 'application/pdf', size: 1 };
    await expect(store.saveReport(report({ submissionId: 'ghost', attachments: [ghost] }))).rejects.toMatchObject({
      code: 'UnknownAttachment',
    });
    expect(
      await store.listReports({ planId: 'dak-nong-ttdn-2025', occurrenceId: '2025-six-month' }),
    ).not.toContainEqual(expect.objectContaining({ submissionId: 'ghost' }));
  });

  describe('send log', () => {
    const claim = (key: string, leaseMs = 60_000) => ({
      key,
      messageId: `<${key}@dondoc>`,
      kind: 'reminder' as const,
      planId: 'p',
      recipients: ['vhttdl@daknong.example'],
      subjectLine: '[Nhắc hạn] 1/KH-UBND',
      leaseMs,
    });

    it('claims a new key, then answers already-sent once it is marked sent', async () => {
      const first = await store.claimSend(claim('k-sent'));
      expect(first).toMatchObject({ outcome: 'claimed', entry: { status: 'sending', attempts: 1 } });
      const sent = await store.markSent('k-sent');
      expect(sent).toMatchObject({ status: 'sent', firstSentAt: now.toISOString() });
      const again = await store.claimSend(claim('k-sent'));
      expect(again.outcome).toBe('already-sent');
      expect((await store.getSend('k-sent'))?.attempts).toBe(1);
    });

    it('leaves a live claim alone and takes over a claim whose lease has run out', async () => {
      await store.claimSend(claim('k-live', 30_000));
      expect((await store.claimSend(claim('k-live', 30_000))).outcome).toBe('in-progress');
      const before = now;
      now = new Date(before.getTime() + 31_000);
      try {
        const takeover = await store.claimSend(claim('k-live', 30_000));
        expect(takeover).toMatchObject({ outcome: 'claimed', entry: { attempts: 2 }, previous: { status: 'sending' } });
      } finally {
        now = before;
      }
    });

    it('lets the next attempt retry a failed send and keeps the last error for people to see', async () => {
      await store.claimSend(claim('k-failed'));
      await store.markFailed('k-failed', 'failed', 'connect ECONNREFUSED 127.0.0.1:2525');
      expect(await store.listSends({ status: 'failed' })).toContainEqual(
        expect.objectContaining({ key: 'k-failed', lastError: 'connect ECONNREFUSED 127.0.0.1:2525' }),
      );
      const retry = await store.claimSend(claim('k-failed'));
      expect(retry).toMatchObject({ outcome: 'claimed', entry: { attempts: 2, status: 'sending' } });
    });

    it('lets exactly one of many concurrent attempts claim the same key', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, () => store.claimSend(claim('k-race'))));
      expect(results.filter((r) => r.outcome === 'claimed')).toHaveLength(1);
      expect(results.filter((r) => r.outcome === 'in-progress')).toHaveLength(7);
    });
  });

  it('records an audit entry once even when the activity is retried', async () => {
    const entry = {
      at: '2025-05-16T01:00:00.000Z',
      action: 'extension',
      by: 'Nguyễn Văn A',
      detail: 'Gia hạn đến 20/5/2025',
      occurrenceId: '2025-six-month',
    };
    const subject = { type: 'task' as const, taskId: '2.4.1' };
    expect(await store.appendAudit({ planId: 'audit', subject, entry })).toEqual({ created: true });
    expect(await store.appendAudit({ planId: 'audit', subject, entry })).toEqual({ created: false });
    await store.appendAudit({ planId: 'audit', entry: { ...entry, action: 'plan-loaded', detail: '' } });
    expect(await store.listAudit({ planId: 'audit', subject })).toEqual([
      expect.objectContaining({ ...entry, subject }),
    ]);
    expect(await store.listAudit({ planId: 'audit' })).toHaveLength(2);
  });

  it('keeps the latest compiled summary per format', async () => {
    const doc = {
      planId: 'p',
      periodId: '2025-six-month',
      format: 'docx' as const,
      filename: 'tong-hop.docx',
      contentType: 'application/octet-stream',
    };
    await store.saveSummaryDocument({ ...doc, content: Buffer.from('v1') });
    await store.saveSummaryDocument({ ...doc, content: Buffer.from('v2') });
    expect((await store.getSummaryDocument('p', '2025-six-month', 'docx'))?.content.toString()).toBe('v2');
    expect(await store.getSummaryDocument('p', '2025-six-month', 'xlsx')).toBeUndefined();
  });
});
