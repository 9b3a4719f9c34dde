import type { DueDate, Party } from '../../deadlines/occurrence';
import { daysBetween, formatDate, formatDateWithWeekday } from './dates';
import { escapeHtml, type RenderedEmail } from './layout';
import { planRef, subjectTags, topicRef, type PlanFacts, type Topic } from './templates';

/** One thing the agency owes, as its own reminder or overdue notice would have said it. */
export interface DigestEntry {
  kind: 'reminder' | 'overdue';
  plan: PlanFacts;
  topic?: Topic;
  periodLabel?: string;
  party?: Party;
  due?: DueDate;
  /** Which overdue notice this is (1-based). */
  step?: number;
  /** The agency's personal submission link for this obligation. */
  submitUrl?: string;
  /** The reply address that files a reply as this obligation's report. */
  replyAddress?: string;
}

/** Everything the digest of one agency and morning needs. */
export interface DigestContext {
  agency: string;
  /** The morning, `YYYY-MM-DD` in the plans' zone. */
  day: string;
  entries: DigestEntry[];
  /** The agency's calendar feed. */
  calendarUrl?: string;
  /** Whether an .ics file with the reminders' due dates is attached. */
  withCalendar?: boolean;
  /** Who sends it: the focal agencies of the plans listed. */
  focalAgencies: string[];
}

const footer = 'Thư này do hệ thống Đôn đốc gửi tự động.';

/** Overdue first (most overdue first), then what falls due soonest; ties by plan and task. */
export function digestOrder(a: DigestEntry, b: DigestEntry): number {
  const rank = (e: DigestEntry) => (e.kind === 'overdue' ? 0 : 1);
  return (
    rank(a) - rank(b) ||
    (a.due?.effective ?? '').localeCompare(b.due?.effective ?? '') ||
    planRef(a.plan).localeCompare(planRef(b.plan), 'vi') ||
    (topicRef(a.topic) ?? '').localeCompare(topicRef(b.topic) ?? '', 'vi', { numeric: true })
  );
}

/** "[Việc cần báo cáo] Tổng hợp ngày 15/5/2025 – Sở Tài chính: 15 việc, 3 quá hạn". */
export function digestSubject(ctx: Pick<DigestContext, 'agency' | 'day' | 'entries'>): string {
  const overdue = ctx.entries.filter((e) => e.kind === 'overdue').length;
  const count = `${ctx.entries.length} việc${overdue ? `, ${overdue} quá hạn` : ''}`;
  return `[${subjectTags.digest}] Tổng hợp ngày ${formatDate(ctx.day)} – ${ctx.agency}: ${count}`.normalize('NFC');
}

/** The heading of one item: plan, task or deliverable, period (repeats dropped). */
function heading(entry: DigestEntry): string {
  const segments = [`Kế hoạch ${planRef(entry.plan)}`, topicRef(entry.topic), entry.periodLabel].filter(
    (s): s is string => !!s,
  );
  return segments.filter((s, i) => segments.indexOf(s) === i).join(' – ');
}

/** What is owed and to whom, in the words of the individual emails. */
function owed(entry: DigestEntry): { what: string; to: string } {
  const period = entry.periodLabel ? ` (${entry.periodLabel})` : '';
  const focal = `${entry.plan.focalAgency} (cơ quan đầu mối)`;
  if (entry.topic?.type === 'deliverable') return { what: entry.topic.what, to: focal };
  if (entry.party === 'coordinators') {
    const lead = entry.topic?.type === 'task' ? entry.topic.lead.join('; ') : 'cơ quan chủ trì';
    return { what: `Ý kiến, số liệu phối hợp thực hiện nhiệm vụ${period}`, to: `${lead} (cơ quan chủ trì)` };
  }
  const what = entry.periodLabel?.startsWith('Hoàn thành nhiệm vụ')
    ? 'Báo cáo kết quả hoàn thành nhiệm vụ'
    : `Báo cáo kết quả thực hiện nhiệm vụ${period}`;
  return { what, to: focal };
}

