import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { formatStatus, statusCommand } from '../../src/cli/status';
import { querySubject } from '../../src/services/subject-updates';
import { subjectWorkflowId } from '../../src/workflows/contract';
import { eventually } from '../support/temporal';
import { launchChromium, screenshotDir, sentTo, shoot, submissionLinkIn, waitForMail } from './support/agency-browser';
import { startAgencyRig, type AgencyRig } from './support/agency-rig';

jest.setTimeout(240_000);

const LEAD = 'vanthu@sotc.thunghiem.example';
const COORDINATOR = 'vanthu@sonv.thunghiem.example';

describe('an agency opens its link from a reminder email and reports in a real browser', () => {
  let rig: AgencyRig;
  let browser: Browser;
  let page: Page;
  let files: string;
  const shots = screenshotDir('agency-link');
  const task1 = () => subjectWorkflowId(rig.planId, { type: 'task', taskId: '1' });
  const view = () => querySubject(rig.client, task1());
  const reportCount = async () => (await rig.store.listReports({ planId: rig.planId })).length;
  const auditCount = async () => (await rig.store.listAudit({ planId: rig.planId })).length;

  /** The link in the first reminder to `address` for task 1, taken from the captured email itself. */
  async function linkFromReminder(address: string): Promise<string> {
    const mail = await waitForMail(
      rig.mailbox,
      (m) => sentTo(m, address) && /^\[Nhắc hạn\] 99\/KH-UBND – Nhiệm vụ 1 /.test(m.subject ?? ''),
      90_000,
    );
    const link = submissionLinkIn(mail);
    expect(link).toBeDefined();
    expect(link!.startsWith(`${rig.url}/bao-cao/`)).toBe(true);
    expect(mail.text).toMatch(new RegExp(`${rig.url.replace(/[.]/g, '\\.')}/lich/[\\w.-]+\\.ics`));
    return link!;
  }

  beforeAll(async () => {
    files = mkdtempSync(join(tmpdir(), 'dondoc-upload-'));
    writeFileSync(join(files, 'y-kien-phoi-hop.txt'), 'Số liệu phối hợp: 12 tin bài, 3 hội nghị.\n');
    writeFileSync(join(files, 'bao-cao-chu-tri.pdf'), '%PDF-1.4\n% báo cáo thử nghiệm\n%%EOF\n');
    writeFileSync(join(files, 'chuong-trinh.exe'), Buffer.from('MZ\x90\x00 not a report'));
    writeFileSync(join(files, 'qua-lon.txt'), Buffer.alloc(20 * 1024 * 1024 + 10, 0x41));
    rig = await startAgencyRig('agency-link');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1100, height: 900 }, locale: 'vi-VN' });
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
    rmSync(files, { recursive: true, force: true });
  });

  it('a coordinator sends its input with a file; the lead gets it forwarded; the query and dondoc status show it', async () => {
    const link = await linkFromReminder(COORDINATOR);
    await page.goto(link);
    await expect(page.locator('h1').textContent()).resolves.toContain('Hoàn thành nhiệm vụ');
    const facts = (await page.locator('dl.facts').textContent()) ?? '';
    expect(facts).toContain('Sở Nội vụ');
    expect(facts).toContain('Phối hợp');
    expect(facts).toContain('Sở Tài chính (cơ quan chủ trì)');
    await shoot(page, shots, '01-coordinator-form', true);

    const text = 'Sở Nội vụ gửi ý kiến phối hợp: đã đăng 12 tin bài và tổ chức 3 hội nghị.';
    await page.fill('textarea[name="text"]', text);
    await page.setInputFiles('#files', join(files, 'y-kien-phoi-hop.txt'));
    await Promise.all([page.waitForURL(/\/bien-nhan\//), page.click('button[type="submit"]')]);
    const receipt = (await page.locator('section.receipt').textContent()) ?? '';
    expect(receipt).toContain('Đã nhận báo cáo');
    expect(receipt).toContain('Đúng hạn');
    expect(receipt).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    await shoot(page, shots, '02-coordinator-receipt', true);

    const reported = (await view()).current!.reported['Sở Nội vụ'];
    expect(reported).toMatchObject({ agency: 'Sở Nội vụ', onTime: true });
    expect(receipt).toContain(reported.reportId);
    const stored = await rig.store.getReport(reported.reportId);
    expect(stored).toMatchObject({ text, role: 'coordinators' });
    expect(stored!.attachments.map((a) => a.filename)).toEqual(['y-kien-phoi-hop.txt']);

    // A reload of the receipt shows it again and sends nothing.
    const before = await reportCount();
    await page.reload();
    expect(await reportCount()).toBe(before);

    const forwarded = await waitForMail(
      rig.mailbox,
      (m) => sentTo(m, LEAD) && (m.subject ?? '').startsWith('[Ý kiến phối hợp]'),
    );
    expect(forwarded.text).toContain(text);
    expect(forwarded.attachments.map((a) => a.filename)).toContain('y-kien-phoi-hop.txt');

    const status = await eventually(async () => {
      const entries = await statusCommand({ planId: rig.planId }, rig.env);
      const lines = formatStatus(entries).join('\n');
      return lines.includes('Đã báo cáo: Sở Nội vụ (đúng hạn)') && lines;
    });
    expect(status).toContain('Chưa báo cáo: Sở Tài chính');
  });

  it('refuses, each with a Vietnamese page and nothing recorded: a foreign file, empty text, a missing CSRF token, a file over the limit', async () => {
    const link = await linkFromReminder(COORDINATOR);
    const reports = await reportCount();
    const audit = await auditCount();
    const state = JSON.stringify((await view()).current?.reported);

    await page.goto(link);
    await page.fill('textarea[name="text"]', 'Báo cáo kèm tệp chương trình');
    await page.setInputFiles('#files', join(files, 'chuong-trinh.exe'));
    const foreign = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(foreign[0]?.status()).toBe(415);
    await expect(page.locator('main').textContent()).resolves.toContain('chuong-trinh.exe');
    await shoot(page, shots, '03-refused-file-type', true);
    // The refusal leads back to the form.
    await Promise.all([page.waitForURL(link), page.click('text=Quay lại biểu mẫu')]);
    await expect(page.locator('textarea[name="text"]').count()).resolves.toBe(1);

    await page.goto(link);
    await page.fill('textarea[name="text"]', '    ');
    const empty = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(empty[0]?.status()).toBe(422);
    await expect(page.locator('[role="alert"]').textContent()).resolves.toContain('Báo cáo trống');
    await shoot(page, shots, '04-rejected-by-workflow', true);

    await page.goto(link);
    await page.fill('textarea[name="text"]', 'Báo cáo không có mã bảo vệ');
    await page.evaluate(() => document.querySelector('input[name="_csrf"]')?.remove());
    const noCsrf = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(noCsrf[0]?.status()).toBe(403);
    await expect(page.locator('main').textContent()).resolves.toContain('CSRF');
    await shoot(page, shots, '05-refused-csrf', true);

    await page.goto(link);
    await page.fill('textarea[name="text"]', 'Báo cáo kèm tệp quá lớn');
    await page.setInputFiles('#files', join(files, 'qua-lon.txt'));
    const tooBig = await Promise.all([page.waitForNavigation(), page.click('button[type="submit"]')]);
    expect(tooBig[0]?.status()).toBe(413);
    await expect(page.locator('main').textContent()).resolves.toContain('vượt quá giới hạn');
    await shoot(page, shots, '06-refused-too-large');

    expect(await reportCount()).toBe(reports);
    expect(await auditCount()).toBe(audit);
    expect(JSON.stringify((await view()).current?.reported)).toBe(state);
  });

  it('refuses a tampered and an expired link with a Vietnamese page', async () => {
    const link = await linkFromReminder(COORDINATOR);
    const tampered = `${link.slice(0, -4)}${link.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    const r1 = await page.goto(tampered);
    expect(r1?.status()).toBe(403);
    await expect(page.locator('main').textContent()).resolves.toContain('chữ ký không đúng');
    await shoot(page, shots, '07-refused-tampered', true);
    const target = await rig.signer.verifySubmission(link.split('/bao-cao/')[1]);
    const expired = await rig.signer.submissionToken(target, new Date(Date.now() - 60_000));
    const r2 = await page.goto(`${rig.url}/bao-cao/${expired}`);
    expect(r2?.status()).toBe(410);
    await expect(page.locator('main').textContent()).resolves.toContain('hết hạn');
    await shoot(page, shots, '08-refused-expired');
    const r3 = await page.goto(link.slice(0, link.length - 20));
    expect(r3?.status()).toBe(400);
    await shoot(page, shots, '09-refused-truncated');
  });

  it('the lead reports with a file from its own reminder; the period closes on time; its link then says the period is closed', async () => {
    const link = await linkFromReminder(LEAD);
    await page.goto(link);
    const facts = (await page.locator('dl.facts').textContent()) ?? '';
    expect(facts).toContain('Chủ trì');
    // What the coordinator sent is not on the lead's page (it is the coordinator's own), but was forwarded by email.
    await shoot(page, shots, '10-lead-form', true);
    await page.fill('textarea[name="text"]', 'Sở Tài chính báo cáo kết quả thực hiện nhiệm vụ 1.');
    await page.setInputFiles('#files', join(files, 'bao-cao-chu-tri.pdf'));
    await Promise.all([page.waitForURL(/\/bien-nhan\//), page.click('button[type="submit"]')]);
    await expect(page.locator('section.receipt').textContent()).resolves.toContain('Đúng hạn');
    await shoot(page, shots, '11-lead-receipt', true);

    const closed = await eventually(async () => (await view()).closed[0]);
    expect(closed.outcomes).toMatchObject({ 'Sở Tài chính': 'on-time', 'Sở Nội vụ': 'on-time' });
    const reports = await rig.store.listReports({ planId: rig.planId });
    expect(reports.find((r) => r.agency === 'Sở Tài chính')?.attachments.map((a) => a.filename)).toEqual([
      'bao-cao-chu-tri.pdf',
    ]);
    const status = await eventually(async () => {
      const entries = await statusCommand({ planId: rig.planId }, rig.env);
      const task = entries.find((e) => e.subject.type === 'task' && e.subject.taskId === '1');
      return task?.status === 'completed' && formatStatus([task]).join('\n');
    });
    expect(status).toContain('Nhiệm vụ 1');

    const again = await page.goto(link);
    expect(again?.status()).toBe(410);
    await expect(page.locator('main').textContent()).resolves.toContain('Kỳ báo cáo đã đóng');
    await shoot(page, shots, '12-refused-closed', true);
    expect((await rig.store.listReports({ planId: rig.planId })).length).toBe(reports.length);
  });
});
