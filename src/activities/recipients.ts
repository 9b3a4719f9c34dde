import { ApplicationFailure } from '@temporalio/activity';
import { resolverFor } from '../plan/agencies';
import type { Directory, Plan } from '../plan/schema';
import { escapeHtml, type RenderedEmail } from './email/layout';
import { findSubject } from './plan-lookup';
import type { Subject } from './types';
import { describeSteps, successorOn, type SuccessionStep } from '../plan/succession';

/** When and about what an email goes out: the day picks the successor of a reorganised agency, the duty its share. */
export interface SendOn {
  /** The send day in the plan's zone, YYYY-MM-DD; without it the directory's agencies are taken as they are. */
  on?: string;
  /** What the email is about (task title and content), to tell which successor of a split takes it. */
  duty?: string;
}

/**
 * Email addresses of the named agencies: `overrides` first, else the directory (a group stands for its members),
 * each agency replaced by whoever holds its duties on `when.on` (merged, renamed or split agencies).
 * An agency the directory does not know is a non-retryable `UnknownAgency`, with the closest names it does know.
 */
export function recipientAddresses(
  directory: Directory,
  agencies: string[],
  overrides: Record<string, string[]> = {},
  when: SendOn = {},
): string[] {
  const resolver = resolverFor(directory);
  const addresses: string[] = [];
  const add = (email: string) => {
    if (!addresses.includes(email)) addresses.push(email);
  };
  for (const name of agencies) {
    // An admin's override is a deliberate choice for this task: it wins over the directory's successions.
    const override = overrides[name];
    if (override && override.length > 0) {
      override.forEach(add);
      continue;
    }
    const resolution = resolver.resolve(name);
    const found = resolution.agency ? [resolution.agency] : (resolution.members ?? []);
    if (found.length === 0) {
      const hint = resolution.suggestions.length ? ` Có phải: ${resolution.suggestions.join('; ')}?` : '';
      throw ApplicationFailure.nonRetryable(
        `Danh bạ ${directory.province} không có cơ quan "${name}" (hoặc nhóm không có thành viên).${hint}`,
        'UnknownAgency',
      );
    }
    for (const agency of found) {
      const holders = when.on ? successorOn(directory, agency.name, when.on, when.duty).agencies : [agency];
      for (const holder of holders.length > 0 ? holders : [agency]) holder.emails.forEach(add);
    }
  }
  return addresses;
}

/** The succession steps that apply to the named agencies on the send day (for the email to say who took over). */
export function successionSteps(directory: Directory, agencies: string[], when: SendOn): SuccessionStep[] {
  if (!when.on) return [];
  const resolver = resolverFor(directory);
  const steps: SuccessionStep[] = [];
  for (const name of agencies) {
    const resolution = resolver.resolve(name);
    for (const agency of resolution.agency ? [resolution.agency] : (resolution.members ?? [])) {
      for (const step of successorOn(directory, agency.name, when.on, when.duty).steps)
        if (!steps.some((s) => s.from === step.from && s.to.join() === step.to.join())) steps.push(step);
    }
  }
  return steps;
}

/** The Vietnamese paragraph an email adds when its recipients took over from a reorganised agency; empty when none. */
export function successionNotice(directory: Directory, agencies: string[], when: SendOn): string {
  const lines = describeSteps(successionSteps(directory, agencies, when));
  if (lines.length === 0) return '';
  return `${lines.join(' ')} Thư này gửi cơ quan tiếp nhận; báo cáo vẫn gửi qua đường dẫn hoặc địa chỉ trả lời trong thư.`.normalize(
    'NFC',
  );
}

/**
 * The focal agency's addresses (for Reply-To: a reply reaches people, not the sending robot), its successor's on
 * `when.on` (the plan's title tells the share of a split); empty when unknown.
 */
export function focalAddresses(plan: Plan, directory: Directory, when: SendOn = {}): string[] {
  const focal = resolverFor(directory).resolve(plan.focalAgency).agency;
  if (!focal) return [];
  if (!when.on) return focal.emails;
  const holders = successorOn(directory, focal.name, when.on, when.duty ?? plan.title).agencies;
  return [...new Set((holders.length > 0 ? holders : [focal]).flatMap((a) => a.emails))];
}

/** What a subject is about, in words: tells which successor of a split agency takes it. */
export function dutyOf(plan: Plan, subject: Subject | undefined): string | undefined {
  if (!subject) return undefined;
  const found = findSubject(plan, subject);
  return found.type === 'task'
    ? `${found.task.title}\n${found.task.content}`
    : `${found.deadline.subject}\n${found.deadline.text}`;
}

/** The email with the succession paragraph first (text and HTML), so the successor reads why it is asked. */
export function withSuccessionNotice(email: RenderedEmail, notice: string): RenderedEmail {
  if (!notice) return email;
  const html = email.html.replace(
    /(<body[^>]*>)/,
    `$1<p style="border-left: 3px solid #b58900; padding-left: 8px;">${escapeHtml(notice)}</p>`,
  );
  return { ...email, text: `${notice}\n\n${email.text}`, html };
}
