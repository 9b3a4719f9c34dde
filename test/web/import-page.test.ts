import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import type { LightMyRequestResponse } from 'fastify';
import { registerPlan } from '../../src/cli/plan';
import { addUser } from '../../src/services/accounts';
import { loadPlanFolder } from '../../src/plan/load';
import { planDocx } from '../plan/support/documents-make';
import { importFolder, shippedText, type ImportFolder } from '../browser/support/import-plans';
import { startWebRig, type WebRig } from './support';

const admin = { name: 'Quản Trị Nhập', password: 'mật-khẩu-quản-trị-9' };
const officer = { name: 'Cán Bộ Xem', password: 'mật-khẩu-cán-bộ-9' };

/** A browser's cookie jar for `app.inject`, with urlencoded and multipart forms. */
class Session {
  private cookie = '';
  constructor(private readonly rig: WebRig) {}

  async send(
    method: 'GET' | 'POST',
    url: string,
    body?: { form?: Record<string, string>; multipart?: { fields: Record<string, string>; file?: File } },
  ): Promise<LightMyRequestResponse> {
    let payload: Buffer | string | undefined;
    const headers: Record<string, string> = { accept: 'text/html', ...(this.cookie ? { cookie: this.cookie } : {}) };
    if (body?.form) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      payload = new URLSearchParams(body.form).toString();
    } else if (body?.multipart) {
      const boundary = '----dondoc-import-test';
      const parts: Buffer[] = [];
      for (const [name, value] of Object.entries(body.multipart.fields))
        parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
      const file = body.multipart.file;
      if (file)
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="tep"; filename="${file.name}"\r\n` +
              `Content-Type: application/octet-stream\r\n\r\n`,
          ),
          file.content,
          Buffer.from('\r\n'),
        );
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      headers['content-type'] = `multipart/form-data; boundary=${boundary}`;
      payload = Buffer.concat(parts);
    }
    const r = await this.rig.app.inject({ method, url, headers, payload });
    const set = ([] as string[])
      .concat(r.headers['set-cookie'] ?? [])
      .map((h) => h.split(';')[0])
      .find((pair) => pair.startsWith('dondoc_session='));
    if (set !== undefined) this.cookie = set === 'dondoc_session=' ? '' : set;
    return r;
  }

  async csrf(url: string): Promise<string> {
    const page = await this.send('GET', url);
    const match = /name="_csrf" value="([^"]+)"/.exec(page.body);
    if (!match) throw new Error(`no CSRF token on ${url}: ${page.statusCode}`);
    return match[1];
  }

  async login(account: { name: string; password: string }): Promise<void> {
    const _csrf = await this.csrf('/dang-nhap');
    const r = await this.send('POST', '/dang-nhap', { form: { _csrf, ...account, next: '/' } });
    if (r.statusCode !== 303) throw new Error(`login failed: ${r.statusCode}`);
  }

  /** Uploads a document on the import page; the draft's URL. */
  async upload(file: File, directory = ''): Promise<string> {
    const _csrf = await this.csrf('/nhap-ke-hoach');
    const r = await this.send('POST', '/nhap-ke-hoach', {
      multipart: { fields: { _csrf, 'danh-ba': directory }, file },
    });
    if (r.statusCode !== 303) throw new Error(`upload refused: ${r.statusCode} ${r.body.slice(0, 500)}`);
    return r.headers.location as string;
  }

  /** The draft's correction form as the page fills it, with `changes` made. */
  async formOf(draftUrl: string, changes: Record<string, string> = {}): Promise<Record<string, string>> {
    const page = await this.send('GET', draftUrl);
    const form = /<form method="post" action="[^"]+" class="card draft-form"[\s\S]*?<\/form>/.exec(page.body)![0];
    const values: Record<string, string> = {};
    const unescape = (s: string) =>
      s
        .replace(/&quot;/g, '"')
        .replace(/&#39;/g, "'")
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
    for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) values[m[1]] = unescape(m[2]);
    for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
      const selected = /<option(?: value="([^"]*)")? selected>([^<]*)<\/option>/.exec(m[2]);
      values[m[1]] = selected ? unescape(selected[1] ?? selected[2]) : '';
    }
    return { ...values, ...changes };
  }
}

type File = { name: string; content: Buffer };

describe('the import page', () => {
  let rig: WebRig;
  let folder: ImportFolder;
  let adminSession: Session;
  let officerSession: Session;
  beforeAll(async () => {
    folder = importFolder('import-page');
    rig = await startWebRig({ imports: folder.settings, publicRateLimit: 1000 }, folder.plansDir);
    await addUser(rig.store, { name: admin.name, role: 'admin', password: admin.password });
    await addUser(rig.store, { name: officer.name, role: 'officer', password: officer.password });
    adminSession = new Session(rig);
    officerSession = new Session(rig);
    await adminSession.login(admin);
    await officerSession.login(officer);
  }, 60_000);
  afterAll(async () => {
    await rig?.close();
    folder?.cleanup();
  });

  const thaiBinh = (): File => ({
    name: folder.unique('thai-binh-ttdn', 'txt'),
    content: readFileSync(shippedText('thai-binh-ttdn-2019')),
  });
  const planFiles = () => readdirSync(folder.plansDir).filter((f) => f.endsWith('.yaml'));

  it('is linked from the navigation for admins only', async () => {
    expect((await adminSession.send('GET', '/')).body).toContain('href="/nhap-ke-hoach"');
    expect((await officerSession.send('GET', '/')).body).not.toContain('href="/nhap-ke-hoach"');
  });

  it('refuses an officer with 403, and records no draft', async () => {
    expect((await officerSession.send('GET', '/nhap-ke-hoach')).statusCode).toBe(403);
    const _csrf = await officerSession.csrf('/');
    const r = await officerSession.send('POST', '/nhap-ke-hoach', {
      multipart: { fields: { _csrf }, file: thaiBinh() },
    });
    expect(r.statusCode).toBe(403);
    expect(folder.drafts()).toEqual([]);
  });

  it('refuses an upload without the CSRF token with 403, and records no draft', async () => {
    const r = await adminSession.send('POST', '/nhap-ke-hoach', { multipart: { fields: {}, file: thaiBinh() } });
    expect(r.statusCode).toBe(403);
    expect(r.body).toContain('CSRF');
    expect(folder.drafts()).toEqual([]);
  });

  it('shows a .txt beside its draft, each review item linked to its line', async () => {
    const url = await adminSession.upload(thaiBinh());
    expect(url).toMatch(/^\/nhap-ke-hoach\/[\w-]{22}$/);
    const page = await adminSession.send('GET', url);
    expect(page.statusCode).toBe(200);
    const body = page.body;
    // The source text, line by line with anchors; the draft's tasks with ids, leads, timeframes.
    expect(body).toContain('id="dong-14"');
    expect(body).toContain('Ban hành Quy chế quản lý nhà nước về thông tin đối ngoại');
    expect(body).toContain('Nhiệm vụ 1.a');
    expect(body).toContain('Nhiệm vụ 4.g');
    expect(body).toContain('value="Tháng 6 năm 2019"');
    expect(body).toContain('<option selected>Sở Thông tin và Truyền thông</option>');
    expect(body).toContain('Thái Bình (agencies/thai-binh.yaml)</option>');
    // Review items in Vietnamese, each linking an anchor that exists.
    expect(body).toContain('Cần rà soát (12)');
    expect(body).toContain('văn bản không có dòng “Số: …/KH-UBND”');
    const links = [...body.matchAll(/<p class="where"><a href="#(dong-\d+)">/g)].map((m) => m[1]);
    expect(links.length).toBeGreaterThan(3);
    expect(links).toContain('dong-22');
    for (const anchor of links) expect(body).toContain(`id="${anchor}"`);
    // Due dates of a parsed timeframe, as dd/mm/yyyy.
    // 30/06/2019 was a Sunday: the due date moves to the next working day, as `dondoc when` shows it.
    expect(body).toContain('Tháng 6 năm 2019</strong>: hạn 01/07/2019 (thay 30/06/2019, ngày nghỉ)');
    expect(body).toContain('<li id="dong-14" class="flag">');
  });

  it('reads a .docx and lists its tasks, leads and deadlines', async () => {
    const text = readFileSync(shippedText('dak-nong-ttdn-2025'), 'utf8');
    const url = await adminSession.upload({ name: folder.unique('dak-nong', 'docx'), content: await planDocx(text) });
    const body = (await adminSession.send('GET', url)).body;
    expect(body).toContain('Word .docx');
    for (const id of ['1', '2.4.1', '3.1', '8.4'])
      expect(body).toMatch(new RegExp(`<legend>Nhiệm vụ ${id.replace(/\./g, '\\.')} · `));
    expect(body).toContain('Đắk Nông (agencies/dak-nong.yaml)</option>');
    expect(body).toContain('value="Giai đoạn 2024 - 2025"');
    expect(body).toMatch(/<p class="where"><a href="#dong-\d+">/);
  }, 30_000);

  it('shows validation errors with their fields, applies corrections, and refuses to save an invalid draft', async () => {
    const url = await adminSession.upload({
      name: folder.unique('ninh-binh', 'txt'),
      content: readFileSync(shippedText('ninh-binh-bien-gioi-bien-2022-2030')),
    });
    let body = (await adminSession.send('GET', url)).body;
    // Task 5 has no lead in the text.
    expect(body).toContain('Nhiệm vụ 5 — Chủ trì <code>tasks[4].lead</code>: nhiệm vụ cần ít nhất một cơ quan chủ trì');
    const _csrf = await adminSession.csrf(url);
    const refused = await adminSession.send('POST', `${url}/luu`, { form: { _csrf } });
    expect(refused.statusCode).toBe(422);
    expect(planFiles()).toEqual([]);

    // A lead typed loosely, a timeframe that parses and one that does not.
    const form = await adminSession.formOf(url, {
      'nv-4-chu-tri-khac': 'so tt&tt',
      'nv-0-thoi-gian': 'quý 1/2027',
      'nv-1-thoi-gian': 'khi nào rảnh',
      'nv-2-phoi-hop': 'bo chi huy quan su tinh; Sở Không Có',
    });
    const applied = await adminSession.send('POST', url, { form });
    expect(applied.statusCode).toBe(303);
    body = (await adminSession.send('GET', applied.headers.location as string)).body;
    expect(body).toContain('Đã áp dụng các sửa đổi');
    expect(body).not.toContain('tasks[4].lead</code>: nhiệm vụ cần');
    expect(body).toMatch(/id="f-nv-4-chu-tri"[^>]*>[\s\S]*?<option selected>Sở Thông tin và Truyền thông<\/option>/);
    expect(body).toContain('value="quý 1/2027"');
    expect(body).toContain('Quý I/2027</strong>: hạn 31/03/2027');
    // The text that does not parse stays in its field with the located reason, and blocks saving.
    expect(body).toContain('value="khi nào rảnh" aria-invalid="true"');
    expect(body).toContain('Nhiệm vụ 2 — Thời gian <code>tasks[1].timeframe</code>: Không hiểu biểu thức thời gian');
    expect(body).toContain('value="Bộ Chỉ huy Quân sự tỉnh; Sở Không Có"');
    expect(body).toContain('tasks[2].coordinators</code>: không có cơ quan “Sở Không Có” trong danh bạ');
    expect(body).not.toContain('action="' + url + '/luu"');

    // A plan id that is no slug (it names the file) is refused with what it must be.
    const badId = await adminSession.send('POST', url, { form: await adminSession.formOf(url, { ma: '../Kế hoạch' }) });
    body = (await adminSession.send('GET', badId.headers.location as string)).body;
    expect(body).toContain('Mã kế hoạch <code>id</code>: mã chỉ gồm chữ thường không dấu');

    const fixed = await adminSession.send('POST', url, {
      form: await adminSession.formOf(url, {
        ma: 'ninh-binh-sua-ma',
        'nv-1-thoi-gian': 'Thường xuyên',
        'nv-2-phoi-hop': 'Bộ Chỉ huy Quân sự tỉnh',
      }),
    });
    body = (await adminSession.send('GET', fixed.headers.location as string)).body;
    expect(body).toContain('Bản nháp hợp lệ');
    const saved = await adminSession.send('POST', `${url}/luu`, { form: { _csrf } });
    expect(saved.statusCode).toBe(303);
    expect(planFiles()).toEqual(['ninh-binh-sua-ma.yaml']);
    const [file] = planFiles();
    const { plans } = await loadPlanFolder(folder.plansDir);
    const plan = plans.find((p) => p.file.endsWith(file))!.plan;
    expect(plan.tasks[4].lead).toEqual(['Sở Thông tin và Truyền thông']);
    expect(plan.tasks[0].timeframe).toEqual({ text: 'quý 1/2027', rule: { type: 'quarter', year: 2027, quarter: 1 } });
    expect(plan.tasks[2].coordinators).toEqual(['Bộ Chỉ huy Quân sự tỉnh']);
  });

  it('saves the same YAML as dondoc plan import, and does not overwrite a plan unless told', async () => {
    const upload = thaiBinh();
    const url = await adminSession.upload(upload);
    const _csrf = await adminSession.csrf(url);
    const id = upload.name.replace(/\.txt$/, '');
    const before = planFiles();
    expect((await adminSession.send('POST', `${url}/luu`, { form: { _csrf } })).statusCode).toBe(303);
    const written = readFileSync(join(folder.plansDir, `${id}.yaml`), 'utf8');
    expect(planFiles()).toEqual([...before, `${id}.yaml`].sort());
    expect(readFileSync(join(folder.plansDir, 'sources', upload.name))).toEqual(upload.content);

    // The CLI on the same document, in a folder laid out the same way.
    const other = join(folder.root, 'cli');
    mkdirSync(join(other, 'sources'), { recursive: true });
    mkdirSync(join(other, 'agencies'));
    copyFileSync(join(folder.plansDir, 'agencies', 'thai-binh.yaml'), join(other, 'agencies', 'thai-binh.yaml'));
    copyFileSync(shippedText('thai-binh-ttdn-2019'), join(other, 'sources', upload.name));
    const program = new Command().exitOverride();
    registerPlan(program);
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await program.parseAsync(
        [
          'plan',
          'import',
          join(other, 'sources', upload.name),
          '-d',
          join(other, 'agencies', 'thai-binh.yaml'),
          '-o',
          join(other, `${id}.yaml`),
        ],
        { from: 'user' },
      );
    } finally {
      quiet.mockRestore();
    }
    expect(process.exitCode ?? 0).toBe(0);
    expect(written).toBe(readFileSync(join(other, `${id}.yaml`), 'utf8'));
    expect(written).toContain('directory: agencies/thai-binh.yaml');
    expect(written).toContain(`source: sources/${upload.name}`);

    // A second draft of the same plan: the page asks before replacing the file.
    const again = await adminSession.upload({ ...upload });
    const form = await adminSession.formOf(again, { ten: 'Kế hoạch đã sửa tên' });
    await adminSession.send('POST', again, { form });
    const page = (await adminSession.send('GET', again)).body;
    expect(page).toContain('name="ghi-de"');
    const refused = await adminSession.send('POST', `${again}/luu`, { form: { _csrf } });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('Ghi đè');
    expect(readFileSync(join(folder.plansDir, `${id}.yaml`), 'utf8')).toBe(written);
    const replaced = await adminSession.send('POST', `${again}/luu`, { form: { _csrf, 'ghi-de': '1' } });
    expect(replaced.statusCode).toBe(303);
    expect(readFileSync(join(folder.plansDir, `${id}.yaml`), 'utf8')).toContain('title: Kế hoạch đã sửa tên');
  });

  it('refuses corrections and saves without the CSRF token, and changes nothing', async () => {
    const url = await adminSession.upload(thaiBinh());
    const draftFile = join(folder.settings.draftsDir, `${url.split('/').pop()}.json`);
    const draft = readFileSync(draftFile, 'utf8');
    const form = await adminSession.formOf(url, { ten: 'Tên giả mạo' });
    delete form._csrf;
    expect((await adminSession.send('POST', url, { form })).statusCode).toBe(403);
    const before = planFiles();
    expect((await adminSession.send('POST', `${url}/luu`, { form: {} })).statusCode).toBe(403);
    expect(readFileSync(draftFile, 'utf8')).toBe(draft);
    expect(planFiles()).toEqual(before);
    expect(existsSync(join(folder.plansDir, `${url}.yaml`))).toBe(false);
  });

  it('imports the document again with another directory, and without one cannot validate it', async () => {
    const url = await adminSession.upload(thaiBinh(), 'thai-binh.yaml');
    expect((await officerSession.send('GET', url)).statusCode).toBe(403);
    const _csrf = await adminSession.csrf(url);
    const none = await adminSession.send('POST', `${url}/danh-ba`, { form: { _csrf, 'danh-ba': '' } });
    expect(none.statusCode).toBe(303);
    let body = (await adminSession.send('GET', none.headers.location as string)).body;
    expect(body).toContain('Đã nhập lại tài liệu');
    expect(body).toContain('Danh bạ cơ quan <code>directory</code>: chưa chọn danh bạ cơ quan');
    const unknown = await adminSession.send('POST', `${url}/danh-ba`, {
      form: { _csrf, 'danh-ba': '../thai-binh.yaml' },
    });
    expect(unknown.statusCode).toBe(422);
    await adminSession.send('POST', `${url}/danh-ba`, { form: { _csrf, 'danh-ba': 'thai-binh.yaml' } });
    body = (await adminSession.send('GET', url)).body;
    expect(body).toContain('<option value="thai-binh.yaml" selected>');
    expect(body).toContain('Bản nháp hợp lệ');
  });

  it('answers 404 for a draft that does not exist, or an id that is no id', async () => {
    for (const id of ['AAAAAAAAAAAAAAAAAAAAAA', '..%2F..%2Fetc%2Fpasswd', 'x'])
      expect((await adminSession.send('GET', `/nhap-ke-hoach/${id}`)).statusCode).toBe(404);
  });

  it('says why a file is no plan', async () => {
    const _csrf = await adminSession.csrf('/nhap-ke-hoach');
    const r = await adminSession.send('POST', '/nhap-ke-hoach', {
      multipart: {
        fields: { _csrf },
        file: { name: 'danh-sach.txt', content: Buffer.from('Danh sách đi chợ\n- rau\n') },
      },
    });
    expect(r.statusCode).toBe(422);
    expect(r.body).toContain('Không phải văn bản kế hoạch');
  });
});
