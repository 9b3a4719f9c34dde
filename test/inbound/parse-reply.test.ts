import { createTransport, type SendMailOptions } from 'nodemailer';
import { parseReply, replyText } from '../../src/activities/inbound/parse-reply';

const report = 'Sở Nội vụ báo cáo: đã tổ chức 3 lớp bồi dưỡng cho 120 cán bộ.\nKinh phí thực hiện: 45 triệu đồng.';
const original = [
  '> Kính gửi: Sở Nội vụ.',
  '>',
  '> Thực hiện Kế hoạch số 12/KH-UBND, hệ thống Đôn đốc xin nhắc quý cơ quan hạn gửi báo cáo.',
  '> Hạn gửi: Thứ Sáu, 15/05/2025',
].join('\n');

/** Builds a raw message the way a mail client would send it. */
async function raw(mail: SendMailOptions): Promise<Buffer> {
  const transport = createTransport({ streamTransport: true, buffer: true });
  const info = await transport.sendMail({ from: 'Sở Nội vụ <vanthu@sonv.example>', ...mail });
  return info.message as Buffer;
}

describe('the reply text without the quoted original', () => {
  test.each([
    [
      'Gmail in Vietnamese, header on one line',
      `${report}\n\nVào Th 2, 15 thg 5, 2025 lúc 08:00 Hệ thống Đôn đốc <dondoc@tinh.example> đã viết:\n\n${original}\n`,
    ],
    [
      'Gmail in Vietnamese, header wrapped over two lines',
      `${report}\n\nVào Th 6, 9 thg 5, 2025 vào lúc 14:35 Hệ thống Đôn đốc <\ndondoc@tinh.example> đã viết:\n${original}\n`,
    ],
    [
      '"Vào lúc … ngày …, … đã viết:"',
      `${report}\n\nVào lúc 08:00 ngày 15/05/2025, Hệ thống Đôn đốc <dondoc@tinh.example> đã viết:\n${original}`,
    ],
    [
      'Gmail in English',
      `${report}\n\nOn Mon, 15 May 2025 at 08:00, Hệ thống Đôn đốc <dondoc@tinh.example> wrote:\n${original}`,
    ],
    [
      'Outlook "-----Original Message-----"',
      `${report}\n\n-----Original Message-----\nFrom: Hệ thống Đôn đốc <dondoc@tinh.example>\nSent: Monday, May 15, 2025 8:00 AM\nTo: vanthu@sonv.example\nSubject: [Nhắc hạn] 12/KH-UBND\n\nKính gửi: Sở Nội vụ.\nHạn gửi: Thứ Sáu, 15/05/2025\n`,
    ],
    [
      'Outlook "From: … Sent: …" under a rule, no quoting',
      `${report}\n\n________________________________\nFrom: Hệ thống Đôn đốc <dondoc@tinh.example>\nSent: Monday, May 15, 2025 8:00 AM\nTo: vanthu@sonv.example\nSubject: [Nhắc hạn] 12/KH-UBND\n\nKính gửi: Sở Nội vụ.\n`,
    ],
    [
      'Outlook in Vietnamese "Từ: … Đã gửi: … Đến: … Chủ đề: …"',
      `${report}\n\nTừ: Hệ thống Đôn đốc <dondoc@tinh.example>\nĐã gửi: Thứ Hai, 15 tháng 5, 2025 8:00 SA\nĐến: vanthu@sonv.example\nChủ đề: [Nhắc hạn] 12/KH-UBND\n\nKính gửi: Sở Nội vụ.\nHạn gửi: Thứ Sáu, 15/05/2025\n`,
    ],
    [
      'Outlook in Vietnamese with bold labels',
      `${report}\n\n*Từ:* Hệ thống Đôn đốc <dondoc@tinh.example>\n*Ngày gửi:* Thứ Hai, 15/05/2025 08:00\n*Đến:* vanthu@sonv.example\n\nKính gửi: Sở Nội vụ.\n`,
    ],
    ['"-----Thư gốc-----"', `${report}\n\n-----Thư gốc-----\nTừ: Hệ thống Đôn đốc\nKính gửi: Sở Nội vụ.\n`],
    ['"> " quoting without a header', `${report}\n\n${original}\n`],
    ['a "-- " signature', `${report}\n\n-- \nNguyễn Văn A\nChuyên viên Sở Nội vụ\nĐT: 0261 3 123 456\n\n${original}`],
    ['a phone signature in Vietnamese', `${report}\n\nGửi từ iPhone của tôi\n\n${original}`],
    [
      'CRLF line ends',
      `${report}\r\n\r\nVào Th 2, 15 thg 5, 2025 lúc 08:00 Đôn đốc <d@t.example> đã viết:\r\n${original}`,
    ],
  ])('%s', (_name, body) => {
    expect(replyText(body)).toBe(report);
  });

  test('text written in decomposed Unicode (NFD) comes out composed (NFC), and the header is still found', () => {
    const body =
      `${report}\n\nVào Th 2, 15 thg 5, 2025 lúc 08:00 Đôn đốc <d@t.example> đã viết:\n${original}`.normalize('NFD');
    const text = replyText(body);
    expect(text).toBe(report);
    expect(text).toBe(text.normalize('NFC'));
  });

  test('keeps lines of the report that merely mention the words of a header', () => {
    const body = 'Từ tháng 5, Sở đã gửi: 3 văn bản hướng dẫn.\nVào quý 3 sẽ tổng kết.\n\n' + original;
    expect(replyText(body)).toBe('Từ tháng 5, Sở đã gửi: 3 văn bản hướng dẫn.\nVào quý 3 sẽ tổng kết.');
  });

  test('a reply with nothing but the quote is empty', () => {
    expect(replyText(`\n\nVào Th 2, 15 thg 5, 2025 lúc 08:00 Đôn đốc <d@t.example> đã viết:\n${original}`)).toBe('');
  });
});

