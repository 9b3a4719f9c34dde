import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { directorySchema, type Directory, type PlanInput } from '../../../src/plan/schema';

/** The repository's plans folder. */
export const PLANS = join(__dirname, '..', '..', '..', 'plans');

/** The three shipped plans: source text, reviewed YAML and province directory. */
export const SHIPPED = [
  { id: 'dak-nong-ttdn-2025', province: 'dak-nong' },
  { id: 'ninh-binh-bien-gioi-bien-2022-2030', province: 'ninh-binh' },
  { id: 'thai-binh-ttdn-2019', province: 'thai-binh' },
] as const;

/** The source text of a shipped plan. */
export function source(id: string): string {
  return readFileSync(join(PLANS, 'sources', `${id}.txt`), 'utf8');
}

/** A province directory, parsed. */
export function directory(province: string): Directory {
  return directorySchema.parse(parse(readFileSync(join(PLANS, 'agencies', `${province}.yaml`), 'utf8')));
}

/** The reviewed plan YAML as written (not defaulted). */
export function reviewed(id: string): PlanInput {
  return parse(readFileSync(join(PLANS, `${id}.yaml`), 'utf8')) as PlanInput;
}

/** A plan without its source line numbers, for comparing imports of differently laid out texts. */
export function withoutLines(plan: PlanInput): unknown {
  return JSON.parse(JSON.stringify(plan, (key, value: unknown) => (key === 'line' ? undefined : value)));
}
