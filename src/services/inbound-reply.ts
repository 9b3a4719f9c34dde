import { createHash } from 'node:crypto';
import { asyncLocalStorage, type Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { parseReply, type ParsedReply } from '../activities/inbound/parse-reply';
import { replyAddress, replyKeyOf, type ReplyAddressConfig } from '../activities/inbound/reply-address';
import { agencyAddresses, overrideAddresses, senderListed } from '../activities/inbound/sender-check';
import { deliverOnce } from '../activities/email/deliver';
import { renderLetter, type Letter } from '../activities/email/layout';
import { periodLabelFromId } from '../activities/email/period-label';
import { automatedHeaders } from '../activities/email/headers';
import type { Mailer } from '../activities/email/transport';
import type { InboundMessage, InboundStatus, ReplyKeyRecord, Store } from '../activities/storage/store';
import type { AttachmentRef, PlanCatalog } from '../activities/types';
import type { Plan } from '../plan/schema';
import { submitReportUpdate, subjectWorkflowId, type SubjectView } from '../workflows/contract';
import { executeSubjectUpdate, querySubject, UpdateRejectedError } from './subject-updates';

/** What the inbound service needs: the store, Temporal, the plans, and a mailer for its answers. */
export interface InboundDeps {
  store: Store;
  client: Client;
  plans: PlanCatalog;
  mailer: Mailer;
  reply: ReplyAddressConfig;
  clock?: () => Date;
  /** How long Temporal may take to answer one call before the message is deferred (default 20 s). */
  temporalTimeoutMs?: number;
}

/**
 * Temporal (or the plan folder) did not answer: nothing was recorded, and the message must come again later. The SMTP
 * listener answers 451 so the sending server retries; the IMAP poller leaves the message unseen.
 */
export class InboundDeferredError extends Error {
  override readonly name = 'InboundDeferredError';
}

/** What became of a message; `ignored` ones had no reply address at all and were not kept. */
export interface InboundOutcome {
  status: InboundStatus | 'ignored';
  inboundId?: string;
  reportId?: string;
  reason?: string;
  /** True when this Message-ID had come before: nothing was done again. */
  duplicate?: boolean;
}

function hash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** The submission id of a reply: one per Message-ID, so a second delivery is a duplicate for the workflow too. */
export function submissionIdOf(messageId: string): string {
  return `mail-${hash(messageId).slice(0, 24)}`;
}

// deliverOnce logs through the activity logger; this process answers outside any activity, so it lends it one.
const answerLogger = {
  log: () => undefined,
  trace: () => undefined,
  debug: () => undefined,
  info: () => undefined,
  warn: (message: string) => console.warn(`dondoc inbound: ${message}`),
  error: (message: string) => console.error(`dondoc inbound: ${message}`),
};

function outsideActivity<T>(fn: () => Promise<T>): Promise<T> {
  return asyncLocalStorage.run({ log: answerLogger } as unknown as Context, fn);
}

/** Runs a Temporal call with a deadline; anything but the workflow's own answer defers the message. */
async function temporal<T>(deps: InboundDeps, fn: () => Promise<T>): Promise<T> {
  try {
    return await deps.client.withDeadline(Date.now() + (deps.temporalTimeoutMs ?? 20_000), fn);
  } catch (err) {
    const name = (err as Error).name;
    if (name === 'UpdateRejectedError' || name === 'SubjectNotRunningError') throw err;
    throw new InboundDeferredError(`Temporal không trả lời (${(err as Error).message}); thư sẽ được gửi lại sau`);
  }
}

async function planOf(deps: InboundDeps, planId: string): Promise<Awaited<ReturnType<PlanCatalog['get']>>> {
  try {
    return await deps.plans.get(planId);
  } catch (err) {
    // A plan file being fixed: the sending server retries later, as the worker's steps do.
    throw new InboundDeferredError(`kế hoạch ${planId} tạm thời không đọc được: ${(err as Error).message}`);
  }
}

/** "Nhiệm vụ 2.4.1 – Tuyên truyền …" or the deliverable's name. */
function subjectName(plan: Plan, key: ReplyKeyRecord): string {
  if (key.subject.type === 'task') {
    const id = key.subject.taskId;
    const task = plan.tasks.find((t) => t.id === id);
    return task ? `Nhiệm vụ ${task.id} – ${task.title}` : `Nhiệm vụ ${id}`;
  }
  const id = key.subject.deadlineId;
  return plan.deadlines.find((d) => d.id === id)?.subject ?? id;
}

function periodName(view: SubjectView | undefined, occurrenceId: string): string {
  const label =
    view?.open?.find((o) => o.id === occurrenceId)?.label ??
    view?.closed.find((c) => c.id === occurrenceId)?.label ??
    periodLabelFromId(occurrenceId);
  return label === occurrenceId ? occurrenceId : `${label} (${occurrenceId})`;
}

/** What an answer says besides its kind. */
interface AnswerContext {
  plan?: Plan;
  key?: ReplyKeyRecord;
  view?: SubjectView;
  address?: string;
  by?: string;
}

const ANSWER_TAGS: Record<InboundStatus | 'confirmed', string> = {
  accepted: 'Đã nhận báo cáo',
  rejected: 'Không nhận báo cáo',
  'pending-confirmation': 'Chờ xác nhận',
  'unknown-key': 'Không tìm thấy',
  closed: 'Kỳ báo cáo đã đóng',
  confirmed: 'Đã xác nhận báo cáo',
};

function answerLetter(
  kind: InboundStatus | 'confirmed',
  message: InboundMessage,
  ctx: AnswerContext,
): Letter | undefined {
  const { plan, key, view } = ctx;
  const facts: Array<[string, string]> = [];
  if (plan) facts.push(['Kế hoạch', plan.number ? `${plan.number} – ${plan.title}` : plan.title]);
  if (plan && key) facts.push(['Nội dung', subjectName(plan, key)], ['Cơ quan', key.agency]);
  if (key) facts.push(['Kỳ báo cáo', periodName(view, key.occurrenceId)]);
  facts.push(['Thư của quý cơ quan', message.subjectLine || '(không có tiêu đề)'], ['Mã thư', message.id]);
  const focal = plan ? `${plan.focalAgency} (cơ quan đầu mối)` : 'cơ quan đầu mối theo dõi kế hoạch';
  let paragraphs: string[];
  switch (kind) {
    case 'unknown-key':
      paragraphs = [
        `Hệ thống Đôn đốc không tìm thấy yêu cầu báo cáo nào ứng với địa chỉ ${ctx.address ?? ''} mà quý cơ quan đã trả lời, nên thư không được ghi nhận là báo cáo.`,
        'Đề nghị quý cơ quan trả lời đúng thư nhắc hạn gần nhất, hoặc nộp báo cáo theo đường dẫn trong thư đó.',
      ];
      break;
    case 'closed':
      paragraphs = [
        'Kỳ báo cáo mà quý cơ quan trả lời đã đóng, nên thư không được ghi nhận là báo cáo.',
        `Nếu cần bổ sung, đề nghị quý cơ quan liên hệ ${focal}.`,
      ];
      break;
    case 'pending-confirmation':
      paragraphs = [
        `Hệ thống Đôn đốc đã nhận thư gửi từ địa chỉ ${message.sender}. Địa chỉ này không có trong danh bạ của ${key?.agency ?? 'cơ quan được yêu cầu báo cáo'}, nên thư chưa được ghi nhận là báo cáo của cơ quan.`,
        `Cán bộ theo dõi của ${focal} sẽ xác nhận trước khi ghi nhận; quý cơ quan sẽ nhận thư báo khi báo cáo được ghi nhận.`,
      ];
      break;
    case 'rejected':
      paragraphs = [
        'Báo cáo quý cơ quan gửi bằng thư trả lời không được ghi nhận vì:',
        message.reason ?? 'không rõ lý do',
        'Đề nghị quý cơ quan sửa lại và trả lời thư nhắc hạn một lần nữa.',
      ];
      break;
    case 'confirmed':
      facts.push(['Mã báo cáo', message.reportId ?? ''], ['Người xác nhận', ctx.by ?? message.confirmedBy ?? '']);
      paragraphs = [
        `Thư của quý cơ quan đã được xác nhận và ghi nhận là báo cáo của ${key?.agency ?? 'cơ quan'}. Xin cảm ơn quý cơ quan.`,
      ];
      break;
    case 'accepted':
      // The workflow emails the receipt itself; a second one would say the same.
      return undefined;
  }
  const what = message.subjectLine.replace(/^(?:\s*(?:re|tr|trả lời|fw|fwd)\s*:\s*)+/i, '');
  return {
    subject: `[${ANSWER_TAGS[kind]}] ${what}`.trim(),
    to: [key?.agency ?? message.sender],
    paragraphs,
    facts,
    signature: `Hệ thống Đôn đốc${plan ? ` – ${plan.focalAgency}` : ''}`,
  };
}

/**
 * Emails the sender the answer for `kind`, once per Message-ID and step (the send log keeps it): the first answer,
 * then the one after an officer's confirmation.
 */
async function answer(
  deps: InboundDeps,
  kind: InboundStatus | 'confirmed',
  message: InboundMessage,
  ctx: AnswerContext = {},
  step: 'answer' | 'confirmation' = 'answer',
): Promise<void> {
  const letter = answerLetter(kind, message, ctx);
  if (!letter) return;
  const rendered = renderLetter(letter);
  await outsideActivity(() =>
    deliverOnce(
      { store: deps.store, mailer: deps.mailer, clock: deps.clock },
      {
        key: `inbound/${hash(message.messageId).slice(0, 32)}/${step}`,
        kind: 'receipt',
        planId: ctx.key?.planId ?? '',
        subject: ctx.key?.subject,
        occurrenceId: ctx.key?.occurrenceId,
        mail: {
          to: [message.sender],
          subject: rendered.subject,
          text: rendered.text,
          html: rendered.html,
          headers: {
            ...automatedHeaders('inbound-answer', ctx.key?.planId ?? ''),
            // RFC 3834: an answer to a message is auto-replied, and threads under it.
            'Auto-Submitted': 'auto-replied',
            'In-Reply-To': message.messageId,
            References: message.messageId,
          },
        },
      },
    ),
  );
}

async function audit(
  deps: InboundDeps,
  key: ReplyKeyRecord,
  action: string,
  by: string,
  detail: string,
): Promise<void> {
  await deps.store.appendAudit({
    planId: key.planId,
    subject: key.subject,
    entry: {
      at: (deps.clock ?? (() => new Date()))().toISOString(),
      action,
      by,
      detail,
      occurrenceId: key.occurrenceId,
    },
  });
}

/** The open occurrences of the subject, or undefined when its workflow has ended (every period closed). */
async function openPeriods(deps: InboundDeps, key: ReplyKeyRecord): Promise<SubjectView | undefined> {
  try {
    return await temporal(deps, () => querySubject(deps.client, subjectWorkflowId(key.planId, key.subject)));
  } catch (err) {
    if ((err as Error).name === 'SubjectNotRunningError') return undefined;
    throw err;
  }
}

function isOpen(view: SubjectView | undefined, occurrenceId: string): boolean {
  if (!view) return false;
  const open = view.open ?? (view.current ? [view.current] : []);
  return open.some((o) => o.id === occurrenceId);
}

/** The id of the report this message became, if the workflow took it already. */
async function submitted(deps: InboundDeps, key: ReplyKeyRecord, messageId: string): Promise<string | undefined> {
  const submissionId = submissionIdOf(messageId);
  const reports = await deps.store.listReports({
    planId: key.planId,
    occurrenceId: key.occurrenceId,
    subject: key.subject,
  });
  return reports.find((r) => r.submissionId === submissionId && r.agency === key.agency)?.reportId;
}

type Submitted = { status: 'accepted'; reportId: string } | { status: 'rejected' | 'closed'; reason: string };

/** Stores the files and sends the report through the workflow's update: every rule and rejection is the workflow's. */
async function submit(deps: InboundDeps, key: ReplyKeyRecord, reply: ParsedReply): Promise<Submitted> {
  const attachments: AttachmentRef[] = [];
  for (const file of reply.attachments) {
    try {
      attachments.push(await deps.store.putAttachment(file));
    } catch (err) {
      if ((err as Error).name === 'AttachmentRejectedError')
        return { status: 'rejected', reason: (err as Error).message };
      throw err;
    }
  }
  const text =
    reply.text ||
    (attachments.length ? `Báo cáo gửi qua thư, kèm tệp: ${attachments.map((a) => a.filename).join('; ')}.` : '');
  const submissionId = submissionIdOf(reply.messageId);
  const workflowId = subjectWorkflowId(key.planId, key.subject);
  try {
    const receipt = await temporal(deps, () =>
      executeSubjectUpdate(
        deps.client,
        workflowId,
        submitReportUpdate,
        {
          agency: key.agency,
          occurrenceId: key.occurrenceId,
          submissionId,
          text,
          ...(attachments.length ? { attachments } : {}),
        },
        // A delivery again after an outage cut the answer off waits for the same update.
        { updateId: submissionId },
      ),
    );
    return { status: 'accepted', reportId: receipt.reportId };
  } catch (err) {
    if ((err as Error).name === 'SubjectNotRunningError') return { status: 'closed', reason: 'nhiệm vụ đã kết thúc' };
    if (!(err instanceof UpdateRejectedError)) throw err;
    if (err.reason.startsWith('Trùng lặp') && err.reason.includes(submissionId)) {
      // A delivery of this very message running at the same time was taken first.
      const earlier = await submitted(deps, key, reply.messageId);
      if (earlier) return { status: 'accepted', reportId: earlier };
      // Taken by the workflow and not stored yet (the store or Temporal was down in between): come again later
      // for its receipt, rather than answer the agency that its report was refused.
      throw new InboundDeferredError(`thư ${reply.messageId} đã được tiếp nhận, đang chờ ghi vào kho`);
    }
    return { status: 'rejected', reason: err.reason };
  }
}

function outcomeOf(message: InboundMessage, duplicate = false): InboundOutcome {
  return {
    status: message.status,
    inboundId: message.id,
    ...(message.reportId ? { reportId: message.reportId } : {}),
    ...(message.reason ? { reason: message.reason } : {}),
    ...(duplicate ? { duplicate } : {}),
  };
}

/**
 * Takes one received message: a reply to a reply address becomes the agency's report through the workflow's update,
 * or waits for an officer, or is answered with why it was not taken. Throws `InboundDeferredError` (nothing recorded)
 * when Temporal does not answer. `envelope` holds the SMTP recipients, which hold the address when headers do not.
 */
export async function receiveReply(
  deps: InboundDeps,
  raw: Buffer,
  envelope: { to: readonly string[] } = { to: [] },
): Promise<InboundOutcome> {
  const reply = await parseReply(raw);
  const addressed = [...envelope.to.map((a) => a.toLowerCase()), ...reply.recipients].filter(
    (a) => replyKeyOf(deps.reply, a) !== undefined,
  );
  const address = addressed[0];
  // Not written to a reply address at all (only an IMAP mailbox can hold such mail): not ours to keep or answer.
  if (!address) return { status: 'ignored', reason: 'không gửi đến địa chỉ trả lời của dondoc' };
  const seen = await deps.store.getInbound(reply.messageId);
  if (seen) return outcomeOf(seen, true);
  const keyName = replyKeyOf(deps.reply, address) as string;
  const base = {
    messageId: reply.messageId,
    replyKey: keyName,
    sender: reply.from ?? '',
    subjectLine: reply.subject,
    raw,
  };
  if (reply.automated) {
    // Out-of-office answers to reminders land here; answering them would start a loop between two robots.
    const { message } = await deps.store.recordInbound({ ...base, status: 'rejected', reason: reply.automated });
    return outcomeOf(message);
  }
  if (new Set(addressed.map((a) => replyKeyOf(deps.reply, a))).size > 1) {
    // Which obligation would it report on? Each reply address stands for one; the sender is told to write to one.
    const { message, created } = await deps.store.recordInbound({
      ...base,
      status: 'rejected',
      reason: 'thư gửi đến nhiều địa chỉ trả lời cùng lúc; mỗi báo cáo cần gửi riêng đến địa chỉ của nhiệm vụ đó',
    });
    if (created && reply.from) await answer(deps, 'rejected', message);
    return outcomeOf(message, !created);
  }
  if (!reply.from) {
    const { message } = await deps.store.recordInbound({
      ...base,
      status: 'rejected',
      reason: 'thư không có người gửi',
    });
    return outcomeOf(message);
  }

  const key = await deps.store.findReplyKey(keyName);
  if (!key) {
    // The message is kept (status unknown-key) as the audit trail of what reached a dead address, and so that it is
    // answered once; no report and no workflow hear of it.
    // Answered only when it answers one of dondoc's own emails: anyone can write to a made-up key with a forged
    // From, and answering those would send dondoc's mail to strangers (backscatter).
    const answersDondoc = reply.references.some((id) => id.endsWith('@dondoc>'));
    const { message, created } = await deps.store.recordInbound({
      ...base,
      replyKey: undefined,
      status: 'unknown-key',
      ...(answersDondoc ? {} : { reason: 'không trả lời thư nào của dondoc: không gửi thư báo' }),
    });
    if (created && answersDondoc) {
      await answer(deps, 'unknown-key', message, { address: replyAddress(deps.reply, keyName) });
    }
    return outcomeOf(message, !created);
  }
  const earlier = await submitted(deps, key, reply.messageId);
  if (earlier) {
    // Taken before by the workflow, and the note of it was lost (the process stopped in between): one report.
    const { message, created } = await deps.store.recordInbound({ ...base, status: 'accepted', reportId: earlier });
    return outcomeOf(message, !created);
  }
  const { plan, directory } = await planOf(deps, key.planId);
  const view = await openPeriods(deps, key);
  const ctx: AnswerContext = { plan, key, view };
  if (!isOpen(view, key.occurrenceId)) {
    // Kept so that an officer can see the agency did answer, late; the closed period records nothing.
    const { message, created } = await deps.store.recordInbound({
      ...base,
      status: 'closed',
      reason: `kỳ ${periodName(view, key.occurrenceId)} đã đóng`,
    });
    if (created) await answer(deps, 'closed', message, ctx);
    return outcomeOf(message, !created);
  }
  const addresses = agencyAddresses(directory, key.agency, overrideAddresses(view?.audit ?? [], key.agency));
  if (!senderListed(reply.from, addresses)) {
    const { message, created } = await deps.store.recordInbound({
      ...base,
      status: 'pending-confirmation',
      reason: `${reply.from} không có trong danh bạ của ${key.agency}`,
    });
    if (created) {
      await audit(
        deps,
        key,
        'reply-pending',
        reply.from,
        `Thư trả lời ${message.id} từ ${reply.from} (không có trong danh bạ của ${key.agency}) chờ cán bộ xác nhận: dondoc report confirm ${message.id}`,
      );
      await answer(deps, 'pending-confirmation', message, ctx);
    }
    return outcomeOf(message, !created);
  }

  const result = await submit(deps, key, reply);
  const { message, created } = await deps.store.recordInbound({
    ...base,
    status: result.status,
    ...(result.status === 'accepted' ? { reportId: result.reportId } : { reason: result.reason }),
  });
  if (created && message.status !== 'accepted') await answer(deps, message.status, message, ctx);
  return outcomeOf(message, !created);
}

/** A pending message an officer cannot confirm (unknown id, or not waiting), with the reason in Vietnamese. */
export class InboundConfirmError extends Error {
  override readonly name = 'InboundConfirmError';
}

/**
 * An officer confirms a reply from an address the directory does not list: it is submitted as the agency's report
 * through the same update, audited with who confirmed it, and the sender is told.
 */
export async function confirmReply(deps: InboundDeps, inboundId: string, by: string): Promise<InboundOutcome> {
  const message = await deps.store.getInbound(inboundId);
  if (!message) throw new InboundConfirmError(`không có thư "${inboundId}" (unknown inbound message)`);
  if (message.status !== 'pending-confirmation') {
    throw new InboundConfirmError(`thư ${message.id} không chờ xác nhận (trạng thái: ${message.status})`);
  }
  const key = message.replyKey ? await deps.store.findReplyKey(message.replyKey) : undefined;
  const raw = await deps.store.getInboundRaw(message.id);
  if (!key || !raw) throw new InboundConfirmError(`thư ${message.id} không còn khóa trả lời hoặc nội dung gốc`);
  const { plan } = await planOf(deps, key.planId);
  const reply = await parseReply(raw);
  const view = await openPeriods(deps, key);
  const result = isOpen(view, key.occurrenceId)
    ? await submit(deps, key, reply)
    : ({ status: 'closed', reason: `kỳ ${periodName(view, key.occurrenceId)} đã đóng` } as const);
  const updated = await deps.store.updateInbound(message.id, 'pending-confirmation', {
    status: result.status,
    confirmedBy: by,
    ...(result.status === 'accepted' ? { reportId: result.reportId } : { reason: result.reason }),
  });
  // Another officer confirmed it at the same moment: the workflow took it once (same submission id).
  if (!updated) return outcomeOf((await deps.store.getInbound(message.id)) as InboundMessage, true);
  if (updated.status === 'accepted') {
    await audit(
      deps,
      key,
      'reply-confirmed',
      by,
      `Xác nhận thư trả lời ${updated.id} từ ${updated.sender} là báo cáo của ${key.agency} (${updated.reportId})`,
    );
  }
  const ctx: AnswerContext = { plan, key, view, by };
  await answer(deps, updated.status === 'accepted' ? 'confirmed' : updated.status, updated, ctx, 'confirmation');
  return outcomeOf(updated);
}