function dueText(entry: DigestEntry, day: string): string | undefined {
  const due = entry.due;
  if (!due) return undefined;
  let text = formatDateWithWeekday(due.effective);
  if (due.nominal !== due.effective) text += ` (hạn theo kế hoạch ${formatDate(due.nominal)} trùng ngày nghỉ)`;
  if (entry.kind === 'overdue') {
    const late = daysBetween(due.effective, day);
    if (late > 0) text += ` – đã quá hạn ${late} ngày`;
    if (entry.step && entry.step > 1) text += ` (thông báo lần ${entry.step})`;
  } else {
    const left = daysBetween(day, due.effective);
    text += left === 0 ? ' – hết hạn hôm nay' : left === 1 ? ' – còn 1 ngày' : ` – còn ${left} ngày`;
  }
  return text;
}

/** Label → value rows of one item. */
function facts(entry: DigestEntry, day: string): Array<[string, string]> {
  const { what, to } = owed(entry);
  const rows: Array<[string, string]> = [];
  if (entry.topic?.type === 'task') {
    rows.push(['Nhiệm vụ', `${entry.topic.id} – ${entry.topic.title}`]);
    if (entry.party) rows.push(['Vai trò', entry.party === 'lead' ? 'Chủ trì' : 'Phối hợp']);
  }
  rows.push(['Nội dung cần gửi', what], ['Gửi đến', to]);
  const due = dueText(entry, day);
  if (due) rows.push(['Hạn gửi', due]);
  if (entry.submitUrl) rows.push(['Nộp trực tuyến', entry.submitUrl]);
  if (entry.replyAddress) rows.push(['Hoặc gửi thư tới', entry.replyAddress]);
  return rows;
}

function sections(ctx: DigestContext): { title: string; entries: DigestEntry[] }[] {
  const sorted = [...ctx.entries].sort(digestOrder);
  const overdue = sorted.filter((e) => e.kind === 'overdue');
  const upcoming = sorted.filter((e) => e.kind === 'reminder');
  return [
    { title: `Đã quá hạn (${overdue.length} việc)`, entries: overdue },
    { title: `Sắp đến hạn (${upcoming.length} việc)`, entries: upcoming },
  ].filter((s) => s.entries.length > 0);
}

function intro(ctx: DigestContext): string {
  const overdue = ctx.entries.filter((e) => e.kind === 'overdue').length;
  const upcoming = ctx.entries.length - overdue;
  const counts = [overdue ? `${overdue} việc đã quá hạn` : '', upcoming ? `${upcoming} việc sắp đến hạn` : '']
    .filter(Boolean)
    .join(' và ');
  return `Hệ thống Đôn đốc tổng hợp trong một thư các báo cáo quý cơ quan cần gửi, tính đến ${formatDateWithWeekday(ctx.day)}: ${counts}. Đề nghị quý cơ quan gửi báo cáo theo từng mục dưới đây.`;
}

function notes(ctx: DigestContext): string[] {
  const out: string[] = [];
  if (ctx.entries.some((e) => !e.submitUrl && !e.replyAddress)) {
    out.push(
      'Mục không có địa chỉ nộp trực tuyến: gửi văn bản về cơ quan nhận, ghi rõ số hiệu kế hoạch và số thứ tự nhiệm vụ.',
    );
  }
  if (ctx.calendarUrl) {
    out.push(
      `Lịch các hạn báo cáo của quý cơ quan (đăng ký trong Outlook, Thunderbird, Google Calendar): ${ctx.calendarUrl}`,
    );
  }
  if (ctx.withCalendar) out.push('Tệp lịch (.ics) đính kèm giúp thêm các hạn gửi vào lịch làm việc.');
  out.push('Mục nào quý cơ quan đã gửi báo cáo sau khi thư này được soạn thì không cần gửi lại.');
  return out;
}

