import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PLANS } from './fixtures';

/** A temporary plans folder with the Đắk Nông directory, removed by `cleanup`. */
export function tmpPlans(): { dir: string; write(name: string, text: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'dondoc-plan-'));
  mkdirSync(join(dir, 'agencies'));
  copyFileSync(join(PLANS, 'agencies', 'dak-nong.yaml'), join(dir, 'agencies', 'dak-nong.yaml'));
  return {
    dir,
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A small valid plan; `tasks` replaces the task list (YAML text indented by two spaces). */
export function planYaml(tasks?: string, extra = ''): string {
  return `id: thu-nghiem
title: Kế hoạch thử nghiệm
issuer: Ủy ban nhân dân tỉnh Đắk Nông
period:
  from: 2025-01-01
  to: 2025-12-31
directory: agencies/dak-nong.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
tasks:
${
  tasks ??
  `  - id: "1"
    title: Nhiệm vụ một
    lead: [Sở Thông tin và Truyền thông]
    coordinators: ["các Sở, ban, ngành"]
    timeframe: { text: Năm 2025, rule: { type: year, year: 2025 } }
`
}${extra}`;
}
