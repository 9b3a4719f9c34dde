import type { LightMyRequestResponse } from 'fastify';
import { startDashboardRig, admin, officer, type DashboardRig } from '../browser/support/dashboard-fixture';
import { rankAgencies } from '../../src/services/agency-status';
import { occurrenceRows, periodLabel } from '../../src/services/plan-snapshot';
import { planStatus } from '../../src/services/plan-status';
import { rankingSpec } from '../../src/web/charts/ranking';
import { chartCache, renderChart } from '../../src/web/charts/render';
import { querySubject } from '../../src/services/subject-updates';
import { subjectWorkflowId } from '../../src/workflows/contract';

/** A browser's cookie jar for `app.inject`. */
class Session {
  private cookie = '';
  constructor(private readonly rig: DashboardRig) {}

  async request(method: 'GET' | 'POST', url: string, form?: Record<string, string>): Promise<LightMyRequestResponse> {
    const r = await this.rig.app.inject({
      method,
      url,
      headers: {
        accept: 'text/html',
        ...(this.cookie ? { cookie: this.cookie } : {}),
        ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      payload: form ? new URLSearchParams(form).toString() : undefined,
    });
    const set = ([] as string[])
      .concat(r.headers['set-cookie'] ?? [])
      .map((h) => h.split(';')[0])
      .find((pair) => pair.startsWith('dondoc_session='));
    if (set !== undefined) this.cookie = set === 'dondoc_session=' ? '' : set;
    return r;
  }

  async csrf(url: string): Promise<string> {
    const page = await this.request('GET', url);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.body);
    if (!match) throw new Error(`no CSRF token on ${url}: ${page.statusCode}`);
    return match[1];
  }

  async login(name: string, password: string): Promise<void> {
    const _csrf = await this.csrf('/dang-nhap');
    const r = await this.request('POST', '/dang-nhap', { _csrf, name, password, next: '/' });
    if (r.statusCode !== 303) throw new Error(`login failed: ${r.statusCode}`);
  }
}

