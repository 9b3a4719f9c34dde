import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore } from '../../../src/activities/storage';
import { addUser } from '../../../src/services/accounts';
import { startPlanWorkflows } from '../../../src/services/start-plans';
import { loadPlanFolder } from '../../../src/plan/load';
import { createLinkSigner } from '../../../src/access/links';
import { buildWebApp } from '../../../src/web/app';
import type { WebDeps } from '../../../src/web/deps';
import { querySubject } from '../../../src/services/subject-updates';
import { submitReportUpdate, subjectWorkflowId } from '../../../src/workflows/contract';
import { startOperatorRig, type OperatorRig } from '../../cli/support/operator-rig';
import { eventually } from '../../support/temporal';
import type { FastifyInstance } from 'fastify';

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

/** `YYYY-MM-DD`, `offsetDays` from today (the dev server runs on real time). */
export function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

function head(planId: string, title: string): string {
  return `id: ${planId}
number: 99/KH-UBND
title: ${title}
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-60)}", to: "${isoDay(90)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
reportingOfficers:
  - name: Lãnh đạo Sở Thông tin và Truyền thông
    email: lanhdao@sotttt.thunghiem.example
tasks:
`;
}

function task(id: string, title: string, lead: string, coordinators: string[], due: string): string {
  return `  - id: "${id}"
    title: ${title}
    lead: ["${lead}"]
    coordinators: [${coordinators.map((c) => `"${c}"`).join(', ')}]
    timeframe:
      text: Trước ngày ${due}
      rule: { type: date, date: "${due}" }
`;
}

/** The dashboard's test plans: one task per officers' status, and a second plan with a reporting period. */
export interface DashboardPlans {
  dir: string;
  planId: string;
  reportingPlanId: string;
}

/**
 * Writes the plans: task 1 overdue (lead and coordinator late), 2 due in 20 days (reported on time by the rig),
 * 3 due in 4 days (sắp đến hạn), 4 five days late (reported late by the rig), 5 past for 40 days (không theo dõi);
 * and a plan whose one task has an annual report in 40 days (a summary period).
 */
export function writeDashboardPlans(root: string): DashboardPlans {
  const dir = join(root, 'plans');
  const suffix = randomBytes(4).toString('hex');
  const planId = `bang-dieu-khien-${suffix}`;
  const reportingPlanId = `tong-hop-${suffix}`;
  mkdirSync(join(dir, 'agencies'), { recursive: true });
  writeFileSync(join(dir, 'agencies', 'thu-nghiem.yaml'), DIRECTORY);
  writeFileSync(
    join(dir, `${planId}.yaml`),
    head(planId, 'Kế hoạch thử nghiệm bảng điều khiển') +
      task('1', 'Tuyên truyền trên báo chí', 'Sở Thông tin và Truyền thông', ['Sở Tài chính'], isoDay(-3)) +
      task('2', 'Bố trí kinh phí', 'Sở Tài chính', [], isoDay(20)) +
      task('3', 'Bồi dưỡng cán bộ', 'Sở Nội vụ', [], isoDay(4)) +
      task('4', 'Cải cách hành chính', 'Sở Y tế', [], isoDay(-5)) +
      task('5', 'Rà soát văn bản cũ', 'Sở Nội vụ', [], isoDay(-40)),
  );
  const annual = isoDay(40);
  const [, month, day] = annual.split('-').map(Number);
  writeFileSync(
    join(dir, `${reportingPlanId}.yaml`),
    head(reportingPlanId, 'Kế hoạch thử nghiệm tổng hợp') +
      `  - id: "1"
    title: Cập nhật số liệu
    lead: ["Sở Tài chính"]
    coordinators: []
    timeframe:
      text: Thường xuyên
      rule: { type: ongoing }
deadlines:
  - id: report-annual
    text: Báo cáo năm
    kind: periodic-report
    reportKind: annual
    rule: { type: annual, month: ${month}, day: ${day} }
    subject: Báo cáo năm
    owedBy: all
`,
  );
  return { dir, planId, reportingPlanId };
}

export const officer = { name: 'Trần Thị Cán Bộ', password: 'mật-khẩu-cán-bộ-1' };
export const admin = { name: 'Lê Văn Quản Trị', password: 'mật-khẩu-quản-trị-1' };

/** A worker on the shared dev server, the plans started, reports in, accounts made, and the web app on the same store. */
export interface DashboardRig {
  rig: OperatorRig;
  plans: DashboardPlans;
  app: FastifyInstance;
  deps: WebDeps;
  root: string;
  stop(): Promise<void>;
}

export async function startDashboardRig(name: string, overrides: Partial<WebDeps> = {}): Promise<DashboardRig> {
  const root = mkdtempSync(join(tmpdir(), `dondoc-${name}-`));
  const plans = writeDashboardPlans(root);
  const sqlitePath = join(root, 'dondoc.db');
  const rig = await startOperatorRig({
    name,
    root,
    plansDir: plans.dir,
    storeEnv: { DATABASE_URL: '', DATABASE_SCHEMA: '', DONDOC_DB: sqlitePath },
    openStore: () => openStore({ sqlitePath }),
  });
  const { client, store } = rig;
  await startPlanWorkflows(client, (await loadPlanFolder(plans.dir)).plans, rig.taskQueue);
  const wf = (taskId: string, planId = plans.planId) => subjectWorkflowId(planId, { type: 'task', taskId });
  for (const id of ['1', '2', '3', '4']) await eventually(async () => (await querySubject(client, wf(id))).current);
  await eventually(async () => (await querySubject(client, wf('1', plans.reportingPlanId))).current);
  // Task 2's report carries a file, as an agency's would.
  const file = await store.putAttachment({
    filename: 'Bảng số liệu kinh phí.xlsx',
    contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    content: Buffer.from('PK\u0003\u0004 số liệu thử nghiệm'),
  });
  for (const [taskId, agency] of [
    ['2', 'Sở Tài chính'],
    ['4', 'Sở Y tế'],
  ]) {
    const view = await querySubject(client, wf(taskId));
    await client.workflow.getHandle(wf(taskId)).executeUpdate(submitReportUpdate, {
      args: [
        {
          agency,
          occurrenceId: view.current!.id,
          submissionId: `thu-${taskId}`,
          text: `Báo cáo kết quả nhiệm vụ ${taskId} của ${agency}.`,
          ...(taskId === '2' ? { attachments: [file] } : {}),
        },
      ],
    });
  }
  await addUser(store, { name: officer.name, role: 'officer', password: officer.password });
  await addUser(store, { name: admin.name, role: 'admin', password: admin.password });
  const secret = new Uint8Array(Buffer.alloc(32, 9));
  const deps: WebDeps = {
    temporal: client,
    namespace: 'default',
    store,
    plans: async () => (await loadPlanFolder(plans.dir)).plans,
    signer: createLinkSigner(secret),
    secret,
    publicUrl: 'http://127.0.0.1:8080',
    temporalUiUrl: 'http://127.0.0.1:8233',
    mailDir: join(root, 'mail'),
    publicRateLimit: 1000,
    ...overrides,
  };
  const app = await buildWebApp(deps);
  return {
    rig,
    plans,
    app,
    deps,
    root,
    async stop() {
      await app.close();
      await rig.stop();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
