import { stripDiacritics } from '../../text/diacritics';
import { quote, reviewItem, type ReviewItem } from './review';
import type { Node } from './segment';

/** What a section or numbered heading holds, read from its title. */
export type Part = 'objectives' | 'funding' | 'organization' | 'background' | 'tasks' | 'measures' | 'mixed' | 'other';

const fold = (text: string) => stripDiacritics(text).toLowerCase();

/** The title words of a heading: up to the first capitalised word that starts the running text. */
export function headingTitle(node: Node): string {
  return node.block.span.text.split(/\s(?=\p{Lu}\p{Ll})/u)[0].slice(0, 160);
}

const OBJECTIVES = /^(?:muc (?:dich|tieu)|yeu cau|quan diem|chi tieu|nguyen tac)/;
const FUNDING = /^(?:kinh phi|nguon kinh phi|du toan kinh phi|nguon von|co che tai chinh)/;
const BACKGROUND = /^(?:can cu|su can thiet|thuc trang|tinh hinh|danh gia|ket qua thuc hien)/;
const TASKS = /noi dung|nhiem vu|hoat dong|giai phap|chuong trinh|de an|cong viec/;
const MEASURES_ONLY = /^(?:cac )?giai phap/;

/** What a heading's title says it holds: "MỤC TIÊU" objectives, "KINH PHÍ" funding, "NHIỆM VỤ" tasks … */
export function partOf(node: Node): Part {
  const title = fold(headingTitle(node)).replace(/^[\s.:-]+/, '');
  if (/to chuc thuc hien/.test(title) && !TASKS.test(title.replace(/to chuc thuc hien/, ''))) return 'organization';
  const objective = OBJECTIVES.test(title);
  if (objective && TASKS.test(title)) return 'mixed';
  if (objective) return 'objectives';
  if (FUNDING.test(title)) return 'funding';
  if (BACKGROUND.test(title)) return 'background';
  if (MEASURES_ONLY.test(title) && !/noi dung|nhiem vu|hoat dong/.test(title)) return 'measures';
  if (TASKS.test(title)) return 'tasks';
  return 'other';
}

const PART_NAMES: Record<'objectives' | 'funding', string> = { objectives: 'mục tiêu', funding: 'kinh phí' };

/** The headings of a numbered node's children that look like tasks: numbered, not themselves objectives or funding. */
function numberedLikeTasks(node: Node): Node[] {
  return node.children.filter(
    (c) => c.block.kind === 'number' && partOf(c) !== 'objectives' && partOf(c) !== 'funding',
  );
}

/**
 * The nodes whose items are the plan's tasks. Objectives ("MỤC TIÊU") and funding ("KINH PHÍ") are never tasks,
 * even when numbered like them; a section such as "MỤC TIÊU VÀ NHIỆM VỤ" gives the items of its "Nhiệm vụ" part.
 * Each skipped part that holds items numbered like tasks goes on the review list once.
 */
export function taskNodes(roots: Node[], review: ReviewItem[]): { nodes: Node[]; organization?: Node } {
  const sections = roots.filter((n) => n.block.kind === 'roman');
  const skipped = (node: Node, part: 'objectives' | 'funding', items: Node[]) => {
    if (items.length === 0) return;
    const labels = items.map((c) => c.block.label);
    const where = `${node.block.kind === 'roman' ? 'phần' : 'mục'} ${node.block.label} ${quote(headingTitle(node), 60)}`;
    review.push(
      reviewItem('not-a-task', node.block.line, 'tasks', {
        read:
          items[0] === node
            ? `${where}, đánh số như một nhiệm vụ`
            : `${where} có ${items.length} mục đánh số (${labels[0]}${
                labels.length > 1 ? `–${labels[labels.length - 1]}` : ''
              }) như nhiệm vụ`,
        assumed: `đó là ${PART_NAMES[part]}, không lấy làm nhiệm vụ`,
        check: `trong phần ${PART_NAMES[part]} không có nhiệm vụ nào phải theo dõi; nếu có, thêm nó vào danh sách nhiệm vụ`,
      }),
    );
  };
  /** Items of a tasks part, without the objectives and funding numbered among them. */
  const itemsOf = (node: Node): Node[] => {
    const out: Node[] = [];
    for (const child of node.children) {
      const part = partOf(child);
      if (child.block.kind === 'number' && (part === 'objectives' || part === 'funding')) {
        skipped(child, part, [child]);
        continue;
      }
      out.push(child);
    }
    return out;
  };

  if (sections.length === 0) {
    const top = roots.filter((n) => n.block.kind === 'number' || n.block.kind === 'letter');
    const nodes: Node[] = [];
    for (const node of top) {
      const part = partOf(node);
      if (part === 'objectives' || part === 'funding') skipped(node, part, numberedLikeTasks(node));
      else if (part === 'organization') continue;
      else if (part === 'tasks' && node.children.some((c) => c.block.kind === 'number')) nodes.push(...itemsOf(node));
      else nodes.push(node);
    }
    return { nodes, organization: top.find((n) => partOf(n) === 'organization') };
  }

  const organization = sections.find((n) => partOf(n) === 'organization');
  const nodes: Node[] = [];
  for (const section of sections) {
    const part = partOf(section);
    if (part === 'objectives' || part === 'funding') skipped(section, part, numberedLikeTasks(section));
    else if (part === 'tasks') nodes.push(...itemsOf(section));
    else if (part === 'mixed') {
      for (const child of section.children) {
        const childPart = partOf(child);
        if (childPart === 'objectives' || childPart === 'funding') {
          skipped(child, childPart, numberedLikeTasks(child));
        } else if (childPart === 'tasks' && child.children.length > 0) nodes.push(...itemsOf(child));
        else nodes.push(child);
      }
    }
  }
  // "GIẢI PHÁP" alone holds general measures beside the tasks; its items are the tasks only when no section has them.
  if (nodes.length === 0)
    for (const section of sections.filter((s) => partOf(s) === 'measures')) nodes.push(...itemsOf(section));
  if (nodes.length === 0) {
    // No section says it holds tasks: take those that are neither objectives, funding, background nor organisation.
    for (const section of sections.filter((s) => partOf(s) === 'other' && s.children.length > 0)) {
      review.push(
        reviewItem('not-a-task', section.block.line, 'tasks', {
          read: `phần ${section.block.label} ${quote(headingTitle(section), 60)}`,
          assumed:
            'không phần nào có tên “Nội dung”, “Nhiệm vụ” hay “Giải pháp”; các mục của phần này được lấy làm nhiệm vụ',
          check: 'các nhiệm vụ lấy từ phần này đúng là nhiệm vụ của Kế hoạch',
        }),
      );
      nodes.push(...itemsOf(section));
    }
  }
  return { nodes, organization };
}