function signature(ctx: DigestContext): string {
  return `Hệ thống Đôn đốc – ${[...new Set(ctx.focalAgencies)].join('; ')}`;
}

function toText(ctx: DigestContext): string {
  const lines: string[] = [`Kính gửi: ${ctx.agency}.`, '', intro(ctx), ''];
  let n = 0;
  for (const section of sections(ctx)) {
    lines.push(section.title.toUpperCase(), '');
    for (const entry of section.entries) {
      const rows = facts(entry, ctx.day);
      const width = Math.max(...rows.map(([label]) => label.length));
      lines.push(`${++n}. ${heading(entry)}`);
      for (const [label, value] of rows) lines.push(`   ${`${label}:`.padEnd(width + 2)}${value}`);
      lines.push('');
    }
  }
  for (const note of notes(ctx)) lines.push(note, '');
  lines.push('Trân trọng.', '', '-- ', signature(ctx), footer);
  return lines.join('\n').normalize('NFC');
}

function linkOrText(label: string, value: string): string {
  const e = escapeHtml;
  if (label === 'Nộp trực tuyến') return `<a href="${e(value)}">Mở trang nộp báo cáo</a>`;
  if (label === 'Hoặc gửi thư tới') return `<a href="mailto:${e(value)}">${e(value)}</a>`;
  return e(value);
}

function toHtml(ctx: DigestContext, subject: string): string {
  const e = escapeHtml;
  const parts: string[] = [
    '<!doctype html>',
    '<html lang="vi"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${e(subject)}</title></head>`,
    '<body style="font-family: \'Times New Roman\', Times, serif; font-size: 15px; color: #1a1a1a; line-height: 1.5;">',
    `<p><strong>Kính gửi:</strong> ${e(ctx.agency)}.</p>`,
    `<p>${e(intro(ctx))}</p>`,
  ];
  let n = 0;
  for (const section of sections(ctx)) {
    const overdue = section.entries[0].kind === 'overdue';
    parts.push(
      `<h2 style="font-size: 17px; margin: 16px 0 4px; color: ${overdue ? '#a40000' : '#1a1a1a'};">${e(section.title)}</h2>`,
    );
    for (const entry of section.entries) {
      parts.push(
        `<div style="margin: 8px 0; padding: 6px 10px; border-left: 3px solid ${overdue ? '#a40000' : '#999'};">`,
        `<p style="margin: 0 0 4px;"><strong>${++n}. ${e(heading(entry))}</strong></p>`,
        '<table style="border-collapse: collapse;">',
      );
      for (const [label, value] of facts(entry, ctx.day)) {
        parts.push(
          `<tr><th style="text-align: left; vertical-align: top; padding: 2px 12px 2px 0; font-weight: normal; color: #555;">${e(label)}</th>` +
            `<td style="padding: 2px 0; overflow-wrap: anywhere;">${linkOrText(label, value)}</td></tr>`,
        );
      }
      parts.push('</table>', '</div>');
    }
  }
  for (const note of notes(ctx)) {
    // The feed's address as a link (the plain-text part shows it as it is).
    const html =
      ctx.calendarUrl && note.endsWith(ctx.calendarUrl)
        ? `${e(note.slice(0, -ctx.calendarUrl.length))}<a href="${e(ctx.calendarUrl)}">${e(ctx.calendarUrl)}</a>`
        : e(note);
    parts.push(`<p style="color: #555;">${html}</p>`);
  }
  parts.push(
    '<p>Trân trọng.</p>',
    `<p style="color: #555; border-top: 1px solid #ccc; padding-top: 8px;">${e(signature(ctx))}<br>${e(footer)}</p>`,
    '</body></html>',
  );
  return parts.join('\n').normalize('NFC');
}

/** The digest of one agency and morning as subject, plain text and HTML in Vietnamese. */
export function renderDigest(ctx: DigestContext): RenderedEmail {
  const subject = digestSubject(ctx);
  return { subject, text: toText(ctx), html: toHtml(ctx, subject) };
}