describe('the dashboard pages', () => {
  let rig: DashboardRig;
  let officerSession: Session;
  let adminSession: Session;
  beforeAll(async () => {
    rig = await startDashboardRig('dashboard');
    officerSession = new Session(rig);
    adminSession = new Session(rig);
    await officerSession.login(officer.name, officer.password);
    await adminSession.login(admin.name, admin.password);
  }, 180_000);
  afterAll(() => rig?.stop());

  it('shows every plan with counts by status on Tổng quan', async () => {
    const r = await officerSession.request('GET', '/');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Kế hoạch thử nghiệm bảng điều khiển');
    expect(r.body).toContain('Hạn trong 14 ngày tới');
    expect(r.body).toContain(officer.name);
    expect(r.body).toContain('Đăng xuất');
  });

  it('classifies the plan’s tasks with the statuses officers use', async () => {
    const status = await planStatus(rig.deps, rig.plans.planId);
    const byTask = Object.fromEntries(status.rows.map((r) => [r.key, r.status]));
    expect(byTask).toEqual({
      'nv-1': 'overdue',
      'nv-2': 'on-time',
      'nv-3': 'due-soon',
      'nv-4': 'late',
      'nv-5': 'not-followed',
    });
  });

  const plan = () => `/ke-hoach/${rig.plans.planId}`;
  const task = (id: string) => `${plan()}/nhiem-vu/nv-${id}`;
  const rowsOf = (body: string) =>
    [...body.matchAll(/href="\/ke-hoach\/[^/]+\/nhiem-vu\/(nv-[^"]+)"/g)].map((m) => m[1]);

  it('lists the plan’s tasks on Kế hoạch with a filter form that works without JavaScript', async () => {
    const r = await officerSession.request('GET', plan());
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('<form method="get"');
    expect(r.body).toContain('quá hạn chưa hoàn thành');
    expect(r.body).toContain('hoàn thành đúng hạn');
    expect(r.body).toContain('hoàn thành quá hạn');
    expect(r.body).toContain('sắp đến hạn');
    expect(r.body).toContain('không theo dõi');
    expect(new Set(rowsOf(r.body))).toEqual(new Set(['nv-1', 'nv-2', 'nv-3', 'nv-4', 'nv-5']));
    // Dates as dd/mm/yyyy.
    expect(r.body).toMatch(/\b\d{2}\/\d{2}\/\d{4}\b/);
  });

  it('filters by status, by agency (an alias too) and by period', async () => {
    const overdue = await officerSession.request('GET', `${plan()}?trang-thai=qua-han`);
    expect(overdue.statusCode).toBe(200);
    expect(new Set(rowsOf(overdue.body.split('Dòng thời gian')[0]))).toEqual(new Set(['nv-1']));
    const byAlias = await officerSession.request('GET', `${plan()}?co-quan=${encodeURIComponent('STC')}`);
    // Sở Tài chính leads task 2 and coordinates task 1.
    expect(new Set(rowsOf(byAlias.body.split('Dòng thời gian')[0]))).toEqual(new Set(['nv-1', 'nv-2']));
    const unknown = await officerSession.request('GET', `${plan()}?co-quan=${encodeURIComponent('Sở Không Có')}`);
    expect(unknown.body).toContain('Không có cơ quan');
    const byPeriod = await officerSession.request('GET', `${plan()}?ky=completion&trang-thai=hoan-thanh-qua-han`);
    expect(new Set(rowsOf(byPeriod.body.split('Dòng thời gian')[0]))).toEqual(new Set(['nv-4']));
  });

  it('draws the plan’s timeline as an SVG made by vega, inlined with a table beside it', async () => {
    const r = await officerSession.request('GET', plan());
    const svg = /<figure class="chart"[^>]*><div class="wide">(<svg[\s\S]*?<\/svg>)<\/div>/.exec(r.body)?.[1];
    expect(svg).toBeDefined();
    // vega's SVG renderer marks its scenegraph groups; a hand-built SVG would not.
    expect(svg).toContain('class="marks"');
    expect(svg).toContain('mark-symbol');
    expect(svg).toContain('Hôm nay');
    expect(svg).toContain('role="img"');
    expect(svg).not.toMatch(/<script/i);
    expect(r.body).toContain('Bảng số liệu của dòng thời gian');
  });

  it('shows a task with its due dates, reports, who still owes, the next reminder and a Temporal UI link', async () => {
    const r = await officerSession.request('GET', task('1'));
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Chủ trì gửi đầu mối');
    expect(r.body).toContain('Phối hợp gửi chủ trì');
    expect(r.body).toContain('Chưa báo cáo');
    expect(r.body).toContain('Sở Thông tin và Truyền thông; Sở Tài chính'.split('; ')[1]);
    expect(r.body).toContain('Nhắc tiếp theo');
    expect(r.body).toContain(
      `http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '1' }))}`,
    );
    // An officer sees no admin forms.
    expect(r.body).not.toContain('/gia-han"');
    const reported = await officerSession.request('GET', task('2'));
    expect(reported.body).toContain('Báo cáo kết quả nhiệm vụ 2 của Sở Tài chính.');
    expect(reported.body).toContain('Nhật ký');
    const link = /href="([^"]+\/tep\/[0-9a-f]{64})"/.exec(reported.body)?.[1];
    expect(link).toBeDefined();
    const file = await officerSession.request('GET', link!);
    expect(file.statusCode).toBe(200);
    expect(file.headers['content-disposition']).toContain(
      `filename*=UTF-8''${encodeURIComponent('Bảng số liệu kinh phí.xlsx')}`,
    );
    expect(file.rawPayload.toString()).toContain('số liệu thử nghiệm');
    // A file is served only through a report of the task it is asked for.
    const elsewhere = await officerSession.request('GET', link!.replace('/nv-2/', '/nv-1/'));
    expect(elsewhere.statusCode).toBe(404);
  });

  it('answers 404 with a Vietnamese page for an unknown plan or task', async () => {
    const r = await officerSession.request('GET', '/ke-hoach/khong-co');
    expect(r.statusCode).toBe(404);
    expect(r.body).toContain('Không có kế hoạch');
    const t = await officerSession.request('GET', `${plan()}/nhiem-vu/nv-99`);
    expect(t.statusCode).toBe(404);
  });

  it('shows the ranking of agencies as a vega SVG, and what one agency owes, overdue first', async () => {
    const list = await officerSession.request('GET', '/co-quan');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('Xếp hạng theo tỷ lệ báo cáo đúng hạn');
    expect(list.body).toMatch(/<figure class="chart ranking"[^>]*><div class="wide"><svg[^>]*class="marks"/);
    // A second drawing for phones, shown by CSS alone.
    expect(list.body).toMatch(/<div class="narrow"><svg[^>]*class="marks"/);
    const one = await officerSession.request('GET', `/co-quan/${encodeURIComponent('Sở Tài chính')}`);
    expect(one.statusCode).toBe(200);
    expect(one.body).toContain('Việc phải nộp (quá hạn trước)');
    // It is late as task 1's coordinator; its own task 2 was reported on time.
    const owes = one.body.split('Việc phải nộp')[1].split('Tỷ lệ đúng hạn theo kỳ')[0];
    expect(owes).toContain('quá hạn chưa hoàn thành');
    expect(owes).toContain('nv-1');
    const missing = await officerSession.request('GET', `/co-quan/${encodeURIComponent('Sở Không Có')}`);
    expect(missing.statusCode).toBe(404);
  });

  it('lists the reporting periods on Tổng hợp; an admin compiles one now, shown in the page and downloadable', async () => {
    const url = `/tong-hop/${rig.plans.reportingPlanId}`;
    const before = await officerSession.request('GET', url);
    expect(before.statusCode).toBe(200);
    expect(before.body).toContain('Báo cáo năm');
    expect(before.body).toContain('chưa lập');
    expect(before.body).not.toContain('/lap"');
    const periodId = /name="ky" value="([^"]+)"/.exec((await adminSession.request('GET', url)).body)?.[1];
    expect(periodId).toBeDefined();
    // An officer may not compile.
    const forged = await officerSession.request('POST', `${url}/lap`, {
      _csrf: await officerSession.csrf(url),
      ky: periodId!,
    });
    expect(forged.statusCode).toBe(403);
    expect(await rig.deps.store.getSummaryDocument(rig.plans.reportingPlanId, periodId!, 'docx')).toBeUndefined();
    const done = await adminSession.request('POST', `${url}/lap`, {
      _csrf: await adminSession.csrf(url),
      ky: periodId!,
    });
    expect(done.statusCode).toBe(303);
    const after = await officerSession.request('GET', String(done.headers.location));
    expect(after.body).toContain('Đã lập tổng hợp');
    expect(after.body).toContain('class="summary-doc"');
    expect(after.body).toContain('Cập nhật số liệu');
    const docx = await officerSession.request('GET', `${url}/${periodId}/tai/docx`);
    expect(docx.statusCode).toBe(200);
    expect(docx.headers['content-type']).toContain('wordprocessingml');
    expect(docx.rawPayload.subarray(0, 2).toString()).toBe('PK');
    const xlsx = await officerSession.request('GET', `${url}/${periodId}/tai/xlsx`);
    expect(xlsx.headers['content-type']).toContain('spreadsheetml');
    // Compiling now sends nothing.
    expect(await rig.deps.store.getSend(`${rig.plans.reportingPlanId}|summary|${periodId}`)).toBeUndefined();
    const audit = await rig.deps.store.listAudit({ planId: rig.plans.reportingPlanId });
    expect(audit.map((a) => [a.action, a.by])).toContainEqual(['summary-compiled', admin.name]);
  });

  it('shows the captured mail on Thư', async () => {
    const r = await officerSession.request('GET', '/thu');
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('Thư đã gửi');
    const id = /href="\/thu\/([^"]+)"/.exec(r.body)?.[1];
    expect(id).toBeDefined();
    const one = await officerSession.request('GET', `/thu/${id}`);
    expect(one.statusCode).toBe(200);
    expect(one.body).toMatch(/\[(Nhắc hạn|Quá hạn|Đã nhận báo cáo|Đôn đốc)/);
  });

  it('shows the workflow’s refusal of an admin action (422) with the form kept, and records nothing', async () => {
    const url = task('3');
    const page = await adminSession.request('GET', url);
    expect(page.body).toContain('/gia-han"');
    const before = await querySubject(
      rig.rig.client,
      subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '3' }),
    );
    const period = before.current!.id;
    // The workflow refuses a new due date that is not after the current one.
    const r = await adminSession.request('POST', `${url}/gia-han`, {
      _csrf: await adminSession.csrf(url),
      ky: period,
      'han-moi': '2020-01-01',
      'ly-do': 'Lý do thử nghiệm',
    });
    expect(r.statusCode).toBe(422);
    expect(r.body).toContain('Quy trình từ chối');
    expect(r.body).toContain('phải sau hạn hiện tại');
    expect(r.body).toContain('value="Lý do thử nghiệm"');
    expect(r.body).toContain('value="2020-01-01"');
    const after = await querySubject(
      rig.rig.client,
      subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '3' }),
    );
    expect(after.current!.extensions).toEqual([]);
    expect(after.audit.length).toBe(before.audit.length);
  });

  it('offers no admin forms on a task whose workflow has ended', async () => {
    const r = await adminSession.request('GET', task('2'));
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain('đã kết thúc');
    expect(r.body).not.toContain('/huy"');
  });

  it('requires a reason before asking the workflow', async () => {
    const url = task('3');
    const r = await adminSession.request('POST', `${url}/tam-dung`, {
      _csrf: await adminSession.csrf(url),
      'ly-do': '',
    });
    expect(r.statusCode).toBe(422);
    expect(r.body).toContain('Cần ghi lý do');
    const recipients = await adminSession.request('POST', `${url}/dia-chi`, {
      _csrf: await adminSession.csrf(url),
      'co-quan': 'Sở Nội vụ',
      'dia-chi': 'moi@sonv.thunghiem.example',
    });
    expect(recipients.statusCode).toBe(422);
    expect(recipients.body).toContain('value="moi@sonv.thunghiem.example"');
    const view = await querySubject(rig.rig.client, subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '3' }));
    expect(view.paused).toBeUndefined();
    expect(view.audit.some((a) => a.action === 'set-recipients')).toBe(false);
  });

  it('extends a due date for an admin, recorded with the account’s name', async () => {
    const url = task('3');
    const wf = subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '3' });
    const before = await querySubject(rig.rig.client, wf);
    const to = new Date(Date.parse(before.current!.due.lead.nominal) + 10 * 86_400_000).toISOString().slice(0, 10);
    const r = await adminSession.request('POST', `${url}/gia-han`, {
      _csrf: await adminSession.csrf(url),
      ky: before.current!.id,
      'han-moi': to,
      'ly-do': 'Chờ số liệu quý',
      // A name typed in the form is ignored: the account acts.
      by: 'Người Khác',
    });
    expect(r.statusCode).toBe(303);
    const page = await adminSession.request('GET', String(r.headers.location));
    expect(page.body).toContain('Đã gia hạn.');
    expect(page.body).toContain(`${admin.name} cho gia hạn`);
    const after = await querySubject(rig.rig.client, wf);
    expect(after.current!.extensions.map((e) => e.grantedBy)).toEqual([admin.name]);
  });

  it('pauses and resumes reminders, changes an agency’s addresses and closes a period, each audited under the account', async () => {
    const url = task('3');
    const wf = subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '3' });
    const post = async (action: string, form: Record<string, string>) => {
      const r = await adminSession.request('POST', `${url}/${action}`, {
        _csrf: await adminSession.csrf(url),
        ...form,
      });
      expect([action, r.statusCode]).toEqual([action, 303]);
      return adminSession.request('GET', String(r.headers.location));
    };
    const paused = await post('tam-dung', { 'ly-do': 'Đợi họp giao ban' });
    expect(paused.body).toContain('Đã tạm dừng nhắc hạn.');
    expect(paused.body).toContain('/tiep-tuc"');
    expect((await querySubject(rig.rig.client, wf)).paused?.by).toBe(admin.name);
    await post('tiep-tuc', { 'ly-do': 'Đã họp xong' });
    expect((await querySubject(rig.rig.client, wf)).paused).toBeUndefined();
    // Nhắc lại: one email now to whoever owes, under a key of its own; the workflow records it under the account.
    const resent = await post('nhac-lai', { 'ly-do': 'Sắp đến hạn, nhắc thêm' });
    expect(resent.body).toContain('Đã gửi thư nhắc lại');
    const resends = (await rig.rig.store.listSends({ planId: rig.plans.planId })).filter(
      (s) => s.key.includes('/task/3/') && s.key.includes('/resend-1/'),
    );
    expect(resends.length).toBeGreaterThan(0);
    await post('dia-chi', {
      'co-quan': 'Sở Nội vụ',
      'dia-chi': 'a@sonv.thunghiem.example, b@sonv.thunghiem.example',
      'ly-do': 'Đổi văn thư',
    });
    const period = (await querySubject(rig.rig.client, wf)).current!.id;
    const closed = await post('dong-ky', { ky: period, 'ly-do': 'Không cần báo cáo nữa' });
    expect(closed.body).toContain('Đã đóng kỳ báo cáo.');
    const audit = (await querySubject(rig.rig.client, wf)).audit;
    for (const action of ['pause', 'resume', 'resend-reminder', 'set-recipients', 'close']) {
      expect(audit.filter((a) => a.action === action).map((a) => a.by)).toEqual([admin.name]);
    }
    expect(audit.find((a) => a.action === 'set-recipients')?.detail).toContain(
      'a@sonv.thunghiem.example, b@sonv.thunghiem.example',
    );
  });

  it('refuses an officer’s forged admin POST with 403 and changes nothing', async () => {
    const url = task('4');
    const wf = subjectWorkflowId(rig.plans.planId, { type: 'task', taskId: '3' });
    const before = await querySubject(rig.rig.client, wf);
    const r = await officerSession.request('POST', `${task('3')}/huy`, {
      _csrf: await officerSession.csrf(url),
      'ly-do': 'giả mạo',
    });
    expect(r.statusCode).toBe(403);
    const after = await querySubject(rig.rig.client, wf);
    expect(after.cancelled).toBeUndefined();
    expect(after.audit.length).toBe(before.audit.length);
  });

  it('sends a visitor without a session to the login page', async () => {
    const anonymous = new Session(rig);
    for (const url of ['/', plan(), task('1'), '/co-quan', `/tong-hop/${rig.plans.planId}`, '/thu']) {
      const r = await anonymous.request('GET', url);
      expect([url, r.statusCode]).toEqual([url, 303]);
      expect(r.headers.location).toBe(`/dang-nhap?next=${encodeURIComponent(url)}`);
    }
  });
});

