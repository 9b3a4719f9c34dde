import { z } from 'zod';

// The API's shapes, one zod schema each: fastify validates requests and serializes answers with them, and the
// OpenAPI document is generated from them.

/** `application/problem+json` (RFC 9457) as src/web/plugins/errors.ts sends it. */
export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().meta({ description: 'Lý do, bằng tiếng Việt' }),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: Problem } },
});

/** Refusals every route can answer. */
export const readProblems = {
  400: problem('Tham số không hợp lệ'),
  401: problem('Thiếu hoặc sai mã truy cập'),
  404: problem('Không có'),
  // Fastify's router answers this itself, before any route (a path parameter longer than 100 characters as sent).
  414: {
    description: 'Địa chỉ quá dài',
    content: {
      'application/json': {
        schema: z.looseObject({ statusCode: z.number().int(), code: z.string(), message: z.string() }),
      },
    },
  },
  429: problem('Quá nhiều yêu cầu'),
  503: problem('Temporal hoặc cơ sở dữ liệu không trả lời'),
} as const;

/** …and what admin actions add: an officer's token (403), a refusal of the workflow (409, 422). */
export const actionProblems = {
  ...readProblems,
  403: problem('Mã truy cập chỉ được đọc (officer)'),
  409: problem('Nhiệm vụ chưa chạy hoặc đã kết thúc'),
  413: problem('Nội dung gửi lên quá lớn'),
  415: problem('Chỉ nhận application/json'),
  422: problem('Quy trình từ chối yêu cầu (lý do trong detail)'),
  501: problem('Chưa hỗ trợ'),
} as const;

export const security = [{ bearerAuth: [] }];

export const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'cần ngày dạng YYYY-MM-DD');

export const PlanId = z
  .string()
  .max(100)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'mã kế hoạch gồm chữ thường, số và dấu gạch ngang')
  .meta({ description: 'Mã kế hoạch, ví dụ dak-nong-ttdn-2025', examples: ['dak-nong-ttdn-2025'] });

export const SubjectKey = z
  .string()
  .max(100)
  .regex(/^(nv|sp)-[^/]+$/, 'cần nv-<số nhiệm vụ> hoặc sp-<mã sản phẩm>')
  .meta({
    description: 'nv-<số nhiệm vụ> (ví dụ nv-2.4.1) hoặc sp-<mã sản phẩm phải nộp>',
    examples: ['nv-1'],
  });

export const PeriodId = z
  .string()
  .min(1)
  .max(100)
  .meta({ description: 'Mã kỳ báo cáo, ví dụ 2025-six-month', examples: ['2025-annual'] });

export const Subject = z
  .union([
    z.object({ type: z.literal('task'), taskId: z.string() }),
    z.object({ type: z.literal('deliverable'), deadlineId: z.string() }),
  ])
  .meta({ id: 'Subject' });

export const DueDate = z
  .object({
    nominal: IsoDate.meta({ description: 'Ngày theo văn bản' }),
    effective: IsoDate.meta({ description: 'Ngày sau quy tắc ngày làm việc' }),
    at: z.string().meta({ description: 'Thời điểm quá hạn (ISO)' }),
  })
  .meta({ id: 'DueDate' });

export const SubjectStatus = z.enum([
  'active',
  'overdue',
  'paused',
  'completed',
  'ended-missing',
  'not-followed',
  'cancelled',
]);

export const AuditEntry = z.object({
  at: z.string(),
  action: z.string(),
  by: z.string(),
  detail: z.string(),
  occurrenceId: z.string().optional(),
});

const Extension = z.object({
  at: z.string(),
  from: DueDate,
  to: DueDate,
  reason: z.string(),
  grantedBy: z.string(),
});

const Receipt = z.object({
  reportId: z.string(),
  submissionId: z.string(),
  agency: z.string(),
  occurrenceId: z.string(),
  receivedAt: z.string(),
  onTime: z.boolean(),
  occurrenceLabel: z.string().optional(),
});

export const OpenOccurrence = z
  .object({
    id: z.string(),
    label: z.string(),
    due: z.object({ lead: DueDate, coordinators: DueDate.optional(), focal: DueDate.optional() }),
    reported: z.record(z.string(), Receipt),
    owing: z.array(z.string()),
    overdue: z.array(z.string()),
    nextStep: z.object({ at: z.string(), kind: z.string(), party: z.string() }).optional(),
    extensions: z.array(Extension),
  })
  .meta({ id: 'OpenOccurrence' });

const ClosedOccurrence = z.object({
  id: z.string(),
  label: z.string(),
  closedAt: z.string(),
  outcomes: z.record(z.string(), z.enum(['on-time', 'late', 'missing'])),
});

const ByWhom = z.object({ at: z.string(), by: z.string(), reason: z.string() });

/** The task workflow's own view (`subjectState` query). */
export const SubjectView = z
  .looseObject({
    planId: z.string(),
    subject: Subject,
    status: SubjectStatus,
    lead: z.array(z.string()),
    coordinators: z.array(z.string()),
    focalAgency: z.string().optional(),
    reportsTo: z.string().optional(),
    current: OpenOccurrence.optional(),
    open: z.array(OpenOccurrence).optional(),
    upcoming: z.array(z.looseObject({ id: z.string(), label: z.string(), leadDue: z.string() })),
    closed: z.array(ClosedOccurrence),
    notFollowed: z.array(z.object({ id: z.string(), label: z.string(), leadDue: z.string() })).optional(),
    paused: ByWhom.optional(),
    cancelled: ByWhom.optional(),
    audit: z.array(AuditEntry),
  })
  .meta({ id: 'SubjectView' });

/** One task or deliverable with its state: the shape of `dondoc status --json`. */
export const StatusEntry = z
  .object({
    workflowId: z.string(),
    planId: z.string(),
    subject: Subject,
    title: z.string(),
    status: SubjectStatus.optional(),
    execution: z.string().meta({ description: 'RUNNING, COMPLETED, … hoặc NOT_STARTED' }),
    view: SubjectView.optional(),
    queryError: z.string().optional(),
  })
  .meta({ id: 'StatusEntry' });

export const AttachmentRef = z.object({
  sha256: z.string(),
  filename: z.string(),
  contentType: z.string(),
  size: z.number().int(),
});

export const Report = z
  .object({
    reportId: z.string(),
    planId: z.string(),
    subject: Subject,
    occurrenceId: z.string(),
    agency: z.string(),
    role: z.enum(['lead', 'coordinators']),
    submissionId: z.string(),
    text: z.string(),
    receivedAt: z.string(),
    onTime: z.boolean(),
    storedAt: z.string(),
    attachments: z.array(AttachmentRef),
  })
  .meta({ id: 'Report' });

/** A file download (report attachments, summaries). */
export const binary = (description: string, types: readonly string[]) => ({
  description,
  content: Object.fromEntries(types.map((t) => [t, { schema: z.string().meta({ format: 'binary' }) }])),
});
