/**
 * Generated plans for the Temporal benches: a provincial directory (Hà Tĩnh's departments after the 2025 reform, fake
 * `.example` addresses) and as many plans of ~33 tasks as asked, written as YAML in a plans folder the worker reads.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { loadPlanFolder, type LoadedPlan } from '../../src/plan/load';
import type { PlanInput } from '../../src/plan/schema';
import { planToYaml } from '../../src/plan/write';
import { projectRoot } from '../../src/temporal/binaries';

const ZONE = 'Asia/Ho_Chi_Minh';

/** Canonical names and address slugs of the directory's departments (all in "các Sở, ban, ngành"). */
const DEPARTMENTS: Array<[string, string]> = [
  ['Văn phòng Ủy ban nhân dân tỉnh', 'vpubnd'],
  ['Sở Tài chính', 'sotc'],
  ['Sở Nội vụ', 'sonv'],
  ['Sở Tư pháp', 'sotp'],
  ['Sở Khoa học và Công nghệ', 'sokhcn'],
  ['Sở Văn hóa, Thể thao và Du lịch', 'sovhttdl'],
  ['Sở Giáo dục và Đào tạo', 'sogddt'],
  ['Sở Y tế', 'soyt'],
  ['Sở Xây dựng', 'soxd'],
  ['Sở Nông nghiệp và Môi trường', 'sonnmt'],
  ['Sở Công Thương', 'soct'],
  ['Sở Ngoại vụ', 'songv'],
  ['Sở Dân tộc và Tôn giáo', 'sodttg'],
  ['Thanh tra tỉnh', 'thanhtra'],
  ['Công an tỉnh', 'congan'],
  ['Bộ Chỉ huy Quân sự tỉnh', 'bchqs'],
  ['Bộ Chỉ huy Bộ đội Biên phòng tỉnh', 'bdbp'],
  ['Báo và Phát thanh, Truyền hình Hà Tĩnh', 'baoptth'],
  ['Ban Quản lý Khu kinh tế tỉnh', 'bqlkkt'],
];

/** The agencies a generated task may name as lead or coordinator. */
export const benchAgencies: readonly string[] = DEPARTMENTS.map(([name]) => name);

const FOCAL = 'Sở Văn hóa, Thể thao và Du lịch';

function directoryYaml(): string {
  const lines = [
    '# Danh bạ sinh cho bench: tên cơ quan tỉnh Hà Tĩnh sau sắp xếp năm 2025, địa chỉ email GIẢ (.example).',
    'province: Hà Tĩnh',
    'placeholderEmails: true',
    'groups:',
    '  - name: các Sở, ban, ngành',
    '    aliases: []',
    'agencies:',
    '  - name: Ủy ban nhân dân tỉnh',
    '    aliases: ["UBND tỉnh"]',
    '    emails: ["vanthu@ubnd.hatinh.example"]',
    ...DEPARTMENTS.flatMap(([name, slug]) => [
      `  - name: "${name}"`,
      '    groups: ["các Sở, ban, ngành"]',
      `    emails: ["vanthu@${slug}.hatinh.example"]`,
    ]),
  ];
  return `${lines.join('\n')}\n`;
}

const TITLES = [
  'Tuyên truyền, quảng bá hình ảnh tỉnh trên báo chí và mạng xã hội',
  'Tổ chức hội nghị quán triệt kế hoạch tới cán bộ, công chức',
  'Bồi dưỡng nghiệp vụ cho cán bộ làm công tác thông tin đối ngoại',
  'Rà soát, cập nhật cơ sở dữ liệu chuyên ngành',
  'Xây dựng chuyên mục trên Cổng Thông tin điện tử tỉnh',
  'Bố trí kinh phí thực hiện kế hoạch',
  'Kiểm tra, đánh giá kết quả thực hiện tại cơ sở',
  'Phối hợp tổ chức sự kiện xúc tiến đầu tư, thương mại, du lịch',
  'Biên soạn, phát hành ấn phẩm song ngữ',
  'Sơ kết, tổng kết, khen thưởng tập thể, cá nhân có thành tích',
  'Cung cấp thông tin cho phóng viên báo chí trong và ngoài nước',
];

/** How the tasks of a generated plan fall due. */
export type PlanShape =
  /** A realistic plan: dated tasks 3–10 months ahead, quarterly and half-year tasks, ongoing ones with periodic reports. */
  | { type: 'spread' }
  /**
   * Every task due on `due` with one reminder at `sendAt` (HH:mm in the plan's zone) `daysBefore` days before it, sent
   * as single emails to each of `leads` lead agencies (no coordinators): a reminder fan-out at one instant.
   */
  | { type: 'fanout'; due: string; daysBefore: number; sendAt: string; leads: number };

/** Options of `writeBenchPlans`. */
export interface BenchPlanOptions {
  /** Folder that receives `plans/` (the worker's DONDOC_PLANS_DIR) and `plans/holidays/`. */
  root: string;
  /** How many task workflows in all; split into plans of `tasksPerPlan` (the last one smaller). */
  tasks: number;
  tasksPerPlan?: number;
  shape: PlanShape;
  /** Prefix of the plan ids, unique per call when several sets share one server. */
  prefix?: string;
  now?: DateTime;
}

/** What `writeBenchPlans` wrote. */
export interface BenchPlans {
  plansDir: string;
  holidaysDir: string;
  plans: LoadedPlan[];
  tasks: number;
}

