import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Command } from 'commander';
import { openStore, storeConfigFromEnv } from '../activities/storage';
import type { Store } from '../activities/storage/store';
import type { AttachmentRef, Receipt } from '../activities/types';
import type { LoadedPlan } from '../plan/load';
import { envWithDataHome } from '../services/data-home';
import { findPlan, plansFromEnv, resolveAgency, subjectOf } from '../services/plan-directory';
import { currentOccurrence, executeSubjectUpdate, UpdateRejectedError } from '../services/subject-updates';
import { submitReportUpdate, subjectWorkflowId } from '../workflows/contract';
import { CommandError, runCommand, withClient } from './client';

/** What `dondoc report submit` sends. */
export interface ReportSubmission {
  planId: string;
  task?: string;
  deliverable?: string;
  agency: string;
  /** Occurrence id; the open one when absent. */
  period?: string;
  text: string;
  /** Makes a retried submission a duplicate; derived from the content when absent. */
  submissionId?: string;
  attachments?: AttachmentRef[];
}

const CONTENT_TYPES: Record<string, string> = {
  '.pdf': 'application/pdf',
  '.doc': 'application/msword',
  '.docx': 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  '.xls': 'application/vnd.ms-excel',
  '.xlsx': 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  '.odt': 'application/vnd.oasis.opendocument.text',
  '.ods': 'application/vnd.oasis.opendocument.spreadsheet',
  '.txt': 'text/plain',
  '.csv': 'text/csv',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.zip': 'application/zip',
};

