import {
  allHandlersFinished,
  condition,
  continueAsNew,
  log,
  proxyActivities,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Activities, DigestItem, DigestResult } from '../activities/types';
import {
  addDigestItemsSignal,
  mailboxStateQuery,
  type AgencyMailboxInput,
  type MailboxCarry,
  type MailboxView,
} from './contract';

// A digest that cannot be delivered yet is retried with backoff for days, like any email; refusals come back as
// results (audited by the activity), so only bugs are failures.
const digests = proxyActivities<Pick<Activities, 'sendDigest'>>({
  startToCloseTimeout: '2 minutes',
  // The activity heartbeats while it works: a worker that dies mid-digest is retried on another within this.
  heartbeatTimeout: '30 seconds',
  retry: {
    initialInterval: '30 seconds',
    backoffCoefficient: 2,
    maximumInterval: '1 hour',
    nonRetryableErrorTypes: ['UnknownTask', 'UnknownDeadline', 'UnknownAgency', 'InvalidRequest'],
  },
});

/** Items of one morning arrive within seconds of the plans' `sendAt`; the digest waits this long after the first. */
const GATHER_MS = 10 * 60 * 1000;
/** Digests per run before continue-as-new (about 15 events each), unless the input says otherwise. */
const DIGESTS_PER_RUN = 50;
/** Continue-as-new when history passes this many events even if the server does not suggest it yet. */
const HISTORY_SOFT_LIMIT = 2_000;
/** Handled keys and batch counts are kept this many days: long enough to catch a retried activity's items. */
const KEEP_DAYS = 7;

/** `YYYY-MM-DD` minus `days` (plain calendar arithmetic, no zone involved). */
function daysBefore(day: string, days: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) - days * 86_400_000).toISOString().slice(0, 10);
}

/**
 * One agency's mailbox (an entity workflow, started and fed by `queueDigestItems` with signal-with-start): gathers the
 * reminders and overdue notices of a morning from every task of every plan and sends them as one digest.
 */
export async function agencyMailboxWorkflow(input: AgencyMailboxInput): Promise<void> {
  const { province, agency } = input;
  const gatherMs = input.gatherMs ?? GATHER_MS;
  const digestsPerRun = input.digestsPerRun ?? DIGESTS_PER_RUN;
  const pending: MailboxCarry['pending'] = [...(input.carry?.pending ?? [])];
  const handled = new Map<string, string>(input.carry?.handled ?? []);
  const batches: Record<string, number> = { ...(input.carry?.batches ?? {}) };
  const runs = input.carry?.runs ?? 0;

  setHandler(addDigestItemsSignal, (items: DigestItem[]) => {
    for (const item of items ?? []) {
      if (!item?.key || handled.has(item.key) || pending.some((p) => p.item.key === item.key)) continue;
      pending.push({ item, arrivedAt: Date.now() });
    }
  });
  setHandler(mailboxStateQuery, (): MailboxView => ({
    province,
    agency,
    pending: pending.map((p) => p.item),
    batches,
    runs,
  }));

  let sent = 0;
  for (;;) {
    await condition(() => pending.length > 0);
    const day = pending.map((p) => p.item.day).sort()[0];
    const firstAt = Math.min(...pending.filter((p) => p.item.day === day).map((p) => p.arrivedAt));
    const wait = firstAt + gatherMs - Date.now();
    if (wait > 0) await sleep(wait);

    const batch = pending.filter((p) => p.item.day === day);
    const n = (batches[day] ?? 0) + 1;
    let result: DigestResult | undefined;
    try {
      result = await digests.sendDigest({
        address: { province, agency },
        day,
        batch: n,
        items: batch.map((p) => p.item),
      });
    } catch (err) {
      log.error('digest not sent', { agency, day, error: String(err) });
    }
    if (result?.sent) batches[day] = n;
    for (const p of batch) {
      pending.splice(pending.indexOf(p), 1);
      handled.set(p.item.key, day);
    }
    const cutoff = daysBefore(day, KEEP_DAYS);
    for (const [key, d] of handled) if (d < cutoff) handled.delete(key);
    for (const d of Object.keys(batches)) if (d < cutoff) delete batches[d];

    sent++;
    const info = workflowInfo();
    if (sent >= digestsPerRun || info.continueAsNewSuggested || info.historyLength > HISTORY_SOFT_LIMIT) {
      await condition(allHandlersFinished);
      const carry: MailboxCarry = { pending, handled: [...handled], batches, runs: runs + 1 };
      await continueAsNew<typeof agencyMailboxWorkflow>({ ...input, carry });
    }
  }
}
