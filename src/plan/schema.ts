import { IANAZone } from 'luxon';
import { z } from 'zod';
import { reportKindSchema, ruleSchema } from '../deadlines/rule';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected an ISO date YYYY-MM-DD');

/** A time expression as written, with the rule the deadline module parsed from it. */
export const timeExpressionSchema = z.object({
  text: z.string().min(1),
  rule: ruleSchema,
});

/** A line of the source text a field came from (1-based), for review and located errors. */
const sourceLine = z.number().int().positive().optional();

/** One task of the plan (nhiệm vụ). */
export const taskSchema = z.object({
  /** As numbered in the document: "1", "2.4.1", "4.a". */
  id: z.string().regex(/^[0-9A-Za-zđĐ.]+$/, 'expected a task number such as "2.4.1" or "4.a"'),
  title: z.string().min(1),
  content: z.string().default(''),
  /** Canonical names of the lead agencies (chủ trì). */
  lead: z.array(z.string().min(1)).min(1, 'a task needs at least one lead agency (chủ trì)'),
  /** Canonical names of the coordinating agencies (phối hợp). */
  coordinators: z.array(z.string().min(1)).default([]),
  timeframe: timeExpressionSchema,
  line: sourceLine,
});

/** What a plan-wide deadline asks for. */
export const deadlineKindSchema = z.enum([
  /** A report due every period (6-month, annual …), owed per task by its lead. */
  'periodic-report',
  /** A one-off deliverable owed by each named agency to the focal agency. */
  'deliverable',
]);

/** A plan-wide obligation: "trước ngày 15/5 đối với báo cáo 6 tháng", "hoàn thành trong quý I/2025". */
export const deadlineSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/, 'expected a slug such as "report-six-month"'),
  text: z.string().min(1),
  kind: deadlineKindSchema,
  reportKind: reportKindSchema.optional(),
  rule: ruleSchema,
  /** Vietnamese: what is owed, e.g. "Kế hoạch thực hiện của cơ quan, đơn vị". */
  subject: z.string().min(1),
  /** `all` = every agency with a task; otherwise canonical names or group names. */
  owedBy: z.union([z.literal('all'), z.array(z.string().min(1)).min(1)]),
  /** Canonical name; defaults to the plan's focal agency. */
  owedTo: z.string().min(1).optional(),
  line: sourceLine,
});

/** When reminders, overdue notices and escalations go out; every field has a default a user would expect. */
export const reminderPolicySchema = z.object({
  /** Calendar days before the due date at which reminders go out (moved to the previous working day). */
  remindDaysBefore: z.array(z.number().int().positive()).default([7, 1]),
  /** Local time of day for every notice, HH:mm. */
  sendAt: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, {
      error: (issue) =>
        `giờ gửi ${JSON.stringify(issue.input)} không hợp lệ (expected HH:mm, 00:00–23:59, e.g. "08:00")`,
    })
    .default('08:00'),
  /** Working days before the lead's due date by which coordinators owe their input to the lead. */
  coordinatorLeadWorkingDays: z.number().int().min(0).default(3),
  /** Working days before the focal agency's own due date (to UBND) by which leads owe their report. */
  focalLeadWorkingDays: z.number().int().min(0).default(1),
  /** Working days after the due date for the first overdue notice, then every `overdueEveryWorkingDays`. */
  overdueAfterWorkingDays: z.number().int().min(1).default(1),
  overdueEveryWorkingDays: z.number().int().min(1).default(3),
  maxOverdueNotices: z.number().int().min(1).default(3),
  /** Working days after the due date at which the next level is told (lead for coordinators, focal for leads). */
  escalateAfterWorkingDays: z.array(z.number().int().min(1)).default([2, 5]),
  /** Working days after the lead's due date at which the period's compiled summary goes to the reporting officers. */
  summaryAfterWorkingDays: z.number().int().min(0).default(1),
  /** How a due date that is not a working day moves. */
  dueDateShift: z.enum(['next-working-day', 'previous-working-day', 'none']).default('next-working-day'),
  /** Days after an occurrence's last step during which agencies' personal submission links keep working. */
  linkGraceDays: z.number().int().min(0).default(30),
  /** Reminders and overdue notices as one digest email per agency and morning, or one email each. */
  delivery: z.enum(['digest', 'individual']).default('digest'),
});

/** An officer who receives the compiled summaries. */
export const officerSchema = z.object({
  name: z.string().min(1),
  email: z.string().email(),
  agency: z.string().optional(),
});

