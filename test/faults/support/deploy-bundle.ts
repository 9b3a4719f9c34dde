/**
 * Workflow bundles of dondoc's workflows as they were before their patches, for a deploy test. `patched(id)` is the
 * only switch between a change and what ran before it (its else branch is the old code, kept literally so running
 * workflows replay), so bundling today's sources with `patched` answering false for every patch id IS the code from
 * before those patches. The same bundle, with one token changed, is the change made carelessly: the new branch taken
 * without `patched()` (no marker, whatever the history says).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { bundleWorkflowCode, type WorkflowBundle } from '@temporalio/worker';
import { PLAN_REVISION_PATCH, SUMMARY_FAILURE_PATCH } from '../../../src/workflows/plan-workflow';
import {
  CORRECTNESS_PATCH,
  DIGEST_PATCH,
  FORWARD_INPUT_PATCH,
  NOTICE_LISTS_PATCH,
  RECEIPT_BEFORE_EMAIL_PATCH,
} from '../../../src/workflows/subject-workflow';

/** Every patch id in src/workflows: the old bundle takes the old branch of each. */
export const ALL_PATCHES = [
  FORWARD_INPUT_PATCH,
  RECEIPT_BEFORE_EMAIL_PATCH,
  CORRECTNESS_PATCH,
  SUMMARY_FAILURE_PATCH,
  DIGEST_PATCH,
  PLAN_REVISION_PATCH,
  NOTICE_LISTS_PATCH,
];

const OLD = '__DONDOC_PATCHES_OLD__';
const UNGUARDED = '__DONDOC_PATCHES_UNGUARDED__';

/** The module that stands in for `@temporalio/workflow`: the real one, with `patched` and `deprecatePatch` wrapped. */
function shimSource(unguarded: string[]): string {
  return `'use strict';
const real = require(${JSON.stringify(require.resolve('@temporalio/workflow'))});
const mode = '${OLD}';
const all = new Set(${JSON.stringify(ALL_PATCHES)});
const unguarded = new Set(${JSON.stringify(unguarded)});
function patched(id) {
  if (mode === '${UNGUARDED}') return unguarded.has(id) ? true : real.patched(id);
  return all.has(id) ? false : real.patched(id);
}
function deprecatePatch(id) {
  if (mode === '${UNGUARDED}' || !all.has(id)) real.deprecatePatch(id);
}
module.exports = Object.assign({}, real, { patched, deprecatePatch });
Object.defineProperty(module.exports, '__esModule', { value: true });
`;
}

/** The old code, and the current code with `unguarded` patches' new branches taken unconditionally. */
export interface PatchBundles {
  old: WorkflowBundle;
  unguarded: WorkflowBundle;
}

/** Bundles src/workflows once with `@temporalio/workflow` replaced by the shim (written under `dir`). */
export async function bundlePatchVariants(dir: string, unguarded: string[]): Promise<PatchBundles> {
  mkdirSync(dir, { recursive: true });
  const shim = join(dir, 'temporal-workflow-shim.js');
  writeFileSync(shim, shimSource(unguarded));
  const { code } = await bundleWorkflowCode({
    workflowsPath: require.resolve('../../../src/workflows'),
    logger: { trace() {}, debug() {}, info() {}, warn() {}, error: console.error, log() {} },
    webpackConfigHook: (config) => {
      const alias = (config.resolve?.alias ?? {}) as Record<string, string>;
      config.resolve = { ...config.resolve, alias: { ...alias, '@temporalio/workflow$': shim } };
      return config;
    },
  });
  const marked = code.split(`'${OLD}'`).length - 1;
  if (marked !== 1) throw new Error(`the shim's mode appears ${marked} times in the bundle, expected once`);
  return { old: { code }, unguarded: { code: code.replace(`'${OLD}'`, `'${UNGUARDED}'`) } };
}
