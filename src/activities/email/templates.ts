import type { DueDate, Party } from '../../deadlines/occurrence';
import type { NotificationKind } from '../types';
import { daysBetween, formatDate, formatDateWithWeekday, formatInstant, localDate } from './dates';
import { renderLetter, type Letter, type RenderedEmail } from './layout';

/** The plan facts every email names. */
export interface PlanFacts {
  number?: string;
  title: string;
  /** Who issued the plan, e.g. "UBND tỉnh Đắk Nông". */
  issuer: string;
  focalAgency: string;
  reportsTo: string;
}

/** What the email is about: a plan task, or a plan-wide deliverable. */
export type Topic =
  | { type: 'task'; id: string; title: string; lead: string[]; coordinators: string[] }
  | { type: 'deliverable'; id: string; what: string };

/** Everything a notification template needs, resolved from the request and the plan. */
export interface NotificationContext {
  kind: Exclude<NotificationKind, 'summary' | 'digest'>;
  plan: PlanFacts;
  topic?: Topic;
  periodLabel?: string;
  /** Canonical names of the addressed agencies. */
  to: string[];
  party?: Party;
  due?: DueDate;
  missing?: string[];
  step?: number;
  receipt?: { reportId: string; agency: string; receivedAt: string; onTime: boolean };
  /** Forwarded input: the report's text and the names of its attached files. */
  report?: { text: string; attachments: string[] };
  /** "Today" in the plan's zone, `YYYY-MM-DD` (for days overdue). */
  today: string;
  /** The plan's IANA zone: instants are shown there. */
  timezone: string;
  /** Where to submit (the web form), when there is one. */
  submitUrl?: string;
  /** The addressed agency's calendar feed (iCalendar subscription), sent with the submission link. */
  calendarUrl?: string;
  /** Whether a reply to this email (its Reply-To is the agency's reply address) becomes the agency's report. */
  replyByEmail?: boolean;
  /** Whether a calendar file is attached. */
  withCalendar?: boolean;
  /** An escalation that skipped the focal agency because it is itself a late lead: its name. */
  redirectedFrom?: string;
}

/** The bracketed tag that starts each subject, so officers can sort and filter their mailbox. */
export const subjectTags: Record<NotificationKind, string> = {
  reminder: 'Nhắc hạn',
  overdue: 'Quá hạn',
  'escalation-lead': 'Đôn đốc phối hợp',
  'escalation-focal': 'Đôn đốc chủ trì',
  receipt: 'Đã nhận báo cáo',
  'input-forwarded': 'Ý kiến phối hợp',
  summary: 'Tổng hợp',
  digest: 'Việc cần báo cáo',
};

/** How the plan is named in subjects: its number ("678/KH-UBND"), else its title. */
export function planRef(plan: PlanFacts): string {
  return plan.number ?? plan.title;
}

/** "Nhiệm vụ 2.4.1" or the deliverable's name. */
export function topicRef(topic: Topic | undefined): string | undefined {
  if (!topic) return undefined;
  return topic.type === 'task' ? `Nhiệm vụ ${topic.id}` : topic.what;
}

/** "[Nhắc hạn] 678/KH-UBND – Nhiệm vụ 2.4.1 – Báo cáo 6 tháng năm 2025, hạn 15/5/2025". */
export function subjectLine(parts: {
  kind: NotificationKind;
  plan: PlanFacts;
  topic?: Topic;
  periodLabel?: string;
  /** Trailing date fact: ", hạn 15/5/2025" or ", nhận 14/5/2025". */
  dateNote?: string;
}): string {
  const segments = [planRef(parts.plan), topicRef(parts.topic), parts.periodLabel].filter((s): s is string => !!s);
  // A deliverable's period label often repeats its name.
  const unique = segments.filter((s, i) => segments.indexOf(s) === i);
  return `[${subjectTags[parts.kind]}] ${unique.join(' – ')}${parts.dateNote ? `, ${parts.dateNote}` : ''}`.normalize(
    'NFC',
  );
}

/** "Kế hoạch số 678/KH-UBND" in running text, or the title in quotes when the plan has no number. */
function planInText(plan: PlanFacts): string {
  return plan.number ? `Kế hoạch số ${plan.number}` : `Kế hoạch “${plan.title}”`;
}

