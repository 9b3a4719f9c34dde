import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A small province directory: two departments in a group, the focal agency, the committee. */
const DIRECTORY = `province: Thử Nghiệm
placeholderEmails: true
groups:
  - name: các Sở, ban, ngành
    aliases: []
agencies:
  - name: Ủy ban nhân dân tỉnh
    aliases: ["UBND tỉnh"]
    emails: ["vanthu@ubnd.thunghiem.example"]
  - name: Sở Thông tin và Truyền thông
    aliases: ["Sở TT&TT", "STTTT"]
    groups: ["các Sở, ban, ngành"]
    emails: ["vanthu@sotttt.thunghiem.example"]
  - name: Sở Tài chính
    aliases: ["STC"]
    groups: ["các Sở, ban, ngành"]
    emails: ["vanthu@sotc.thunghiem.example"]
  - name: Sở Nội vụ
    groups: ["các Sở, ban, ngành"]
    emails: ["vanthu@sonv.thunghiem.example"]
  - name: Sở Y tế
    groups: ["các Sở, ban, ngành"]
    emails: ["vanthu@soyt.thunghiem.example"]
`;

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/** Everything of a test plan before its tasks: from 10 days ago to `days` ahead, the test directory's agencies. */
function planHead(planId: string, title: string, days: number): string {
  return `id: ${planId}
title: ${title}
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-10)}", to: "${isoDay(days)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
reportingOfficers:
  - name: Lãnh đạo Sở Thông tin và Truyền thông
    email: lanhdao@sotttt.thunghiem.example
tasks:`;
}

/** A plans folder holding one plan whose tasks fall due in the coming weeks (the dev server runs on real time). */
export interface TestPlans {
  dir: string;
  planId: string;
  file: string;
}

/** Writes the plan, its directory and nothing else under a fresh temp folder; the plan id is unique per call. */
export function writeTestPlans(root = mkdtempSync(join(tmpdir(), 'dondoc-cli-'))): TestPlans {
  const dir = join(root, 'plans');
  const planId = `cli-test-${randomBytes(4).toString('hex')}`;
  mkdirSync(join(dir, 'agencies'), { recursive: true });
  writeFileSync(join(dir, 'agencies', 'thu-nghiem.yaml'), DIRECTORY);
  const task = (id: string, title: string, lead: string, coordinators: string[], due: string) => `  - id: "${id}"
    title: ${title}
    lead: ["${lead}"]
    coordinators: [${coordinators.map((c) => `"${c}"`).join(', ')}]
    timeframe:
      text: Trước ngày ${due}
      rule: { type: date, date: "${due}" }
`;
  const plan = `${planHead(planId, 'Kế hoạch thử nghiệm dòng lệnh', 90)}
${task('1', 'Tuyên truyền trên báo chí', 'Sở Thông tin và Truyền thông', ['Sở Tài chính'], isoDay(20))}${task('2', 'Bố trí kinh phí', 'Sở Tài chính', [], isoDay(25))}${task('3', 'Bồi dưỡng cán bộ', 'Sở Nội vụ', [], isoDay(30))}`;
  const file = join(dir, `${planId}.yaml`);
  writeFileSync(file, plan);
  return { dir, planId, file };
}

/** A second plan in `dir` with one monthly task ("Hằng tháng"): closing a period leaves the next one open. */
export function writeMonthlyPlan(dir: string, planId: string): string {
  const plan = `${planHead(planId, 'Kế hoạch thử nghiệm báo cáo hằng tháng', 120)}
  - id: "1"
    title: Cập nhật số liệu hằng tháng
    lead: ["Sở Tài chính"]
    coordinators: []
    timeframe:
      text: Hằng tháng
      rule: { type: every, unit: month }
`;
  const file = join(dir, `${planId}.yaml`);
  writeFileSync(file, plan);
  return file;
}

/**
 * A plan in `dir` with one task reported monthly ("trước ngày cuối tháng hằng tháng" as a periodic report), so the
 * plan workflow sends a summary per month; its reporting officer is `officerEmail`.
 */
export function writeReportingPlan(dir: string, planId: string, officerEmail: string): string {
  const plan = `id: ${planId}
title: Kế hoạch thử nghiệm báo cáo tháng
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-10)}", to: "${isoDay(75)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
reportingOfficers:
  - name: Chuyên viên tổng hợp
    email: ${officerEmail}
tasks:
  - id: "1"
    title: Cập nhật số liệu
    lead: ["Sở Tài chính"]
    coordinators: []
    timeframe:
      text: Thường xuyên
      rule: { type: ongoing }
deadlines:
  - id: report-monthly
    text: Báo cáo hằng tháng
    kind: periodic-report
    reportKind: monthly
    rule: { type: every, unit: month }
    subject: Báo cáo tháng
    owedBy: all
`;
  const file = join(dir, `${planId}.yaml`);
  writeFileSync(file, plan);
  return file;
}
