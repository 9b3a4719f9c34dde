import type { AgencyResolver } from '../agencies';
import type { PlanInput } from '../schema';
import { nameOn, shortDate, successionsOf } from '../succession';
import { reviewItem, type ReviewItem } from './review';

/**
 * Gives every name its directory spelling; unknown names go on the review list, and each group used (once, where
 * it is first used) with the agencies the directory lists for it, since those are who will be reminded.
 */
export function canonicalize(plan: PlanInput, resolver: AgencyResolver, review: ReviewItem[]): void {
  const groups = new Set<string>();
  const proposed = new Set<string>();
  const fix = (name: string, field: string, line: number) => {
    const resolution = resolver.resolve(name);
    const canonical = resolution.agency?.name ?? resolution.group;
    if (resolution.group && !groups.has(resolution.group)) {
      groups.add(resolution.group);
      const members = (resolution.members ?? []).map((a) => a.name);
      const shown =
        members.slice(0, 6).join('; ') + (members.length > 6 ? `; và ${members.length - 6} cơ quan khác` : '');
      review.push(
        reviewItem('group-expanded', line, field, {
          read: `nhóm “${name}”`,
          assumed:
            members.length > 0
              ? `nhóm gồm ${members.length} cơ quan theo danh bạ “${resolver.directory.province}”: ${shown}`
              : `danh bạ “${resolver.directory.province}” không có cơ quan nào thuộc nhóm này, nên không ai được nhắc`,
          check:
            members.length > 0
              ? 'danh sách thành viên nhóm trong danh bạ đúng với ý của Kế hoạch'
              : 'thêm các cơ quan của nhóm vào danh bạ (groups) hoặc ghi tên từng cơ quan',
        }),
      );
    }
    // Once per agency, where it is first named, as for groups.
    if (resolution.agency && !proposed.has(resolution.agency.name)) {
      proposed.add(resolution.agency.name);
      proposeSuccessor(plan, resolver, resolution.agency.name, field, line, review);
    }
    if (canonical) return canonical;
    const hint = resolution.suggestions;
    review.push(
      reviewItem('agency-unknown', line, field, {
        read: `cơ quan “${name}”`,
        assumed: 'giữ tên như văn bản viết; tên này không có trong danh bạ',
        check: hint.length
          ? `có phải là “${hint[0]}” không; nếu là cơ quan khác, thêm vào danh bạ`
          : 'thêm cơ quan vào danh bạ hoặc sửa tên',
      }),
    );
    return name;
  };
  plan.tasks.forEach((task, i) => {
    task.lead = task.lead.map((n) => fix(n, `tasks[${i}].lead`, task.line ?? 1));
    task.coordinators = (task.coordinators ?? []).map((n) => fix(n, `tasks[${i}].coordinators`, task.line ?? 1));
  });
  plan.focalAgency = fix(plan.focalAgency, 'focalAgency', 1);
  (plan.deadlines ?? []).forEach((d, i) => {
    if (d.owedBy !== 'all') d.owedBy = d.owedBy.map((n) => fix(n, `deadlines[${i}].owedBy`, d.line ?? 1));
  });
}

/** A review item proposing the successor of an agency reorganised before the plan's end (the directory's succession). */
function proposeSuccessor(
  plan: PlanInput,
  resolver: AgencyResolver,
  agency: string,
  field: string,
  line: number,
  review: ReviewItem[],
): void {
  const found = resolver.resolve(agency).agency;
  const end = plan.period?.to;
  if (!found || !end) return;
  const dates = successionsOf(found)
    .map((s) => s.from)
    .filter((d) => d <= end)
    .sort();
  if (dates.length === 0) return;
  const successor = nameOn(resolver.directory, agency, end);
  if (successor === agency) return;
  review.push(
    reviewItem('agency-succeeded', line, field, {
      read: `cơ quan “${agency}”`,
      assumed: `giữ tên như văn bản viết; từ ${shortDate(dates[0])} dondoc nhắc cơ quan kế thừa theo danh bạ: ${successor}`,
      check: `thay bằng “${successor}” nếu kế hoạch được điều chỉnh, hoặc giữ tên cũ (báo cáo trước ngày đó mang tên cũ)`,
    }),
  );
}
