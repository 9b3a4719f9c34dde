import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { temporal } from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import {
  addDigestItemsSignal,
  applyRevisionUpdate,
  cancelUpdate,
  closeOccurrenceUpdate,
  endSubjectUpdate,
  extendDueUpdate,
  pauseRemindersUpdate,
  resendReminderUpdate,
  resumeRemindersUpdate,
  reviseSubjectUpdate,
  setRecipientsUpdate,
  submitReportSignal,
  submitReportUpdate,
} from '../../src/workflows/contract';
import { PLAN_REVISION_PATCH, SUMMARY_FAILURE_PATCH } from '../../src/workflows/plan-workflow';
import {
  CORRECTNESS_PATCH,
  DIGEST_PATCH,
  FORWARD_INPUT_PATCH,
  NOTICE_LISTS_PATCH,
  RECEIPT_BEFORE_EMAIL_PATCH,
} from '../../src/workflows/subject-workflow';
import { bundleOnce } from '../support/temporal';

const dir = join(__dirname, 'histories');
// One folder per recording (`npx tsx scripts/record-histories.ts <name>`); older recordings stay, since running
// workflows may have any of those histories.
const files = readdirSync(dir, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json'))
  .sort();
const read = (file: string) => readFileSync(join(dir, file), 'utf8');
const shippedPlans = readdirSync(join(__dirname, '..', '..', 'plans'))
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => f.replace(/\.yaml$/, ''))
  .sort();

/** `plan_x_task_1.a.first.json` → `plan/x/task/1.a` (also `.last` and `.run-NN`, one run of a continue-as-new chain). */
const runFile = /\.(first|last|run-(\d+))\.json$/;
const workflowIdOf = (file: string) => basename(file).replace(runFile, '').replace(/_/g, '/');

interface Payloads {
  payloads?: { data?: string }[];
}
interface HistoryEvent {
  eventId: string;
  workflowExecutionStartedEventAttributes?: {
    workflowType: { name: string };
    input?: Payloads;
    originalExecutionRunId: string;
    continuedExecutionRunId?: string;
  };
  markerRecordedEventAttributes?: { markerName: string; details: Record<string, Payloads> };
  workflowExecutionSignaledEventAttributes?: { signalName: string };
  workflowExecutionUpdateAcceptedEventAttributes?: {
    acceptedRequest: { meta: { updateId: string }; input: { name: string } };
  };
  workflowExecutionUpdateCompletedEventAttributes?: {
    meta: { updateId: string };
    outcome: { success?: unknown; failure?: unknown };
  };
  workflowExecutionContinuedAsNewEventAttributes?: { newExecutionRunId: string };
  activityTaskScheduledEventAttributes?: { activityType: { name: string } };
}

const decode = (p: { data?: string } | undefined): unknown =>
  p?.data ? JSON.parse(Buffer.from(p.data, 'base64').toString('utf8')) : undefined;

/** What each recorded history holds, read once. */
const corpus = files.map((file) => {
  const events = (JSON.parse(read(file)) as { events: HistoryEvent[] }).events;
  const started = events[0].workflowExecutionStartedEventAttributes!;
  // Update id → name (the completed event names its update by id; the time-skipping server leaves acceptedEventId out).
  const accepted = new Map(
    events
      .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest)
      .filter((r) => r !== undefined)
      .map((r) => [r.meta.updateId, r.input.name]),
  );
  return {
    file,
    events,
    workflowType: started.workflowType.name,
    planId: (decode(started.input?.payloads?.[0]) as { planId?: string } | undefined)?.planId,
    runId: started.originalExecutionRunId,
    continuedFrom: started.continuedExecutionRunId || undefined,
    continuedTo: events.find((e) => e.workflowExecutionContinuedAsNewEventAttributes)
      ?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId,
    patches: events
      .map((e) => e.markerRecordedEventAttributes)
      .filter((m) => m?.markerName === 'core_patch')
      .flatMap((m) => m!.details['patch-data'].payloads ?? [])
      .map((p) => (decode(p) as { id: string }).id),
    signals: events.flatMap((e) => e.workflowExecutionSignaledEventAttributes?.signalName ?? []),
    updates: [...accepted.values()],
    /** Update name and how it ended, one per completed update. */
    outcomes: events.flatMap((e) => {
      const completed = e.workflowExecutionUpdateCompletedEventAttributes;
      if (!completed) return [];
      return [`${accepted.get(completed.meta.updateId)}:${completed.outcome.failure ? 'failure' : 'success'}`];
    }),
    activities: events.flatMap((e) => e.activityTaskScheduledEventAttributes?.activityType.name ?? []),
  };
});