function planFact(plan: PlanFacts): [string, string] {
  return ['Kế hoạch', plan.number ? `${plan.number} – ${plan.title}` : plan.title];
}

function topicFacts(topic: Topic | undefined): Array<[string, string]> {
  if (!topic) return [];
  if (topic.type === 'deliverable') return [['Nội dung', topic.what]];
  const facts: Array<[string, string]> = [
    ['Nhiệm vụ', `${topic.id} – ${topic.title}`],
    ['Cơ quan chủ trì', topic.lead.join('; ')],
  ];
  if (topic.coordinators.length) facts.push(['Cơ quan phối hợp', topic.coordinators.join('; ')]);
  return facts;
}

function dueText(due: DueDate): string {
  const shown = formatDateWithWeekday(due.effective);
  return due.nominal !== due.effective
    ? `${shown} (hạn theo kế hoạch ${formatDate(due.nominal)} trùng ngày nghỉ)`
    : shown;
}

/** What the addressed party owes and to whom. */
function owed(ctx: NotificationContext): { what: string; to: string } {
  const period = ctx.periodLabel ? ` (${ctx.periodLabel})` : '';
  if (ctx.topic?.type === 'deliverable')
    return { what: ctx.topic.what, to: `${ctx.plan.focalAgency} (cơ quan đầu mối)` };
  if (ctx.party === 'coordinators') {
    const lead = ctx.topic?.type === 'task' ? ctx.topic.lead.join('; ') : 'cơ quan chủ trì';
    return { what: `Ý kiến, số liệu phối hợp thực hiện nhiệm vụ${period}`, to: `${lead} (cơ quan chủ trì)` };
  }
  const what = ctx.periodLabel?.startsWith('Hoàn thành nhiệm vụ')
    ? 'Báo cáo kết quả hoàn thành nhiệm vụ'
    : `Báo cáo kết quả thực hiện nhiệm vụ${period}`;
  return { what, to: `${ctx.plan.focalAgency} (cơ quan đầu mối)` };
}

function howToSubmit(ctx: NotificationContext, to: string): Letter['action'] {
  return ctx.submitUrl
    ? { text: 'Cách gửi: nộp báo cáo trực tuyến (đường dẫn riêng của quý cơ quan) tại địa chỉ', url: ctx.submitUrl }
    : { text: `Cách gửi: gửi văn bản về ${to}, ghi rõ số hiệu kế hoạch và số thứ tự nhiệm vụ.` };
}

/** The agency's calendar feed, for calendar apps that subscribe to a URL. */
function calendarNote(ctx: NotificationContext): string[] {
  return ctx.calendarUrl
    ? [`Lịch các hạn báo cáo của quý cơ quan (đăng ký trong Outlook, Thunderbird, Google Calendar): ${ctx.calendarUrl}`]
    : [];
}

function roleOf(party: Party | undefined): string | undefined {
  if (party === 'lead') return 'Chủ trì';
  if (party === 'coordinators') return 'Phối hợp';
  return undefined;
}

function common(ctx: NotificationContext): Array<[string, string]> {
  const facts: Array<[string, string]> = [planFact(ctx.plan), ...topicFacts(ctx.topic)];
  if (ctx.periodLabel) facts.push(['Kỳ báo cáo', ctx.periodLabel]);
  if (ctx.replyByEmail) facts.push(['Gửi qua thư', 'Trả lời thư này, kèm nội dung báo cáo và tệp đính kèm']);
  return facts;
}

function reminder(ctx: NotificationContext, signature: string): Letter {
  const { what, to } = owed(ctx);
  const role = roleOf(ctx.party);
  const facts = common(ctx);
  if (role && ctx.topic?.type === 'task') facts.push(['Vai trò của quý cơ quan', role]);
  facts.push(['Nội dung cần gửi', what], ['Gửi đến', to]);
  if (ctx.due) facts.push(['Hạn gửi', dueText(ctx.due)]);
  return {
    subject: subjectLine({ ...ctx, dateNote: ctx.due ? `hạn ${formatDate(ctx.due.effective)}` : undefined }),
    to: ctx.to,
    paragraphs: [
      `Thực hiện ${planInText(ctx.plan)} của ${ctx.plan.issuer}, hệ thống Đôn đốc xin nhắc quý cơ quan hạn gửi báo cáo như sau:`,
    ],
    facts,
    action: howToSubmit(ctx, to),
    notes: [
      ...(ctx.withCalendar ? ['Tệp lịch (.ics) đính kèm giúp thêm hạn gửi vào lịch làm việc.'] : []),
      ...calendarNote(ctx),
    ],
    signature,
  };
}

