import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { createTransport, type SendMailOptions } from 'nodemailer';
import type { ParsedMail } from 'mailparser';
import { createActivities } from '../../src/activities';
import { parseReply } from '../../src/activities/inbound/parse-reply';
import { createReplyAddresses, newReplyKey, replyAddress } from '../../src/activities/inbound/reply-address';
import { createMailer, type Mailer } from '../../src/activities/email/transport';
import { createPlanCatalog } from '../../src/activities/plan-catalog';
import type { Store } from '../../src/activities/storage/store';
import { formatInbound, inboundListCommand } from '../../src/cli/inbound';
import { reportConfirmCommand } from '../../src/cli/report';
import { startCommand } from '../../src/cli/start';
import { startSmtpListener, type SmtpListener } from '../../src/inbound/smtp-listener';
import { startMailCapture, type MailCapture } from '../../src/mail-capture';
import { Mailbox } from '../../src/mail-capture/mailbox';
import { loadWorkingCalendar } from '../../src/plan/holidays';
import { receiveReply, type InboundDeps } from '../../src/services/inbound-reply';
import { executeSubjectUpdate, querySubject } from '../../src/services/subject-updates';
import { closeOccurrenceUpdate, subjectWorkflowId, type SubjectView } from '../../src/workflows/contract';
import { writeTestPlans, type TestPlans } from '../support/plan-fixture';
import { describeEachStore } from '../support/stores';
import { eventually, runWorkerOnSharedServer, sharedDevServerAddress } from '../support/temporal';