/** Reads the files and keeps them in the store (by content hash); a file the store refuses stops the submission. */
export async function storeAttachments(store: Store, files: readonly string[]): Promise<AttachmentRef[]> {
  const refs: AttachmentRef[] = [];
  for (const file of files) {
    let content: Buffer;
    try {
      content = await readFile(file);
    } catch (err) {
      throw new CommandError(
        `--attach ${file}: không đọc được tệp (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
        2,
      );
    }
    const contentType = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
    try {
      refs.push(await store.putAttachment({ filename: basename(file).normalize('NFC'), contentType, content }));
    } catch (err) {
      if ((err as Error).name === 'AttachmentRejectedError')
        throw new CommandError(`--attach ${file}: ${(err as Error).message}`);
      throw err;
    }
  }
  return refs;
}

/**
 * A submission id from what is sent. Without a named period it leaves the period out: the same report sent again is
 * a duplicate even when the open period has moved on since (a retry must not become the next period's report). With
 * `period` (the caller named it) the same text for another period is another report.
 */
export function contentSubmissionId(parts: readonly string[], period?: string): string {
  const all = period === undefined ? parts : [...parts, `period:${period}`];
  return `cli-${createHash('sha256').update(all.join('\u0000')).digest('hex').slice(0, 20)}`;
}

/** The period a duplicate went to, from the workflow's rejection ("… đã được nhận cho kỳ <label> (<id>)"). */
function duplicatePeriod(reason: string): { id: string; label?: string } | undefined {
  if (!reason.startsWith('Trùng lặp')) return undefined;
  const match = / cho kỳ (?:(.+) \(([^()]+)\)|(\S+))$/.exec(reason);
  if (!match) return undefined;
  return match[3] ? { id: match[3] } : { id: match[2], label: match[1] };
}

/**
 * Submits an agency's report to its task (or deliverable) workflow: the agency name is resolved to its canonical
 * name through the plan's directory; the workflow validates and answers with a receipt or a reason.
 */
export async function submitReport(
  client: Client,
  plans: readonly LoadedPlan[],
  input: ReportSubmission,
): Promise<Receipt> {
  const loaded = findPlan(plans, input.planId);
  const subject = subjectOf(loaded, input);
  const [agency] = resolveAgency(loaded, input.agency);
  const text = input.text.normalize('NFC');
  if (text.trim() === '') throw new CommandError('báo cáo trống: cần --text hoặc --file có nội dung (empty report)', 2);
  const workflowId = subjectWorkflowId(loaded.plan.id, subject);
  const period = input.period || undefined;
  const open = period ? undefined : await currentOccurrence(client, workflowId);
  const occurrenceId = period ?? (open?.id as string);
  const attachments = input.attachments ?? [];
  const submissionId =
    input.submissionId ?? contentSubmissionId([workflowId, agency, text, ...attachments.map((a) => a.sha256)], period);
  try {
    return await executeSubjectUpdate(client, workflowId, submitReportUpdate, {
      agency,
      occurrenceId,
      submissionId,
      text,
      ...(attachments.length ? { attachments } : {}),
    });
  } catch (err) {
    const earlier = err instanceof UpdateRejectedError && !input.submissionId ? duplicatePeriod(err.reason) : undefined;
    if (!open || !earlier || earlier.id === open.id) throw err;
    // The same text sent blindly after the period moved on: a retry, or this period's report that reads the same.
    throw new UpdateRejectedError(
      `báo cáo giống hệt đã được nhận cho kỳ ${earlier.label ? `${earlier.label} (${earlier.id})` : earlier.id}; ` +
        `nếu đây là báo cáo cho kỳ ${open.label} (${open.id}) đang mở, gửi lại với --period ${open.id}`,
    );
  }
}

/** The receipt for people. */
export function formatReceipt(receipt: Receipt): string[] {
  const at = new Date(receipt.receivedAt).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh', hour12: false });
  return [
    `Đã nhận báo cáo (report received) ${receipt.reportId}`,
    `  Cơ quan: ${receipt.agency}`,
    `  Kỳ báo cáo: ${receipt.occurrenceLabel ? `${receipt.occurrenceLabel} (${receipt.occurrenceId})` : receipt.occurrenceId}`,
    `  Thời điểm nhận: ${at} — ${receipt.onTime ? 'đúng hạn' : 'trễ hạn'}`,
    `  Mã lần gửi (submission id): ${receipt.submissionId}`,
  ];
}

interface SubmitCliOptions {
  plan: string;
  task?: string;
  deliverable?: string;
  agency: string;
  period?: string;
  text?: string;
  file?: string;
  submissionId?: string;
  attach?: string[];
  json?: boolean;
}

async function reportText(options: SubmitCliOptions): Promise<string> {
  if ((options.text === undefined) === (options.file === undefined)) {
    throw new CommandError('cần đúng một trong --text hoặc --file (expected --text or --file)', 2);
  }
  if (options.text !== undefined) return options.text;
  try {
    return await readFile(options.file as string, 'utf8');
  } catch (err) {
    throw new CommandError(
      `--file ${options.file}: không đọc được tệp (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
      2,
    );
  }
}

/** `dondoc report submit` from the environment: plans folder, database for attachments, Temporal. */
export async function reportSubmitCommand(
  options: SubmitCliOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<Receipt> {
  const text = await reportText(options);
  const plans = await plansFromEnv(env, { planId: options.plan });
  let attachments: AttachmentRef[] = [];
  if (options.attach?.length) {
    const store = await openStore(storeConfigFromEnv(envWithDataHome(env)));
    try {
      attachments = await storeAttachments(store, options.attach);
    } finally {
      await store.close();
    }
  }
  return withClient(
    (client) =>
      submitReport(client, plans, {
        planId: options.plan,
        task: options.task,
        deliverable: options.deliverable,
        agency: options.agency,
        period: options.period,
        text,
        submissionId: options.submissionId,
        attachments,
      }),
    env,
  );
}

// --- replies by email (issue 11 §3): an officer confirms a reply from an address the directory does not list ---
/** `dondoc report confirm <inbound-id> --by <name>`: submits the waiting reply as the agency's report. */
export async function reportConfirmCommand(
  inboundId: string,
  by: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<import('../services/inbound-reply').InboundOutcome> {
  const { inboundDepsFromEnv } = await import('../inbound/inbound-from-env');
  const { confirmReply } = await import('../services/inbound-reply');
  const { deps, close } = await inboundDepsFromEnv(envWithDataHome(env));
  try {
    return await confirmReply(deps, inboundId, by);
  } catch (err) {
    const e = err as Error;
    if (e.name === 'InboundConfirmError' || e.name === 'InboundDeferredError') throw new CommandError(e.message);
    throw err;
  } finally {
    await close();
  }
}

function registerReportConfirm(report: Command): void {
  report
    .command('confirm <inbound-id>')
    .description(
      'Xác nhận thư trả lời gửi từ địa chỉ không có trong danh bạ là báo cáo của cơ quan (mã thư trong thư báo)',
    )
    .requiredOption('--by <name>', 'người xác nhận (ghi vào nhật ký)')
    .action((inboundId: string, options: { by: string }) =>
      runCommand(async () => {
        const outcome = await reportConfirmCommand(inboundId, options.by);
        if (outcome.status === 'accepted') {
          console.log(`Đã xác nhận thư ${outcome.inboundId}: báo cáo ${outcome.reportId} (report accepted)`);
        } else {
          throw new CommandError(
            `thư ${outcome.inboundId} không được ghi nhận (${outcome.status}): ${outcome.reason ?? ''}`,
          );
        }
      }),
    );
}
// --- end replies by email ---

/** Registers `dondoc report submit`. */
export function registerReport(program: Command): void {
  const report = program.command('report').description('Báo cáo của các cơ quan');
  report
    .command('submit')
    .description('Gửi báo cáo của một cơ quan cho một nhiệm vụ (hoặc sản phẩm phải nộp) và in giấy biên nhận')
    .requiredOption('--plan <id>', 'mã kế hoạch')
    .option('--task <id>', 'số nhiệm vụ, ví dụ 2.4.1')
    .option('--deliverable <id>', 'mã sản phẩm phải nộp (hạn chung của kế hoạch)')
    .requiredOption('--agency <name>', 'cơ quan gửi (tên đầy đủ hoặc tên viết tắt)')
    .option(
      '--period <id>',
      'kỳ báo cáo, ví dụ 2026-annual; mặc định kỳ đang mở (khi ghi rõ kỳ, cùng nội dung gửi cho kỳ khác là báo cáo mới)',
    )
    .option('--text <text>', 'nội dung báo cáo')
    .option('--file <file>', 'tệp văn bản chứa nội dung báo cáo')
    .option('--submission-id <id>', 'mã lần gửi; gửi lại cùng mã được coi là trùng lặp')
    .option('--attach <files...>', 'tệp đính kèm')
    .option('--json', 'in giấy biên nhận dạng JSON')
    .action((options: SubmitCliOptions) =>
      runCommand(async () => {
        const receipt = await reportSubmitCommand(options);
        if (options.json) console.log(JSON.stringify(receipt, null, 2));
        else for (const line of formatReceipt(receipt)) console.log(line);
      }),
    );
  registerReportConfirm(report);
}
