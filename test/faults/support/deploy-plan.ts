import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The deploy plan's one task: the lead and three coordinators (agencies of test/support/plan-fixture.ts). */
export const DEPLOY_LEAD = 'Sở Thông tin và Truyền thông';
export const DEPLOY_COORDINATORS = ['Sở Tài chính', 'Sở Nội vụ', 'Sở Y tế'];

function isoDay(offsetDays: number): string {
  return new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
}

/**
 * A plan in `dir` (beside the test directory `agencies/thu-nghiem.yaml`) with one task due in three weeks, whose
 * reminders all lie ahead: what the workflow does during the test is take reports. Single emails, not digests.
 */
export function writeDeployPlan(dir: string): { planId: string; file: string } {
  const planId = `deploy-${randomBytes(4).toString('hex')}`;
  const due = isoDay(21);
  const plan = `id: ${planId}
title: Kế hoạch thử nghiệm triển khai mã mới
issuer: Ủy ban nhân dân tỉnh Thử Nghiệm
period: { from: "${isoDay(-10)}", to: "${isoDay(60)}" }
directory: agencies/thu-nghiem.yaml
focalAgency: ${DEPLOY_LEAD}
reportsTo: Ủy ban nhân dân tỉnh
reportingOfficers:
  - name: Lãnh đạo Sở Thông tin và Truyền thông
    email: lanhdao@sotttt.thunghiem.example
policy:
  delivery: individual
tasks:
  - id: "1"
    title: Xây dựng chuyên mục tuyên truyền
    lead: ["${DEPLOY_LEAD}"]
    coordinators: [${DEPLOY_COORDINATORS.map((c) => `"${c}"`).join(', ')}]
    timeframe:
      text: Trước ngày ${due.split('-').reverse().join('/')}
      rule: { type: date, date: "${due}" }
`;
  const file = join(dir, `${planId}.yaml`);
  writeFileSync(file, plan);
  return { planId, file };
}
