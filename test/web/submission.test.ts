import { createHash } from 'node:crypto';
import type { SubmissionTarget } from '../../src/access/links';
import { querySubject } from '../../src/services/subject-updates';
import { closeOccurrenceUpdate, subjectWorkflowId, type SubjectView } from '../../src/workflows/contract';
import { buildWebApp, maskTokens } from '../../src/web/app';
import { eventually } from '../support/temporal';
import { multipartBody, startAgencyRig, type AgencyRig } from '../browser/support/agency-rig';

jest.setTimeout(120_000);

const html = { accept: 'text/html' };
const sha = (content: Buffer) => createHash('sha256').update(content).digest('hex');

describe('an agency’s personal submission page', () => {
  let rig: AgencyRig;
  let target: SubmissionTarget;
  let token: string;
  const future = () => new Date(Date.now() + 30 * 86_400_000);
  const task = (taskId: string) => subjectWorkflowId(rig.planId, { type: 'task', taskId });
  const view = (taskId = '1'): Promise<SubjectView> => querySubject(rig.client, task(taskId));

  /** The page's session cookie and CSRF token, as a browser gets them. */
  async function openForm(path: string): Promise<{ cookie: string; csrf: string; body: string; status: number }> {
    const page = await rig.app.inject({ method: 'GET', url: path, headers: html });
    const cookie = String(page.headers['set-cookie'] ?? '').split(';')[0];
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? '';
    return { cookie, csrf, body: page.body, status: page.statusCode };
  }

  async function post(
    path: string,
    form: { cookie: string; csrf?: string },
    text: string,
    files: Parameters<typeof multipartBody>[1] = [],
  ) {
    const { payload, contentType } = multipartBody(
      { ...(form.csrf !== undefined ? { _csrf: form.csrf } : {}), text },
      files,
    );
    return rig.app.inject({
      method: 'POST',
      url: path,
      headers: { ...html, cookie: form.cookie, 'content-type': contentType },
      payload,
    });
  }

  /** Everything a refusal must leave as it was: the store's reports, files and audit, and the workflow's state. */
  async function recorded(hashes: string[] = []) {
    const [reports, audit, missing, state] = await Promise.all([
      rig.store.listReports({ planId: rig.planId }),
      rig.store.listAudit({ planId: rig.planId }),
      hashes.length ? rig.store.missingAttachments(hashes) : Promise.resolve([]),
      view(),
    ]);
    return {
      reports: reports.length,
      audit: audit.length,
      missing,
      open: state.open?.map((o) => ({ id: o.id, reported: o.reported })),
      workflowAudit: state.audit.length,
    };
  }

  beforeAll(async () => {
    rig = await startAgencyRig('submission');
    const current = await eventually(async () => (await view()).current);
    await eventually(async () => (await view('2')).current);
    target = {
      planId: rig.planId,
      subject: { type: 'task', taskId: '1' },
      occurrenceId: current.id,
      agency: 'Sở Tài chính',
    };
    token = await rig.signer.submissionToken(target, future());
  });
  afterAll(() => rig?.stop());

  it('shows the plan, the task, the period, the agency’s part and due date, and a form with a CSRF token', async () => {
    const page = await rig.app.inject({ method: 'GET', url: `/bao-cao/${token}`, headers: html });
    expect(page.statusCode).toBe(200);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['referrer-policy']).toBe('no-referrer');
    expect(page.body).toContain('99/KH-UBND – Kế hoạch thử nghiệm đường dẫn báo cáo');
    expect(page.body).toContain('1 – Tuyên truyền thông tin đối ngoại');
    expect(page.body).toContain('Chủ trì');
    expect(page.body).toContain('Chưa gửi báo cáo nào cho kỳ này.');
    expect(page.body).toMatch(/name="_csrf" value="[^"]+"/);
    expect(page.body).toMatch(/enctype="multipart\/form-data"/);
    const due = (await view()).current!.due.lead.effective.split('-').reverse().join('/');
    expect(page.body).toContain(due);
  });

  it('links the agency’s calendar feed, which answers with its due dates', async () => {
    const page = await rig.app.inject({ method: 'GET', url: `/bao-cao/${token}`, headers: html });
    const feed = /href="http:\/\/127\.0\.0\.1:\d+(\/lich\/[\w.-]+\.ics)"/.exec(page.body)?.[1];
    expect(feed).toBeDefined();
    const ics = await rig.app.inject({ method: 'GET', url: feed! });
    expect(ics.statusCode).toBe(200);
    expect(ics.body).toContain('BEGIN:VEVENT');
  });

  it('is rate-limited per client address (429 past the limit)', async () => {
    const limited = await buildWebApp({ ...rig.app.deps, publicRateLimit: 2 });
    try {
      const codes: number[] = [];
      for (let i = 0; i < 3; i++) {
        codes.push((await limited.inject({ method: 'GET', url: `/bao-cao/${token}`, headers: html })).statusCode);
      }
      expect(codes).toEqual([200, 200, 429]);
      const feed = await rig.signer.calendarToken(target.agency);
      const feeds: number[] = [];
      for (let i = 0; i < 3; i++)
        feeds.push((await limited.inject({ method: 'GET', url: `/lich/${feed}.ics` })).statusCode);
      expect(feeds).toEqual([200, 200, 429]);
    } finally {
      await limited.close();
    }
  });

  it('shows a coordinator its own due date and that its input goes to the lead', async () => {
    const coordinator = await rig.signer.submissionToken({ ...target, agency: 'Sở Nội vụ' }, future());
    const page = await rig.app.inject({ method: 'GET', url: `/bao-cao/${coordinator}`, headers: html });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('Phối hợp');
    expect(page.body).toContain('Sở Tài chính (cơ quan chủ trì)');
    expect(page.body).toContain('Hạn cơ quan chủ trì báo cáo');
  });

  it.each([
    ['tampered', async () => `${token.slice(0, -4)}${token.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`, 403, 'chữ ký'],
    ['truncated', async () => token.slice(0, 60), 400, 'bị cắt'],
    ['cut-short', async () => token.slice(0, -10), 400, 'bị cắt'],
    ['expired', async () => rig.signer.submissionToken(target, new Date(Date.now() - 1000)), 410, 'hết hạn'],
    ['calendar', async () => rig.signer.calendarToken(target.agency), 400, 'không dùng cho trang này'],
    [
      'not-on-task',
      async () => rig.signer.submissionToken({ ...target, agency: 'Sở Y tế' }, future()),
      403,
      'không chủ trì hay phối hợp',
    ],
    [
      'unknown-period',
      async () => rig.signer.submissionToken({ ...target, occurrenceId: '2099-annual' }, future()),
      404,
      'không có kỳ báo cáo này',
    ],
  ])(
    'refuses a %s link with a Vietnamese page, on GET and POST, and records nothing',
    async (_what, make, status, text) => {
      const bad = await make();
      const before = await recorded();
      const page = await rig.app.inject({ method: 'GET', url: `/bao-cao/${bad}`, headers: html });
      expect(page.statusCode).toBe(status);
      expect(page.headers['content-type']).toMatch(/text\/html/);
      expect(page.body.toLowerCase()).toContain(text.toLowerCase());
      expect(page.body).not.toMatch(/at .*\.ts:\d+/);
      // A form posted to it (with a valid session and token from the real page) is refused the same way.
      const form = await openForm(`/bao-cao/${token}`);
      const sent = await post(`/bao-cao/${bad}`, form, 'Báo cáo qua đường dẫn sai');
      expect(sent.statusCode).toBe(status);
      expect(await recorded()).toEqual(before);
    },
  );

  it('refuses a form without a CSRF token or with a wrong one (403) and records nothing', async () => {
    const form = await openForm(`/bao-cao/${token}`);
    const file = { field: 'files', filename: 'a.txt', contentType: 'text/plain', content: Buffer.from('csrf-test') };
    const before = await recorded([sha(file.content)]);
    const without = await post(`/bao-cao/${token}`, { cookie: form.cookie }, 'Không có mã', [file]);
    expect(without.statusCode).toBe(403);
    expect(without.body).toContain('CSRF');
    const wrong = await post(`/bao-cao/${token}`, { cookie: form.cookie, csrf: 'x'.repeat(40) }, 'Mã sai', [file]);
    expect(wrong.statusCode).toBe(403);
    const noSession = await post(`/bao-cao/${token}`, { cookie: '', csrf: form.csrf }, 'Không có phiên', [file]);
    expect(noSession.statusCode).toBe(403);
    expect(await recorded([sha(file.content)])).toEqual(before);
    expect(before.missing).toEqual([sha(file.content)]);
  });

  it('refuses a file over the size limit (413) and keeps nothing of it', async () => {
    const big = Buffer.alloc(20 * 1024 * 1024 + 1, 0x41);
    const form = await openForm(`/bao-cao/${token}`);
    const before = await recorded([sha(big)]);
    const r = await post(`/bao-cao/${token}`, form, 'Báo cáo kèm tệp lớn', [
      { field: 'files', filename: 'lon.txt', contentType: 'text/plain', content: big },
    ]);
    expect(r.statusCode).toBe(413);
    expect(r.body).toContain('vượt quá giới hạn');
    expect(await recorded([sha(big)])).toEqual(before);
    expect(before.missing).toEqual([sha(big)]);
  });

  it.each([
    ['an executable', 'chay.exe', 'application/octet-stream', Buffer.from('MZ\x90\x00binary')],
    ['a renamed executable', 'bao-cao.pdf', 'application/pdf', Buffer.from('MZ\x90\x00not a pdf')],
  ])('refuses %s (415) and keeps nothing, with the accepted types named', async (_what, filename, type, content) => {
    const form = await openForm(`/bao-cao/${token}`);
    const good = {
      field: 'files',
      filename: 'ok.txt',
      contentType: 'text/plain',
      content: Buffer.from(`ok ${filename}`),
    };
    const before = await recorded([sha(content), sha(good.content)]);
    const r = await post(`/bao-cao/${token}`, form, 'Báo cáo kèm tệp lạ', [
      good,
      { field: 'files2', filename, contentType: type, content },
    ]);
    expect(r.statusCode).toBe(415);
    expect(r.body).toContain(filename);
    // The good file sent with it is not kept either: files are kept only once every check has passed.
    expect(await recorded([sha(content), sha(good.content)])).toEqual(before);
    expect(before.missing).toHaveLength(2);
  });

  it('shows the workflow’s own rejection (422) with the form kept filled, and records nothing', async () => {
    const form = await openForm(`/bao-cao/${token}`);
    const before = await recorded();
    const r = await post(`/bao-cao/${token}`, form, '   ');
    expect(r.statusCode).toBe(422);
    expect(r.body).toContain('Báo cáo trống');
    expect(r.body).toMatch(/<textarea[^>]*name="text"[^>]*> {3}<\/textarea>/);
    expect(await recorded()).toEqual(before);
  });

  it('takes a coordinator’s input with files through the workflow, redirects to its receipt, and a reload sends nothing again', async () => {
    const coordinator = await rig.signer.submissionToken({ ...target, agency: 'Sở Nội vụ' }, future());
    const form = await openForm(`/bao-cao/${coordinator}`);
    const file = {
      field: 'files',
      filename: 'so-lieu.csv',
      contentType: 'text/csv',
      content: Buffer.from('a,b\n1,2\n'),
    };
    const r = await post(`/bao-cao/${coordinator}`, form, 'Ý kiến phối hợp gửi qua đường dẫn.', [file]);
    expect(r.statusCode).toBe(303);
    const location = String(r.headers.location);
    expect(location.startsWith(`/bao-cao/${coordinator}/bien-nhan/`)).toBe(true);
    const receipt = await rig.app.inject({ method: 'GET', url: location, headers: html });
    expect(receipt.statusCode).toBe(200);
    expect(receipt.headers['cache-control']).toBe('no-store');
    expect(receipt.body).toContain('Đã nhận báo cáo');
    expect(receipt.body).toContain('Đúng hạn');
    expect(receipt.body).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    const got = (await view()).current!.reported['Sở Nội vụ'];
    expect(got).toBeDefined();
    expect(location.endsWith(`/bien-nhan/${got.reportId}`)).toBe(true);
    expect(receipt.body).toContain(got.reportId);
    expect(receipt.body).toContain((await view()).current!.label);
    const stored = await rig.store.getReport(got.reportId);
    expect(stored).toMatchObject({
      agency: 'Sở Nội vụ',
      role: 'coordinators',
      text: 'Ý kiến phối hợp gửi qua đường dẫn.',
    });
    expect(stored!.attachments.map((a) => a.filename)).toEqual(['so-lieu.csv']);
    expect(await rig.store.missingAttachments([sha(file.content)])).toEqual([]);
    // Reloading the receipt reads it again; nothing is submitted twice.
    const count = (await rig.store.listReports({ planId: rig.planId })).length;
    await rig.app.inject({ method: 'GET', url: location, headers: html });
    expect((await rig.store.listReports({ planId: rig.planId })).length).toBe(count);
    // The same form sent again (a double click, a resubmitted POST) is the same report, answered with its receipt.
    const twice = await post(`/bao-cao/${coordinator}`, form, 'Ý kiến phối hợp gửi qua đường dẫn.', [file]);
    expect(twice.statusCode).toBe(303);
    // The receipt says it came from the earlier sending.
    expect(twice.headers.location).toBe(`${location}?lan-truoc=1`);
    expect((await rig.app.inject({ method: 'GET', url: twice.headers.location, headers: html })).body).toContain(
      'Báo cáo này đã được nhận từ lần gửi trước',
    );
    expect((await rig.store.listReports({ planId: rig.planId })).length).toBe(count);
    // The page now lists what was sent, with its file.
    const page = await rig.app.inject({ method: 'GET', url: `/bao-cao/${coordinator}`, headers: html });
    expect(page.body).toContain(got.reportId);
    expect(page.body).toContain('so-lieu.csv');
    expect(page.body).toContain('Gửi lại báo cáo');
  });

  it('does not show a receipt of another agency through this link', async () => {
    const reportId = (await view()).current!.reported['Sở Nội vụ'].reportId;
    const r = await rig.app.inject({ method: 'GET', url: `/bao-cao/${token}/bien-nhan/${reportId}`, headers: html });
    expect(r.statusCode).toBe(404);
  });

  it('takes the lead’s report, which closes the period on time; its link then answers "đã đóng"', async () => {
    const form = await openForm(`/bao-cao/${token}`);
    const r = await post(`/bao-cao/${token}`, form, 'Báo cáo kết quả thực hiện nhiệm vụ.');
    expect(r.statusCode).toBe(303);
    const closed = await eventually(async () => (await view()).closed.find((c) => c.id === target.occurrenceId));
    expect(closed.outcomes).toMatchObject({ 'Sở Tài chính': 'on-time', 'Sở Nội vụ': 'on-time' });
    const receipt = await rig.app.inject({ method: 'GET', url: String(r.headers.location), headers: html });
    expect(receipt.statusCode).toBe(200);
    const page = await rig.app.inject({ method: 'GET', url: `/bao-cao/${token}`, headers: html });
    expect(page.statusCode).toBe(410);
  });

  it('refuses a closed period with 410 "kỳ báo cáo đã đóng" and records nothing', async () => {
    const other = await view('2');
    const closedToken = await rig.signer.submissionToken(
      {
        planId: rig.planId,
        subject: { type: 'task', taskId: '2' },
        occurrenceId: other.current!.id,
        agency: 'Sở Y tế',
      },
      future(),
    );
    const form = await openForm(`/bao-cao/${closedToken}`);
    expect(form.status).toBe(200);
    await rig.client.workflow.getHandle(task('2')).executeUpdate(closeOccurrenceUpdate, {
      args: [{ occurrenceId: other.current!.id, by: 'Kiểm thử', reason: 'Đóng kỳ để kiểm thử' }],
    });
    await eventually(async () => (await querySubject(rig.client, task('2'))).closed.length > 0);
    const reports = (await rig.store.listReports({ planId: rig.planId })).length;
    const page = await rig.app.inject({ method: 'GET', url: `/bao-cao/${closedToken}`, headers: html });
    expect(page.statusCode).toBe(410);
    expect(page.body.toLowerCase()).toContain('kỳ báo cáo đã đóng');
    const sent = await post(`/bao-cao/${closedToken}`, form, 'Báo cáo sau khi đóng kỳ');
    expect(sent.statusCode).toBe(410);
    expect((await rig.store.listReports({ planId: rig.planId })).length).toBe(reports);
  });

  it('keeps tokens out of logged URLs', () => {
    expect(maskTokens(`/bao-cao/${token}/bien-nhan/abc`)).toBe('/bao-cao/***/bien-nhan/abc');
  });
});