const reply = { domain: 'dondoc.localhost', prefix: 'baocao' };
const pdf = Buffer.from('%PDF-1.4\n%âãÏÓ\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const docx = Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04]), randomBytes(64)]);

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Four one-off tasks due in a week, each reminded "7 days before" at midnight, one email per reminder: the reminders go
 * out at start.
 */
function writeReplyPlan(plans: TestPlans): { planId: string; file: string } {
  const planId = `reply-test-${randomBytes(4).toString('hex')}`;
  const task = (id: string, title: string, lead: string) => `  - id: "${id}"
    title: ${title}
    lead: ["${lead}"]
    coordinators: []
    timeframe:
      text: Trước ngày ${isoDay(7)}
      rule: { type: date, date: "${isoDay(7)}" }
`;
  const file = join(plans.dir, `${planId}.yaml`);
  writeFileSync(
    file,
    `id: ${planId}
number: 99/KH-UBND
title: Kế hoạch thử nghiệm trả lời thư
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-10)}", to: "${isoDay(60)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
policy: { remindDaysBefore: [7], sendAt: "00:00", dueDateShift: none, delivery: individual }
tasks:
${task('1', 'Bố trí kinh phí', 'Sở Tài chính')}${task('2', 'Bồi dưỡng cán bộ', 'Sở Nội vụ')}${task('3', 'Khám sức khỏe định kỳ', 'Sở Y tế')}${task('4', 'Tuyên truyền trên báo chí', 'Sở Thông tin và Truyền thông')}`,
  );
  return { planId, file };
}

async function deadPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describeEachStore('reports by replying to the email, through SMTP on loopback', (testStore) => {
  let root: string;
  let plans: TestPlans;
  let planId: string;
  let planFile: string;
  let store: Store;
  let capture: MailCapture;
  let mailbox: Mailbox;
  let mailer: Mailer;
  let worker: Awaited<ReturnType<typeof runWorkerOnSharedServer>>;
  let client: Client;
  let deps: InboundDeps;
  let listener: SmtpListener;
  let env: NodeJS.ProcessEnv;
  const taskQueue = `dondoc-inbound-${randomBytes(4).toString('hex')}`;

  const workflowId = (taskId: string) => subjectWorkflowId(planId, { type: 'task', taskId });
  const view = (taskId: string): Promise<SubjectView> => querySubject(client, workflowId(taskId));

  /** Captured messages whose subject starts with `tag` and that went to `to`, parsed. */
  async function captured(tag: string, to: string): Promise<ParsedMail[]> {
    const found: ParsedMail[] = [];
    for (const summary of await mailbox.list()) {
      if (!summary.subject.startsWith(tag) || !summary.to.some((t) => t.includes(to))) continue;
      found.push((await mailbox.read(summary.id)) as ParsedMail);
    }
    return found;
  }

  async function reminderReplyTo(agencyEmail: string): Promise<{ address: string; reminder: ParsedMail }> {
    const [reminder] = await eventually(async () => {
      const list = await captured('[Nhắc hạn]', agencyEmail);
      return list.length > 0 && list;
    }, 60_000);
    const address = reminder.replyTo?.value[0]?.address as string;
    return { address, reminder };
  }

  /** Sends a message to a listener as a mail server would deliver it; resolves with the SMTP answer. */
  async function send(port: number, mail: SendMailOptions): Promise<{ response: string }> {
    const transport = createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
    try {
      return await transport.sendMail(mail);
    } finally {
      transport.close();
    }
  }

  /** The report an agency has stored for a task (a lead's report closes a one-off task's period at once). */
  async function reportOf(taskId: string, agency: string) {
    const reports = await store.listReports({ planId, subject: { type: 'task', taskId } });
    return reports.filter((r) => r.agency === agency);
  }

  /** What the store and the workflows hold, to show that a refused message recorded nothing. */
  async function recorded(): Promise<unknown> {
    const views = await Promise.all(['1', '2', '3', '4'].map(view));
    return {
      reports: (await store.listReports({ planId })).map((r) => r.reportId),
      audit: (await store.listAudit({ planId })).length,
      workflows: views.map((v) => ({ reported: v.open?.map((o) => Object.keys(o.reported)), closed: v.closed.length })),
    };
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'dondoc-inbound-'));
    plans = writeTestPlans(root);
    ({ planId, file: planFile } = writeReplyPlan(plans));
    capture = await startMailCapture({ smtpPort: 0, httpPort: 0, dir: join(root, 'mail') });
    mailbox = new Mailbox(join(root, 'mail'));
    store = await testStore().open();
    mailer = createMailer({
      smtpUrl: `smtp://127.0.0.1:${capture.smtpPort}`,
      from: 'dondoc <dondoc@localhost>',
      local: true,
    });
    const catalog = createPlanCatalog(plans.dir);
    worker = await runWorkerOnSharedServer(
      taskQueue,
      createActivities({
        store,
        mailer,
        plans: catalog,
        calendar: await loadWorkingCalendar('plans/holidays'),
        replyAddress: createReplyAddresses(store, reply),
      }),
    );
    client = worker.client;
    deps = { store, client, plans: catalog, mailer, reply };
    listener = await startSmtpListener({
      port: 0,
      host: '127.0.0.1',
      reply,
      receive: (raw, envelope) => receiveReply(deps, raw, envelope),
    });
    env = {
      ...process.env,
      TEMPORAL_ADDRESS: sharedDevServerAddress(),
      TEMPORAL_NAMESPACE: 'default',
      DONDOC_PLANS_DIR: plans.dir,
      DONDOC_HOME: join(root, 'home'),
      DONDOC_MAIL_CAPTURE_SMTP_PORT: String(capture.smtpPort),
      SMTP_URL: '',
      ...testStore().env,
    };
    await startCommand([planFile], { env, taskQueue });
    for (const id of ['1', '2', '3', '4']) await eventually(async () => (await view(id)).current);
  });

  afterAll(async () => {
    await listener?.stop();
    await worker?.stop();
    mailer?.close();
    await store?.close();
    await capture?.stop();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  test('each reminder has a Reply-To of its own, <prefix>+<random key>@<domain>, and says a reply is taken', async () => {
    const finance = await reminderReplyTo('vanthu@sotc.thunghiem.example');
    const home = await reminderReplyTo('vanthu@sonv.thunghiem.example');
    for (const { address } of [finance, home]) {
      expect(address).toMatch(/^baocao\+[a-z2-7]{32}@dondoc\.localhost$/);
      expect(address.split('@')[0].length).toBeLessThanOrEqual(64);
    }
    expect(finance.address).not.toBe(home.address);
    expect(finance.reminder.text).toContain('Trả lời thư này, kèm nội dung báo cáo và tệp đính kèm');
    // The key is kept: the same obligation asks for its reply at the same address.
    const again = await createReplyAddresses(
      store,
      reply,
    )({
      planId,
      subject: { type: 'task', taskId: '1' },
      occurrenceId: (await view('1')).current?.id as string,
      agency: 'Sở Tài chính',
    });
    expect(again).toBe(finance.address);
  });

  const gmailText =
    'Sở Tài chính báo cáo: đã bố trí 1,2 tỷ đồng kinh phí thực hiện nhiệm vụ.\nChi tiết trong tệp đính kèm.';
  let gmailReply: SendMailOptions;

  test('a Gmail-style reply with a Vietnamese quote header and a PDF becomes the report, without the quote', async () => {
    const { address, reminder } = await reminderReplyTo('vanthu@sotc.thunghiem.example');
    gmailReply = {
      from: 'Sở Tài chính <vanthu@sotc.thunghiem.example>',
      to: address,
      subject: `Re: ${reminder.subject}`,
      messageId: `<gmail-${randomBytes(6).toString('hex')}@mail.gmail.example>`,
      inReplyTo: reminder.messageId,
      text: `${gmailText}\n\nVào Th 2, 15 thg 5, 2025 lúc 08:00 Hệ thống Đôn đốc <dondoc@localhost> đã viết:\n\n${(
        reminder.text ?? ''
      )
        .split('\n')
        .map((l) => `> ${l}`)
        .join('\n')}\n`,
      attachments: [{ filename: 'Báo cáo kinh phí.pdf', content: pdf, contentType: 'application/pdf' }],
    };
    const answer = await send(listener.port, gmailReply);
    expect(answer.response).toMatch(/^250 .*accepted/);

    // The lead's report closes the period: the workflow counts it on time, the store holds it.
    expect((await view('1')).closed).toEqual([expect.objectContaining({ outcomes: { 'Sở Tài chính': 'on-time' } })]);
    const [report] = await reportOf('1', 'Sở Tài chính');
    expect(report?.text).toBe(gmailText);
    expect(report?.attachments).toEqual([
      expect.objectContaining({ filename: 'Báo cáo kinh phí.pdf', contentType: 'application/pdf', size: pdf.length }),
    ]);
    const [inbound] = await store.listInbound({ status: 'accepted' });
    expect(inbound).toMatchObject({ sender: 'vanthu@sotc.thunghiem.example', reportId: report.reportId });
    // The raw message is kept whole for the audit trail: the quote and the file included.
    const kept = await parseReply((await store.getInboundRaw(inbound.id)) as Buffer);
    expect(kept).toMatchObject({ messageId: gmailReply.messageId, text: gmailText });
    expect(kept.attachments[0].content.equals(pdf)).toBe(true);
    // The sender gets the workflow's receipt, and no second answer of the inbound service.
    await eventually(async () => (await captured('[Đã nhận báo cáo]', 'vanthu@sotc.thunghiem.example')).length === 1);
    const answerKey = `inbound/${createHash('sha256').update(inbound.messageId).digest('hex').slice(0, 32)}/answer`;
    expect(await store.getSend(answerKey)).toBeUndefined();
  });

  test('the same message delivered twice (same Message-ID) is one report, receipted once', async () => {
    const before = await store.listReports({ planId, subject: { type: 'task', taskId: '1' } });
    const answer = await send(listener.port, gmailReply);
    expect(answer.response).toMatch(/^250 /);
    expect(await store.listReports({ planId, subject: { type: 'task', taskId: '1' } })).toEqual(before);
    expect((await store.listInbound()).filter((m) => m.messageId === gmailReply.messageId)).toHaveLength(1);
    // Delivered again while the first delivery's note was lost: the workflow's duplicate check keeps it one report.
    const raw = await store.getInboundRaw((await store.getInbound(gmailReply.messageId as string))?.id as string);
    const outcome = await receiveReply({ ...deps, store: withoutInbound(store) }, raw as Buffer, { to: [] });
    expect(outcome).toMatchObject({ status: 'accepted', reportId: before[0].reportId });
    expect(await store.listReports({ planId, subject: { type: 'task', taskId: '1' } })).toEqual(before);
    await new Promise((r) => setTimeout(r, 500));
    expect(await captured('[Đã nhận báo cáo]', 'vanthu@sotc.thunghiem.example')).toHaveLength(1);
  });

  test('a reply with a file of a refused type is not taken, and the sender is told why, once', async () => {
    const { address, reminder } = await reminderReplyTo('vanthu@sonv.thunghiem.example');
    const before = await recorded();
    const messageId = `<exe-${randomBytes(6).toString('hex')}@sonv.example>`;
    const mail = {
      from: 'vanthu@sonv.thunghiem.example',
      to: address,
      subject: `Re: ${reminder.subject}`,
      messageId,
      text: 'Gửi bổ sung số liệu.',
      attachments: [{ filename: 'so-lieu.exe', content: randomBytes(32), contentType: 'application/x-msdownload' }],
    };
    await send(listener.port, mail);
    await send(listener.port, mail);
    expect(await recorded()).toEqual(before);
    expect(await store.getInbound(messageId)).toMatchObject({
      status: 'rejected',
      reason: expect.stringContaining('so-lieu.exe'),
    });
    const answers = await eventually(async () => {
      const list = await captured('[Không nhận báo cáo]', 'vanthu@sonv.thunghiem.example');
      return list.length > 0 && list;
    });
    expect(answers).toHaveLength(1);
    expect(answers[0].text).toContain('không được chấp nhận');
    expect(answers[0].inReplyTo).toBe(messageId);
  });

  test('an Outlook-style reply in Vietnamese ("Từ: … Đã gửi: …") with a Word file becomes the report', async () => {
    const { address, reminder } = await reminderReplyTo('vanthu@sonv.thunghiem.example');
    const text = 'Sở Nội vụ đã tổ chức 2 lớp bồi dưỡng cho 80 cán bộ, công chức.';
    await send(listener.port, {
      from: '"Văn thư Sở Nội vụ" <VanThu@SoNV.ThuNghiem.example>',
      to: address,
      subject: `TR: ${reminder.subject}`,
      text: `${text}\r\n\r\nTrân trọng.\r\n\r\n________________________________\r\nTừ: Hệ thống Đôn đốc <dondoc@localhost>\r\nĐã gửi: Thứ Hai, 15 tháng 5, 2025 8:00 SA\r\nĐến: vanthu@sonv.thunghiem.example\r\nChủ đề: ${reminder.subject}\r\n\r\n${reminder.text}`,
      attachments: [
        {
          filename: 'Kết quả bồi dưỡng.docx',
          content: docx,
          contentType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        },
      ],
    });
    const [report] = await reportOf('2', 'Sở Nội vụ');
    expect(report?.text).toBe(`${text}\n\nTrân trọng.`);
    expect((await view('2')).closed[0]?.outcomes).toEqual({ 'Sở Nội vụ': 'on-time' });
    expect(report?.attachments.map((a) => a.filename)).toEqual(['Kết quả bồi dưỡng.docx']);
  });

  test('a reply from an address the directory does not list waits for an officer, who confirms it', async () => {
    const { address, reminder } = await reminderReplyTo('vanthu@soyt.thunghiem.example');
    const text = 'Sở Y tế đã khám sức khỏe định kỳ cho 1.500 người.';
    await send(listener.port, {
      from: 'Nguyễn Văn B <nguyenvanb@thu-dien-tu.example>',
      to: address,
      subject: `Re: ${reminder.subject}`,
      text: `${text}\n\nOn Mon, 15 May 2025 at 08:00, Hệ thống Đôn đốc <dondoc@localhost> wrote:\n> ${reminder.subject}\n`,
    });
    const [pending] = await store.listInbound({ status: 'pending-confirmation' });
    expect(pending).toMatchObject({ sender: 'nguyenvanb@thu-dien-tu.example' });
    // Nothing reached the workflow or the reports.
    expect((await view('3')).current?.reported).toEqual({});
    expect(await store.listReports({ planId, subject: { type: 'task', taskId: '3' } })).toEqual([]);
    const audit = await store.listAudit({ planId, subject: { type: 'task', taskId: '3' } });
    expect(audit).toEqual([expect.objectContaining({ action: 'reply-pending', by: 'nguyenvanb@thu-dien-tu.example' })]);
    const told = await eventually(async () => {
      const list = await captured('[Chờ xác nhận]', 'nguyenvanb@thu-dien-tu.example');
      return list.length > 0 && list;
    });
    expect(told[0].text).toContain('không có trong danh bạ của Sở Y tế');
    expect(told[0].text).toContain(pending.id);

    const outcome = await reportConfirmCommand(pending.id, 'Trần Thị C (Sở TT&TT)', env);
    expect(outcome).toMatchObject({ status: 'accepted', inboundId: pending.id });
    expect((await reportOf('3', 'Sở Y tế')).map((r) => [r.reportId, r.text])).toEqual([[outcome.reportId, text]]);
    expect((await view('3')).closed[0]?.outcomes).toEqual({ 'Sở Y tế': 'on-time' });
    expect(await store.getInbound(pending.id)).toMatchObject({
      status: 'accepted',
      confirmedBy: 'Trần Thị C (Sở TT&TT)',
    });
    expect(await store.listAudit({ planId, subject: { type: 'task', taskId: '3' } })).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'reply-confirmed', by: 'Trần Thị C (Sở TT&TT)' })]),
    );
    await eventually(
      async () => (await captured('[Đã xác nhận báo cáo]', 'nguyenvanb@thu-dien-tu.example')).length === 1,
    );
    const listed = formatInbound(await inboundListCommand('accepted', env)).join('\n');
    expect(listed).toContain(`${pending.id}  `);
    expect(listed).toContain(`đã ghi nhận  nguyenvanb@thu-dien-tu.example`);
    // Confirmed once: a second confirmation is refused.
    await expect(reportConfirmCommand(pending.id, 'Trần Thị C', env)).rejects.toMatchObject({
      name: 'CommandError',
      message: expect.stringContaining('không chờ xác nhận'),
    });
  });

  test('a reply to a key that does not exist is answered and records nothing', async () => {
    const { reminder } = await reminderReplyTo('vanthu@sotc.thunghiem.example');
    const before = await recorded();
    const messageId = `<unknown-${randomBytes(6).toString('hex')}@sotc.example>`;
    const answer = await send(listener.port, {
      from: 'vanthu@sotc.thunghiem.example',
      to: replyAddress(reply, newReplyKey()),
      subject: 'Re: [Nhắc hạn] báo cáo cũ',
      messageId,
      inReplyTo: reminder.messageId,
      references: reminder.messageId,
      text: 'Báo cáo gửi nhầm địa chỉ.',
    });
    expect(answer.response).toMatch(/^250 .*unknown-key/);
    expect(await recorded()).toEqual(before);
    expect(await store.getInbound(messageId)).toMatchObject({ status: 'unknown-key' });
    const told = await eventually(async () => {
      const list = await captured('[Không tìm thấy]', 'vanthu@sotc.thunghiem.example');
      return list.length > 0 && list;
    });
    expect(told[0].text).toContain('không tìm thấy yêu cầu báo cáo');
  });

  test('mail to a made-up key that answers no email of dondoc is kept but not answered (no backscatter)', async () => {
    const before = await recorded();
    const messageId = `<spam-${randomBytes(6).toString('hex')}@forged.example>`;
    await send(listener.port, {
      from: 'nan-nhan@forged.example',
      to: replyAddress(reply, newReplyKey()),
      subject: 'Khuyến mãi',
      messageId,
      text: 'Quảng cáo.',
    });
    expect(await recorded()).toEqual(before);
    expect(await store.getInbound(messageId)).toMatchObject({ status: 'unknown-key' });
    await new Promise((r) => setTimeout(r, 500));
    expect((await mailbox.list()).filter((m) => m.to.some((to) => to.includes('nan-nhan@forged.example')))).toEqual([]);
  });

  test('a reply for a period that has closed is answered and records nothing', async () => {
    const { address, reminder } = await reminderReplyTo('vanthu@sotttt.thunghiem.example');
    const occurrenceId = (await view('4')).current?.id as string;
    await executeSubjectUpdate(client, workflowId('4'), closeOccurrenceUpdate, {
      occurrenceId,
      by: 'Trần Thị C',
      reason: 'Thử nghiệm đóng kỳ',
    });
    const before = await recorded();
    const messageId = `<late-${randomBytes(6).toString('hex')}@sotttt.example>`;
    await send(listener.port, {
      from: 'vanthu@sotttt.thunghiem.example',
      to: address,
      subject: `Re: ${reminder.subject}`,
      messageId,
      text: 'Báo cáo gửi muộn.',
    });
    expect(await recorded()).toEqual(before);
    expect(await store.listReports({ planId, subject: { type: 'task', taskId: '4' } })).toEqual([]);
    expect(await store.getInbound(messageId)).toMatchObject({ status: 'closed' });
    const told = await eventually(async () => {
      const list = await captured('[Kỳ báo cáo đã đóng]', 'vanthu@sotttt.thunghiem.example');
      return list.length > 0 && list;
    });
    expect(told[0].text).toContain('đã đóng');
  });

  test('mail for any other address is refused at RCPT with 550', async () => {
    await expect(
      send(listener.port, { from: 'a@b.example', to: 'someone@dondoc.localhost', subject: 'x', text: 'x' }),
    ).rejects.toMatchObject({ responseCode: 550 });
    await expect(
      send(listener.port, {
        from: 'a@b.example',
        to: `baocao+${newReplyKey()}@other.example`,
        subject: 'x',
        text: 'x',
      }),
    ).rejects.toMatchObject({ responseCode: 550 });
  });

  test('when Temporal does not answer, the listener answers 451 and records nothing', async () => {
    const { address, reminder } = await reminderReplyTo('vanthu@sonv.thunghiem.example');
    const connection = Connection.lazy({ address: `127.0.0.1:${await deadPort()}` });
    const down = await startSmtpListener({
      port: 0,
      host: '127.0.0.1',
      reply,
      receive: (raw, envelope) =>
        receiveReply(
          { ...deps, client: new Client({ connection, namespace: 'default' }), temporalTimeoutMs: 2_000 },
          raw,
          envelope,
        ),
    });
    try {
      const before = await recorded();
      const messageId = `<down-${randomBytes(6).toString('hex')}@sonv.example>`;
      await expect(
        send(down.port, {
          from: 'vanthu@sonv.thunghiem.example',
          to: address,
          subject: `Re: ${reminder.subject}`,
          messageId,
          text: 'Báo cáo bổ sung.',
        }),
      ).rejects.toMatchObject({ responseCode: 451 });
      expect(await recorded()).toEqual(before);
      expect(await store.getInbound(messageId)).toBeUndefined();
    } finally {
      await down.stop();
      await connection.close();
    }
  });
});

/** The store as a process that crashed before noting a delivery sees it: no inbound rows. */
function withoutInbound(store: Store): Store {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'getInbound') return async () => undefined;
      if (prop === 'recordInbound') {
        return async (input: Parameters<Store['recordInbound']>[0]) => {
          const { message } = await target.recordInbound(input);
          return { message: { ...message, status: input.status, reportId: input.reportId }, created: false };
        };
      }
      const value = Reflect.get(target, prop, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
