import { z } from 'zod';

/** A time expression of a plan, parsed: what is due when. Dates are ISO `YYYY-MM-DD` in the plan's zone. */
export const ruleSchema = z.discriminatedUnion('type', [
  /** A fixed day every year: "trước ngày 15/11 hằng năm", "trước ngày 15/5". */
  z.object({ type: z.literal('annual'), month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) }),
  /** One day: "trước ngày 10/4/2019", "ngày 05 tháng 01 năm 2026". */
  z.object({ type: z.literal('date'), date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/) }),
  /** Within one quarter, due on its last day: "quý I/2025". */
  z.object({ type: z.literal('quarter'), year: z.number().int(), quarter: z.number().int().min(1).max(4) }),
  /** Within one month, due on its last day: "Tháng 6 năm 2019". */
  z.object({ type: z.literal('month'), year: z.number().int(), month: z.number().int().min(1).max(12) }),
  /** Within one half-year, due on its last day: "6 tháng đầu năm 2025". */
  z.object({ type: z.literal('half'), year: z.number().int(), half: z.union([z.literal(1), z.literal(2)]) }),
  /** Within one year, due 31/12: "Năm 2025", "Trong năm 2025". */
  z.object({ type: z.literal('year'), year: z.number().int() }),
  /** A multi-year stage, due 31/12 of its last year: "Giai đoạn 2024 - 2025". */
  z.object({ type: z.literal('range'), fromYear: z.number().int(), toYear: z.number().int() }),
  /** Recurring without a fixed day, due at the end of each month/quarter/year: "hằng quý", "hằng năm". */
  z.object({ type: z.literal('every'), unit: z.enum(['month', 'quarter', 'year']) }),
  /** "Thường xuyên": no due date of its own; the plan's periodic reports apply. */
  z.object({ type: z.literal('ongoing') }),
  /** "đột xuất (theo yêu cầu)": due only when requested. */
  z.object({ type: z.literal('on-request') }),
]);

export type Rule = z.infer<typeof ruleSchema>;

/** What a periodic report covers (Nghị định 09/2019/NĐ-CP). */
export const reportKindSchema = z.enum(['monthly', 'quarterly', 'six-month', 'annual', 'five-year', 'ad-hoc']);
export type ReportKind = z.infer<typeof reportKindSchema>;
