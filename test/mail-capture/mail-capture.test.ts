import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { startMailCapture, type MailCapture } from '../../src/mail-capture';
import type { MessageSummary } from '../../src/mail-capture/mailbox';

const subject = '[Nhắc hạn] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025';
const ics = 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//dondoc//VI\r\nEND:VCALENDAR\r\n';

describe('local mail capture', () => {
  let dir: string;
  let capture: MailCapture;
  let mailer: Mailer;
  let base: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dondoc-capture-'));
    capture = await startMailCapture({ smtpPort: 0, httpPort: 0, dir });
    base = `http://127.0.0.1:${capture.httpPort}`;
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${capture.smtpPort}`,
      from: '"Hệ thống Đôn đốc" <dondoc@localhost>',
      local: true,
    });
    await mailer.send({
      to: ['svhttdl@daknong.example'],
      subject,
      text: 'Kính gửi: Sở Văn hóa, Thể thao và Du lịch.\nHạn gửi: Thứ Năm, 15/5/2025',
      html: '<p>Kính gửi: Sở Văn hóa, Thể thao và Du lịch.</p><script>alert(1)</script>',
      messageId: '<abc@dondoc>',
      attachments: [{ filename: 'hạn-gửi.ics', content: ics, contentType: 'text/calendar; charset=utf-8' }],
    });
  });
  afterAll(async () => {
    mailer?.close();
    await capture?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each accepted message as an .eml file in its folder', () => {
    expect(readdirSync(dir).filter((f) => f.endsWith('.eml'))).toHaveLength(1);
  });

  it('lists messages on its web page and as JSON, with the Vietnamese subject intact', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await page.text();
    expect(html).toContain('Hộp thư thử nghiệm');
    expect(html).toContain('Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025');
    const list = (await (await fetch(`${base}/api/thu`)).json()) as MessageSummary[];
    expect(list).toEqual([
      expect.objectContaining({
        subject,
        to: ['svhttdl@daknong.example'],
        from: 'Hệ thống Đôn đốc <dondoc@localhost>',
        attachments: 1,
      }),
    ]);
  });

  it('shows one message with its text, its HTML in a sandboxed frame, and its attachment for download', async () => {
    const [{ id }] = (await (await fetch(`${base}/api/thu`)).json()) as MessageSummary[];
    const html = await (await fetch(`${base}/thu/${id}`)).text();
    expect(html).toContain('Hạn gửi: Thứ Năm, 15/5/2025');
    expect(html).toContain('<iframe sandbox srcdoc="');
    expect(html).not.toContain('<script>');
    expect(html).toContain('hạn-gửi.ics');
    const file = await fetch(`${base}/thu/${id}/tep/0`);
    expect(file.headers.get('content-disposition')).toContain("filename*=UTF-8''h%E1%BA%A1n-g%E1%BB%ADi.ics");
    expect(await file.text()).toBe(ics);
    const raw = await (await fetch(`${base}/thu/${id}.eml`)).text();
    expect(raw).toMatch(/^X-Dondoc-Received-At: /);
    expect(raw).toContain('Message-ID: <abc@dondoc>');
  });

  it.each(['/thu/..%2F..%2Fetc%2Fpasswd', '/thu/20250101T000000000Z-00000000', '/khong-co'])(
    'answers 404 for %s',
    async (path) => {
      const res = await fetch(`${base}${path}`);
      expect(res.status).toBe(404);
      expect(await res.text()).toContain('Không tìm thấy');
    },
  );
});