/** A plan (Kế hoạch) as dondoc runs it. */
export const planSchema = z.object({
  /** Stable slug used in workflow ids. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'expected a slug of lowercase letters, digits and dashes'),
  /** Số ký hiệu, e.g. "678/KH-UBND". */
  number: z.string().optional(),
  title: z.string().min(1),
  issuer: z.string().min(1),
  issuedOn: isoDate.optional(),
  /** The plan's active period. */
  period: z
    .object({ from: isoDate, to: isoDate })
    .refine((p) => p.from <= p.to, 'period.from must not be after period.to'),
  /** IANA zone of every date and send time. */
  timezone: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), {
      error: (issue) =>
        `múi giờ ${JSON.stringify(issue.input)} không hợp lệ (expected an IANA zone such as Asia/Ho_Chi_Minh)`,
    })
    .default('Asia/Ho_Chi_Minh'),
  /** Path of the agency directory, relative to the plan file. */
  directory: z.string().min(1),
  /** Path of the source text, relative to the plan file. */
  source: z.string().optional(),
  /** Cơ quan đầu mối: follows up and compiles. */
  focalAgency: z.string().min(1),
  /** Who the focal agency reports to, usually the provincial People's Committee. */
  reportsTo: z.string().min(1),
  reportingOfficers: z.array(officerSchema).default([]),
  policy: reminderPolicySchema.prefault({}),
  tasks: z.array(taskSchema).min(1, 'a plan needs at least one task'),
  deadlines: z.array(deadlineSchema).default([]),
  /** Duties found in the text that carry no date (e.g. "Định kỳ hằng năm báo cáo"), kept for review, never scheduled. */
  duties: z
    .array(z.object({ text: z.string().min(1), agencies: z.array(z.string()).default([]), line: sourceLine }))
    .default([]),
});

export type Plan = z.infer<typeof planSchema>;
export type PlanInput = z.input<typeof planSchema>;
export type Task = z.infer<typeof taskSchema>;
export type Deadline = z.infer<typeof deadlineSchema>;
export type ReminderPolicy = z.infer<typeof reminderPolicySchema>;

/** A dated succession of an agency: who takes over, from which day, on which legal basis. */
export const successionSchema = z.object({
  /** Canonical name (or group) of the directory that takes over. */
  by: z.string().min(1),
  /** First day the successor acts, YYYY-MM-DD. */
  from: isoDate,
  /** The legal text it rests on (Nghị quyết, Quyết định …). */
  basis: z.string().min(1),
  /** What the officer must still check or do. */
  note: z.string().optional(),
});

/** One agency in a province's directory. */
export const agencySchema = z.object({
  /** Canonical name with full diacritics. */
  name: z.string().min(1),
  /** Abbreviations and other spellings: "Sở TT&TT", "STTTT". */
  aliases: z.array(z.string().min(1)).default([]),
  /** Names it had before a reorganisation; matched like aliases. */
  formerNames: z.array(z.string().min(1)).default([]),
  /** Group names it belongs to: "các Sở, ban, ngành". */
  groups: z.array(z.string().min(1)).default([]),
  /** Officers' addresses; shipped directories use the reserved `.example` domain. */
  emails: z.array(z.string().email()).min(1, 'an agency needs at least one email address'),
  /** Merger or rename: from `from` on, `by` holds all its duties (see src/plan/succession.ts). */
  successor: successionSchema.optional(),
  /** Split: from each `from` on, each `by` holds the `share` of its duties named there. */
  successors: z
    .array(successionSchema.extend({ share: z.string().min(1) }))
    .min(1)
    .optional(),
});

/** The agency directory of one province. */
export const directorySchema = z.object({
  province: z.string().min(1),
  /** Set when the addresses are placeholders, so no one mistakes them for real ones. */
  placeholderEmails: z.boolean().default(false),
  agencies: z.array(agencySchema).min(1),
  /** Group names and their aliases: "UBND các huyện, thành phố" ≈ "Ủy ban nhân dân các huyện, thành phố". */
  groups: z
    .array(
      z.object({
        name: z.string().min(1),
        aliases: z.array(z.string()).default([]),
        /** Other groups whose members belong to this one: "các cơ quan, đơn vị, địa phương" includes "các Sở, ban, ngành". */
        includes: z.array(z.string().min(1)).default([]),
      }),
    )
    .default([]),
});

export type Agency = z.infer<typeof agencySchema>;
export type Succession = z.infer<typeof successionSchema>;
export type Directory = z.infer<typeof directorySchema>;
