import { Document } from 'yaml';
import type { PlanInput } from './schema';

/** A plan as YAML for people to review: fields in the schema's order, multi-line text as blocks, an optional comment on top. */
export function planToYaml(plan: PlanInput, comment?: string): string {
  const doc = new Document(plan, { aliasDuplicateObjects: false });
  if (comment)
    doc.commentBefore = comment
      .split('\n')
      .map((l) => ` ${l}`)
      .join('\n');
  return doc.toString({ lineWidth: 0, indentSeq: true });
}