describe('parsing a received message', () => {
  test('takes the sender, every recipient address, the trimmed text and the attachments with Vietnamese names', async () => {
    const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
    const message = await raw({
      to: 'BaoCao+ABCDEFGHIJKLMNOPQRSTUVWX@dondoc.localhost',
      cc: 'lanhdao@sonv.example',
      headers: { 'Delivered-To': 'baocao+abcdefghijklmnopqrstuvwx@dondoc.localhost' },
      subject: 'Re: [Nhắc hạn] 12/KH-UBND – Nhiệm vụ 3',
      messageId: '<reply-1@sonv.example>',
      inReplyTo: '<abc@dondoc>',
      references: ['<first@dondoc>', '<abc@dondoc>'],
      text: `${report}\n\nVào Th 2, 15 thg 5, 2025 lúc 08:00 Đôn đốc <d@t.example> đã viết:\n${original}`,
      attachments: [{ filename: 'Báo cáo kết quả bồi dưỡng.pdf', content: pdf, contentType: 'application/pdf' }],
    });
    const parsed = await parseReply(message);
    expect(parsed).toMatchObject({
      messageId: '<reply-1@sonv.example>',
      from: 'vanthu@sonv.example',
      fromName: 'Sở Nội vụ',
      subject: 'Re: [Nhắc hạn] 12/KH-UBND – Nhiệm vụ 3',
      text: report,
    });
    expect(parsed.recipients).toEqual(['baocao+abcdefghijklmnopqrstuvwx@dondoc.localhost', 'lanhdao@sonv.example']);
    expect(parsed.references.sort()).toEqual(['<abc@dondoc>', '<first@dondoc>']);
    expect(parsed.attachments).toHaveLength(1);
    expect(parsed.attachments[0]).toMatchObject({
      filename: 'Báo cáo kết quả bồi dưỡng.pdf',
      contentType: 'application/pdf',
    });
    expect(parsed.attachments[0].content.equals(pdf)).toBe(true);
    expect(parsed.automated).toBeUndefined();
  });

  test('an HTML-only reply becomes text without its blockquoted original', async () => {
    const message = await raw({
      to: 'baocao+abcdefghijklmnopqrstuvwx@dondoc.localhost',
      subject: 'Re: nhắc hạn',
      html: `<div dir="ltr"><p>Sở Nội vụ báo cáo: đã tổ chức 3 lớp bồi dưỡng cho 120 cán bộ.</p></div><br><div class="gmail_quote"><div dir="ltr" class="gmail_attr">Vào Th 2, 15 thg 5, 2025 lúc 08:00 Đôn đốc &lt;d@t.example&gt; đã viết:<br></div><blockquote class="gmail_quote"><p>Kính gửi: Sở Nội vụ.</p><p>Hạn gửi: 15/05/2025</p></blockquote></div>`,
    });
    const parsed = await parseReply(message);
    expect(parsed.text).toBe('Sở Nội vụ báo cáo: đã tổ chức 3 lớp bồi dưỡng cho 120 cán bộ.');
  });

  test('an out-of-office answer is recognised as automatic', async () => {
    const message = await raw({
      to: 'baocao+abcdefghijklmnopqrstuvwx@dondoc.localhost',
      subject: 'Trả lời tự động: [Nhắc hạn] 12/KH-UBND',
      headers: { 'Auto-Submitted': 'auto-replied' },
      text: 'Tôi đang nghỉ phép đến ngày 20/5.',
    });
    expect((await parseReply(message)).automated).toContain('auto-replied');
  });

  test('a message without a Message-ID gets one derived from its content', async () => {
    const message = Buffer.from('From: a@b.example\r\nTo: x@y.example\r\nSubject: x\r\n\r\nNội dung\r\n');
    const first = await parseReply(message);
    expect(first.messageId).toMatch(/^<[0-9a-f]{32}@dondoc\.invalid>$/);
    expect((await parseReply(message)).messageId).toBe(first.messageId);
  });
});