function overdue(ctx: NotificationContext, signature: string): Letter {
  const { what, to } = owed(ctx);
  const facts = common(ctx);
  facts.push(['Nội dung còn thiếu', what], ['Gửi đến', to]);
  if (ctx.due) {
    const late = daysBetween(ctx.due.effective, ctx.today);
    facts.push(['Hạn gửi', dueText(ctx.due)]);
    if (late > 0) facts.push(['Đã quá hạn', `${late} ngày`]);
  }
  const nth = ctx.step && ctx.step > 1 ? ` (thông báo lần ${ctx.step})` : '';
  return {
    subject: subjectLine({ ...ctx, dateNote: ctx.due ? `hạn ${formatDate(ctx.due.effective)}` : undefined }),
    to: ctx.to,
    paragraphs: [
      `Đến nay hệ thống Đôn đốc chưa nhận được báo cáo của quý cơ quan theo ${planInText(ctx.plan)}${nth}. Đề nghị quý cơ quan khẩn trương gửi báo cáo.`,
    ],
    facts,
    action: howToSubmit(ctx, to),
    notes: calendarNote(ctx),
    signature,
  };
}

function escalationLead(ctx: NotificationContext, signature: string): Letter {
  const facts = common(ctx);
  if (ctx.due) facts.push(['Hạn cơ quan phối hợp gửi', dueText(ctx.due)]);
  return {
    subject: subjectLine({ ...ctx, dateNote: ctx.due ? `hạn ${formatDate(ctx.due.effective)}` : undefined }),
    to: ctx.to,
    paragraphs: [
      `Quý cơ quan chủ trì nhiệm vụ dưới đây theo ${planInText(ctx.plan)}. Đã quá hạn gửi ý kiến, số liệu phối hợp mà một số cơ quan phối hợp chưa gửi cho quý cơ quan.`,
    ],
    facts,
    list: { title: 'Các cơ quan phối hợp chưa gửi:', items: ctx.missing ?? [] },
    action: ctx.submitUrl
      ? {
          text: 'Đề nghị quý cơ quan liên hệ, đôn đốc các cơ quan trên để kịp tổng hợp báo cáo đúng hạn. Báo cáo của quý cơ quan (chủ trì) nộp trực tuyến tại địa chỉ',
          url: ctx.submitUrl,
        }
      : { text: 'Đề nghị quý cơ quan liên hệ, đôn đốc các cơ quan trên để kịp tổng hợp báo cáo đúng hạn.' },
    notes: calendarNote(ctx),
    signature,
  };
}

function escalationFocal(ctx: NotificationContext, signature: string): Letter {
  const facts = common(ctx);
  if (ctx.due) facts.push(['Hạn gửi báo cáo', dueText(ctx.due)]);
  const toCommittee = ctx.to.includes(ctx.plan.reportsTo) && !ctx.to.includes(ctx.plan.focalAgency);
  const what = ctx.topic?.type === 'deliverable' ? `“${ctx.topic.what}”` : 'báo cáo';
  return {
    subject: subjectLine({ ...ctx, dateNote: ctx.due ? `hạn ${formatDate(ctx.due.effective)}` : undefined }),
    to: ctx.to,
    paragraphs: [
      `Theo ${planInText(ctx.plan)}, đã quá hạn mà các cơ quan dưới đây chưa gửi ${what}.`,
      ...(ctx.redirectedFrom
        ? [
            `${ctx.redirectedFrom} là cơ quan đầu mối theo dõi kế hoạch nhưng cũng là cơ quan chủ trì chưa báo cáo, nên hệ thống Đôn đốc báo cáo trực tiếp lên ${ctx.to.join('; ')}.`,
          ]
        : []),
    ],
    facts,
    list: { title: 'Các cơ quan chưa gửi:', items: ctx.missing ?? [] },
    action: {
      text: toCommittee
        ? `Kính báo cáo ${ctx.plan.reportsTo} xem xét, chỉ đạo các cơ quan trên thực hiện.`
        : `Đề nghị ${ctx.plan.focalAgency} (cơ quan đầu mối) theo dõi, đôn đốc các cơ quan trên thực hiện.`,
    },
    signature,
  };
}