describe('officers’ statuses from a workflow’s view (pure)', () => {
  const now = Date.parse('2026-12-02T03:00:00Z');
  const due = (date: string) => ({ nominal: date, effective: date, at: `${date}T23:59:59.999+07:00` });
  const occurrence = (id: string, date: string) => ({
    id,
    kind: 'report' as const,
    label: `Kỳ ${id}`,
    source: 'x',
    due: { lead: due(date) },
    steps: [],
  });
  const schedule = [
    occurrence('a', '2026-09-01'),
    occurrence('b', '2026-11-20'),
    occurrence('c', '2026-12-05'),
    occurrence('d', '2027-03-01'),
    occurrence('e', '2026-06-01'),
  ];
  const view = {
    planId: 'p',
    subject: { type: 'task' as const, taskId: '1' },
    status: 'overdue' as const,
    lead: ['Sở A'],
    coordinators: ['Sở B'],
    current: {
      id: 'b',
      label: 'Kỳ b',
      due: { lead: due('2026-11-20') },
      reported: {},
      owing: ['Sở A', 'Sở B'],
      overdue: ['Sở A'],
      extensions: [],
    },
    upcoming: [
      { id: 'c', label: 'Kỳ c', leadDue: '2026-12-05' },
      { id: 'd', label: 'Kỳ d', leadDue: '2027-03-01' },
    ],
    closed: [
      {
        id: 'a',
        label: 'Kỳ a',
        closedAt: '2026-09-05T00:00:00Z',
        outcomes: { 'Sở A': 'late' as const, 'Sở B': 'missing' as const },
      },
    ],
    notFollowed: [{ id: 'e', label: 'Kỳ e', leadDue: '2026-06-01' }],
    audit: [],
  };

  it('classifies each occurrence: closed by the leads’ outcomes, open by who is late, future by its distance', () => {
    const rows = occurrenceRows(schedule, view, [], now);
    expect(Object.fromEntries(rows.map((r) => [r.id, [r.phase, r.status]]))).toEqual({
      a: ['closed', 'late'],
      b: ['open', 'overdue'],
      c: ['upcoming', 'due-soon'],
      d: ['upcoming', 'in-progress'],
      e: ['not-followed', 'not-followed'],
    });
  });

  it('shows an extension: the date the plan set, and the new one the lead owes by', () => {
    const extended = {
      ...view,
      current: {
        ...view.current,
        due: { lead: due('2026-12-20') },
        overdue: [],
        extensions: [
          {
            at: '2026-11-25T00:00:00Z',
            from: due('2026-11-20'),
            to: due('2026-12-20'),
            reason: 'r',
            grantedBy: 'Quản trị',
          },
        ],
      },
    };
    const b = occurrenceRows(schedule, extended, [], now).find((r) => r.id === 'b')!;
    expect([b.due?.effective, b.extendedTo?.effective, b.leadDue?.effective, b.status]).toEqual([
      '2026-11-20',
      '2026-12-20',
      '2026-12-20',
      'in-progress',
    ]);
  });

  it('follows nothing of a cancelled task, and nothing of one whose workflow cannot be read', () => {
    const cancelled = { ...view, cancelled: { at: 'x', by: 'y', reason: 'z' } };
    expect(occurrenceRows(schedule, cancelled, [], now).find((r) => r.id === 'd')?.status).toBe('not-followed');
    expect(new Set(occurrenceRows(schedule, undefined, [], now).map((r) => r.status))).toEqual(
      new Set(['not-followed']),
    );
  });

  it('ranks agencies by on-time rate, then by how much they owed', () => {
    const o = (agency: string, outcome: 'on-time' | 'late' | 'missing') => ({
      agency,
      planId: 'p',
      periodId: 'x',
      label: 'x',
      outcome,
    });
    const ranking = rankAgencies([
      o('B', 'on-time'),
      o('B', 'on-time'),
      o('A', 'on-time'),
      o('C', 'late'),
      o('C', 'on-time'),
    ]);
    expect(ranking.map((r) => [r.agency, r.rate])).toEqual([
      ['B', 1],
      ['A', 1],
      ['C', 0.5],
    ]);
  });

  it('names a period shared by tasks with different dates by what the names have in common', () => {
    expect(periodLabel(['Báo cáo năm 2025', 'Báo cáo năm 2025'])).toBe('Báo cáo năm 2025');
    expect(periodLabel(['Hoàn thành nhiệm vụ (Trước ngày 1/12)', 'Hoàn thành nhiệm vụ (Trước ngày 5/12)'])).toBe(
      'Hoàn thành nhiệm vụ',
    );
  });

  it('renders the same chart once: a second page gets the cached SVG', async () => {
    chartCache.clear();
    const spec = rankingSpec([{ agency: 'Sở A', owed: 2, onTime: 1, late: 1, missing: 0, rate: 0.5 }]);
    const first = await renderChart(spec, 'Xếp hạng');
    expect(chartCache.size()).toBe(1);
    expect(
      await renderChart(
        rankingSpec([{ agency: 'Sở A', owed: 2, onTime: 1, late: 1, missing: 0, rate: 0.5 }]),
        'Xếp hạng',
      ),
    ).toBe(first);
    expect(chartCache.size()).toBe(1);
    expect(first).toContain('50%');
  });
});
