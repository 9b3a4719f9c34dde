import { directorySchema, planSchema, type Directory, type Plan } from '../../../src/plan/schema';
import { PlanUnavailableError } from '../../../src/activities/plan-catalog';
import type { PlanCatalog } from '../../../src/activities/types';

/** A small plan in the shape of the Đắk Nông foreign-information plan: a lead with coordinators, a group lead, a deliverable. */
export const testPlan: Plan = planSchema.parse({
  id: 'dak-nong-ttdn-2025',
  number: '678/KH-UBND',
  title: 'Thông tin đối ngoại tỉnh Đắk Nông năm 2025',
  issuer: 'UBND tỉnh Đắk Nông',
  issuedOn: '2025-02-10',
  period: { from: '2025-01-01', to: '2025-12-31' },
  directory: 'agencies/dak-nong.yaml',
  focalAgency: 'Sở Thông tin và Truyền thông',
  reportsTo: 'UBND tỉnh',
  reportingOfficers: [
    { name: 'Nguyễn Thị Hằng', email: 'hang.nt@stttt.daknong.example', agency: 'Sở Thông tin và Truyền thông' },
    { name: 'Trần Văn Đức', email: 'duc.tv@ubnd.daknong.example' },
  ],
  tasks: [
    {
      id: '2.4.1',
      title: 'Tuyên truyền về chủ quyền biên giới, lãnh thổ quốc gia',
      lead: ['Sở Văn hóa, Thể thao và Du lịch'],
      coordinators: ['Công an tỉnh', 'Sở Ngoại vụ'],
      timeframe: { text: 'Thường xuyên', rule: { type: 'ongoing' } },
    },
    {
      id: '1',
      title: 'Cập nhật thông tin đối ngoại trên Cổng Thông tin điện tử tỉnh',
      lead: ['Sở Thông tin và Truyền thông'],
      timeframe: { text: 'Thường xuyên', rule: { type: 'ongoing' } },
    },
    {
      id: '3.2',
      title: 'Quảng bá hình ảnh địa phương với bạn bè quốc tế',
      lead: ['UBND các huyện, thành phố'],
      coordinators: ['Sở Ngoại vụ'],
      timeframe: { text: 'Năm 2025', rule: { type: 'year', year: 2025 } },
    },
  ],
  deadlines: [
    {
      id: 'report-six-month',
      text: 'trước ngày 15/5 đối với báo cáo 6 tháng',
      kind: 'periodic-report',
      reportKind: 'six-month',
      rule: { type: 'annual', month: 5, day: 15 },
      subject: 'Báo cáo 6 tháng',
      owedBy: 'all',
    },
    {
      id: 'plan-2025',
      text: 'trước ngày 10/3/2025',
      kind: 'deliverable',
      rule: { type: 'date', date: '2025-03-10' },
      subject: 'Kế hoạch thực hiện của cơ quan, đơn vị',
      owedBy: ['các Sở, ban, ngành'],
    },
  ],
});

/** The directory of the test plan: every address under `.example`. */
export const testDirectory: Directory = directorySchema.parse({
  province: 'Đắk Nông',
  placeholderEmails: true,
  agencies: [
    {
      name: 'Sở Thông tin và Truyền thông',
      aliases: ['Sở TT&TT'],
      groups: ['các Sở, ban, ngành'],
      emails: ['stttt@daknong.example'],
    },
    {
      name: 'Sở Văn hóa, Thể thao và Du lịch',
      aliases: ['Sở VHTTDL'],
      groups: ['các Sở, ban, ngành'],
      emails: ['svhttdl@daknong.example', 'vanphong.svhttdl@daknong.example'],
    },
    { name: 'Sở Ngoại vụ', groups: ['các Sở, ban, ngành'], emails: ['sngv@daknong.example'] },
    { name: 'Công an tỉnh', emails: ['congan@daknong.example'] },
    { name: 'UBND tỉnh', aliases: ['Ủy ban nhân dân tỉnh'], emails: ['ubnd@daknong.example'] },
    { name: 'UBND huyện Cư Jút', groups: ['UBND các huyện, thành phố'], emails: ['cujut@daknong.example'] },
    { name: 'UBND thành phố Gia Nghĩa', groups: ['UBND các huyện, thành phố'], emails: ['gianghia@daknong.example'] },
  ],
  groups: [{ name: 'các Sở, ban, ngành' }, { name: 'UBND các huyện, thành phố' }],
});

/** A catalog holding the given plans; unknown ids fail like the file catalog (`PlanUnavailableError`). */
export function catalogOf(...entries: Array<{ plan: Plan; directory: Directory }>): PlanCatalog {
  return {
    async get(planId) {
      const entry = entries.find((e) => e.plan.id === planId);
      if (!entry) throw new PlanUnavailableError(`no plan with id "${planId}"`, planId, true);
      return entry;
    },
  };
}