// A change that would break running workflows (a reordered command, an activity call added or removed without
// `patched()`) fails here.
describe('replay of recorded workflow histories', () => {
  it('has histories of the plan workflow and of subject workflows, from more than one version', () => {
    expect(files.some((f) => /(^|\/)plan_[^_]+\.(first|last)\.json$/.test(f))).toBe(true);
    expect(files.some((f) => f.includes('_task_'))).toBe(true);
    expect(new Set(files.map((f) => dirname(f))).size).toBeGreaterThan(1);
  });

  it('replays the patched branch too: a recording holds the marker of each patch in use', () => {
    const recorded = corpus.flatMap((h) => h.patches);
    for (const patch of [
      FORWARD_INPUT_PATCH,
      RECEIPT_BEFORE_EMAIL_PATCH,
      CORRECTNESS_PATCH,
      SUMMARY_FAILURE_PATCH,
      DIGEST_PATCH,
      PLAN_REVISION_PATCH,
      NOTICE_LISTS_PATCH,
    ])
      expect(recorded).toContain(patch);
  });

  it('has subjects that queue their notices for digests, and agency mailboxes that send them, run by run', () => {
    const digestSubjects = corpus.filter(
      (h) => h.workflowType === 'subjectWorkflow' && h.patches.includes(DIGEST_PATCH),
    );
    expect(digestSubjects.some((h) => h.activities.includes('queueDigestItems'))).toBe(true);
    const mailboxes = corpus.filter((h) => h.workflowType === 'agencyMailboxWorkflow');
    expect(mailboxes.length).toBeGreaterThan(1);
    expect(mailboxes.some((h) => h.activities.includes('sendDigest'))).toBe(true);
    expect(mailboxes.flatMap((h) => h.signals)).toContain(addDigestItemsSignal.name);
  });

  it('has the plan workflow and subject workflows of each shipped plan, and a summary sent', () => {
    const recorded = (type: string) => [...new Set(corpus.filter((h) => h.workflowType === type).map((h) => h.planId))];
    expect(recorded('planWorkflow')).toEqual(expect.arrayContaining(shippedPlans));
    expect(recorded('subjectWorkflow')).toEqual(expect.arrayContaining(shippedPlans));
    expect(corpus.some((h) => h.activities.includes('sendSummary'))).toBe(true);
  });

  it('goes through every update handler, a report signal, and both answers of submitReport', () => {
    const updates = corpus.flatMap((h) => h.updates);
    for (const def of [
      submitReportUpdate,
      extendDueUpdate,
      pauseRemindersUpdate,
      resumeRemindersUpdate,
      closeOccurrenceUpdate,
      setRecipientsUpdate,
      resendReminderUpdate,
      cancelUpdate,
      applyRevisionUpdate,
      reviseSubjectUpdate,
      endSubjectUpdate,
    ])
      expect(updates).toContain(def.name);
    // Accepted, and refused by the handler after the validator let it through (the store failed).
    const outcomes = corpus.flatMap((h) => h.outcomes);
    expect(outcomes).toEqual(
      expect.arrayContaining([`${submitReportUpdate.name}:success`, `${submitReportUpdate.name}:failure`]),
    );
    expect(corpus.flatMap((h) => h.signals)).toContain(submitReportSignal.name);
  });

  it('holds a whole continue-as-new chain, run by run', () => {
    expect(corpus.some((h) => h.continuedTo)).toBe(true);
    // `<id>.run-01.json` … `<id>.run-NN.json`: each run continues from the one before, the last continues no more.
    const chains = new Map<string, typeof corpus>();
    for (const h of corpus.filter((x) => /\.run-\d+\.json$/.test(x.file))) {
      const key = `${dirname(h.file)}/${workflowIdOf(h.file)}`;
      chains.set(key, [...(chains.get(key) ?? []), h]);
    }
    expect([...chains.values()].some((runs) => runs.length > 2)).toBe(true);
    for (const runs of chains.values()) {
      expect(runs[0].continuedFrom).toBeUndefined();
      for (let i = 1; i < runs.length; i++) {
        expect(runs[i - 1].continuedTo).toBe(runs[i].runId);
        expect(runs[i].continuedFrom).toBe(runs[i - 1].runId);
      }
      expect(runs[runs.length - 1].continuedTo).toBeUndefined();
    }
  });

  it.each(files)('replays %s without nondeterminism', async (file) => {
    const history = temporal.api.history.v1.History.fromObject(JSON.parse(read(file)));
    await Worker.runReplayHistory(
      { workflowBundle: await bundleOnce(require.resolve('../../src/workflows')) },
      history,
      workflowIdOf(file),
    );
  });
});