function taskOf(index: number, planIndex: number, shape: PlanShape, today: DateTime): PlanInput['tasks'][number] {
  const n = benchAgencies.length;
  const id = `${Math.floor(index / 10) + 1}.${(index % 10) + 1}`;
  const title = `${TITLES[index % TITLES.length]} (đợt ${Math.floor(index / TITLES.length) + 1})`;
  if (shape.type === 'fanout') {
    const lead = Array.from({ length: shape.leads }, (_, k) => benchAgencies[(index * shape.leads + k) % n]);
    const due = DateTime.fromISO(shape.due, { zone: ZONE }).toFormat('dd/MM/yyyy');
    return {
      id,
      title,
      lead,
      coordinators: [],
      timeframe: { text: `Trước ngày ${due}`, rule: { type: 'date', date: shape.due } },
    };
  }
  const lead = [benchAgencies[(index + planIndex) % n]];
  const coordinators = [benchAgencies[(index + planIndex + 3) % n], benchAgencies[(index + planIndex + 7) % n]];
  const kind = index % 6;
  if (kind < 3) {
    const date = today.plus({ days: 90 + ((index * 37 + planIndex * 11) % 210) });
    const text = `Trước ngày ${date.toFormat('dd/MM/yyyy')}`;
    return { id, title, lead, coordinators, timeframe: { text, rule: { type: 'date', date: date.toISODate()! } } };
  }
  if (kind === 3) {
    const next = today.plus({ months: 4 + (index % 2) * 3 });
    const text = `Quý ${next.quarter}/${next.year}`;
    const rule = { type: 'quarter' as const, year: next.year, quarter: next.quarter };
    return { id, title, lead, coordinators, timeframe: { text, rule } };
  }
  if (kind === 4) {
    const next = today.plus({ months: 7 });
    const half = next.month <= 6 ? 1 : 2;
    const text = `${half === 1 ? '6 tháng đầu năm' : '6 tháng cuối năm'} ${next.year}`;
    return { id, title, lead, coordinators, timeframe: { text, rule: { type: 'half', year: next.year, half } } };
  }
  return { id, title, lead, coordinators, timeframe: { text: 'Thường xuyên', rule: { type: 'ongoing' } } };
}

function planOf(planId: string, planIndex: number, tasks: number, shape: PlanShape, today: DateTime): PlanInput {
  const tail: Partial<PlanInput> =
    shape.type === 'fanout'
      ? {
          policy: {
            remindDaysBefore: [shape.daysBefore],
            sendAt: shape.sendAt,
            delivery: 'individual',
          },
        }
      : {
          // Periodic reports 2 and 8 months ahead (dates relative to today: nothing falls due while a bench runs).
          deadlines: [2, 8].map((months, k) => {
            const at = today.plus({ months });
            return {
              id: k === 0 ? 'report-six-month' : 'report-annual',
              text: `trước ngày ${at.toFormat('d/M')} đối với ${k === 0 ? 'báo cáo 6 tháng' : 'báo cáo năm'}`,
              kind: 'periodic-report' as const,
              reportKind: k === 0 ? ('six-month' as const) : ('annual' as const),
              rule: { type: 'annual' as const, month: at.month, day: Math.min(at.day, 28) },
              subject: `${k === 0 ? 'Báo cáo 6 tháng' : 'Báo cáo năm'} kết quả thực hiện Kế hoạch`,
              owedBy: 'all' as const,
            };
          }),
        };
  return {
    id: planId,
    number: `${100 + planIndex}/KH-UBND`,
    title: `Kế hoạch thực hiện nhiệm vụ số ${planIndex + 1} của tỉnh Hà Tĩnh năm ${today.year + 1}`,
    issuer: 'Ủy ban nhân dân tỉnh Hà Tĩnh',
    issuedOn: today.minus({ days: 10 }).toISODate()!,
    period: { from: today.minus({ days: 10 }).toISODate()!, to: today.plus({ days: 400 }).toISODate()! },
    timezone: ZONE,
    directory: 'agencies/ha-tinh.yaml',
    focalAgency: FOCAL,
    reportsTo: 'Ủy ban nhân dân tỉnh',
    reportingOfficers: [{ name: 'Lãnh đạo Sở Văn hóa, Thể thao và Du lịch', email: 'lanhdao@sovhttdl.hatinh.example' }],
    tasks: Array.from({ length: tasks }, (_, i) => taskOf(i, planIndex, shape, today)),
    ...tail,
  };
}

/** Writes the directory, the holiday files (the project's) and the plans; returns them loaded and checked. */
export async function writeBenchPlans(options: BenchPlanOptions): Promise<BenchPlans> {
  const perPlan = options.tasksPerPlan ?? 33;
  const today = (options.now ?? DateTime.now()).setZone(ZONE).startOf('day');
  const plansDir = join(options.root, 'plans');
  const holidaysDir = join(plansDir, 'holidays');
  mkdirSync(join(plansDir, 'agencies'), { recursive: true });
  writeFileSync(join(plansDir, 'agencies', 'ha-tinh.yaml'), directoryYaml());
  cpSync(join(projectRoot, 'plans', 'holidays'), holidaysDir, { recursive: true });
  const prefix = options.prefix ?? 'bench';
  const count = Math.ceil(options.tasks / perPlan);
  for (let p = 0; p < count; p++) {
    const tasks = Math.min(perPlan, options.tasks - p * perPlan);
    const planId = `${prefix}-${String(p + 1).padStart(3, '0')}`;
    writeFileSync(join(plansDir, `${planId}.yaml`), planToYaml(planOf(planId, p, tasks, options.shape, today)));
  }
  const folder = await loadPlanFolder(plansDir);
  if (folder.broken.length > 0) {
    throw new Error(`generated plans refused: ${JSON.stringify(folder.broken).slice(0, 2000)}`);
  }
  const plans = folder.plans.filter((p) => p.plan.id.startsWith(`${prefix}-`));
  return { plansDir, holidaysDir, plans, tasks: plans.reduce((sum, p) => sum + p.plan.tasks.length, 0) };
}
