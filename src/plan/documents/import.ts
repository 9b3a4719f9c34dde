import { importPlanText, type ImportOptions, type ReviewItem } from '../importer';
import type { PlanInput } from '../schema';
import type { PlanDocument } from './document';
import { documentReview, fileLines } from './review';

/**
 * Drafts a plan from a document `readPlanDocument` read, as `dondoc plan import` and the import page do: the
 * importer's draft and review list, with the document's own review items (OCR, conversions) added and, for a text
 * file, line numbers of the file. Throws the importer's `ImportError` for a text that is no plan.
 */
export function importPlanDocument(
  doc: PlanDocument,
  opts: ImportOptions = {},
): { plan: PlanInput; review: ReviewItem[] } {
  const { plan, review } = importPlanText(doc.text, opts);
  review.push(...documentReview(doc, plan));
  fileLines(doc, plan, review);
  return { plan, review };
}