function receipt(ctx: NotificationContext, signature: string): Letter {
  const r = ctx.receipt;
  const facts = common(ctx);
  if (r) {
    facts.push(
      ['Cơ quan gửi', r.agency],
      ['Thời điểm nhận', formatInstant(r.receivedAt, ctx.timezone)],
      ['Mã báo cáo', r.reportId],
    );
    facts.push(['Tình trạng', r.onTime ? 'Đúng hạn' : 'Trễ hạn']);
  }
  if (ctx.due) facts.push(['Hạn gửi', dueText(ctx.due)]);
  const received = r ? `nhận ${formatDate(localDate(r.receivedAt, ctx.timezone))}` : undefined;
  return {
    subject: subjectLine({ ...ctx, dateNote: received }),
    to: ctx.to,
    paragraphs: [
      `Hệ thống Đôn đốc đã nhận báo cáo của quý cơ quan theo ${planInText(ctx.plan)}. Xin cảm ơn quý cơ quan.`,
    ],
    facts,
    notes: ['Nếu cần bổ sung, quý cơ quan gửi lại báo cáo; bản nhận sau cùng được dùng để tổng hợp.'],
    signature,
  };
}

function inputForwarded(ctx: NotificationContext, signature: string): Letter {
  const r = ctx.receipt;
  const facts = common(ctx);
  if (r) {
    facts.push(
      ['Cơ quan phối hợp gửi', r.agency],
      ['Thời điểm nhận', formatInstant(r.receivedAt, ctx.timezone)],
      ['Tình trạng', r.onTime ? 'Đúng hạn' : 'Trễ hạn'],
      ['Mã báo cáo', r.reportId],
    );
  }
  if (ctx.report?.attachments.length) facts.push(['Tệp đính kèm', ctx.report.attachments.join('; ')]);
  if (ctx.due) facts.push(['Hạn quý cơ quan gửi báo cáo', dueText(ctx.due)]);
  const received = r ? `nhận ${formatDate(localDate(r.receivedAt, ctx.timezone))}` : undefined;
  const who = r?.agency ?? 'Cơ quan phối hợp';
  return {
    subject: subjectLine({ ...ctx, dateNote: received }),
    to: ctx.to,
    paragraphs: [
      `${who} đã gửi ý kiến, số liệu phối hợp cho nhiệm vụ do quý cơ quan chủ trì theo ${planInText(ctx.plan)}, để quý cơ quan tổng hợp vào báo cáo.`,
    ],
    facts,
    quote: ctx.report ? { title: `Nội dung của ${who}:`, text: ctx.report.text } : undefined,
    list: ctx.missing?.length ? { title: 'Các cơ quan phối hợp chưa gửi:', items: ctx.missing } : undefined,
    notes: ctx.missing?.length ? undefined : ['Đã nhận đủ ý kiến của các cơ quan phối hợp.'],
    signature,
  };
}

/** Renders a notification (every kind but the summary) as subject, plain text and HTML in Vietnamese. */
export function renderNotification(ctx: NotificationContext): RenderedEmail {
  const signature = `Hệ thống Đôn đốc – ${ctx.plan.focalAgency}`;
  switch (ctx.kind) {
    case 'reminder':
      return renderLetter(reminder(ctx, signature));
    case 'overdue':
      return renderLetter(overdue(ctx, signature));
    case 'escalation-lead':
      return renderLetter(escalationLead(ctx, signature));
    case 'escalation-focal':
      return renderLetter(escalationFocal(ctx, signature));
    case 'receipt':
      return renderLetter(receipt(ctx, signature));
    case 'input-forwarded':
      return renderLetter(inputForwarded(ctx, signature));
  }
}
