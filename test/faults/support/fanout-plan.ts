/**
 * Generated plans for the fault tests: one directory of many agencies (one address each) and plans whose tasks each
 * have a few of them as leads, with one reminder per agency already due when the plan starts on the dev server (real
 * time). One plan sends single emails (`delivery: individual`), the other morning digests (`delivery: digest`).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import type { Store } from '../../../src/activities/storage/store';
import { DateTime } from 'luxon';
import { loadPlanFolder, type LoadedPlan } from '../../../src/plan/load';
import { loadWorkingCalendar } from '../../../src/plan/holidays';
import { buildOccurrences } from '../../../src/deadlines/schedule';
import {
  addDigestItemsSignal,
  agencyMailboxWorkflowId,
  planWorkflowId,
  subjectWorkflowId,
  type AgencyMailboxInput,
} from '../../../src/workflows/contract';
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../activities/support/smtp';
import { eventually } from '../../support/temporal';

/** The province of the generated directory (its slug is in the mailboxes' ids and the digests' keys). */
export const FANOUT_PROVINCE = 'Thử Nghiệm Sự Cố';

/** A late step is still sent up to three days after its time (subject-workflow STALE_STEP_MS); keep clear of it. */
const STALE_MARGIN_MS = 2.5 * 24 * 60 * 60 * 1000;

/** One agency of the directory. */
export interface FanoutAgency {
  name: string;
  email: string;
}

/** One generated plan. */
export interface FanoutPlan {
  planId: string;
  delivery: 'individual' | 'digest';
  /** Task ids, each with its lead agencies. */
  tasks: { taskId: string; lead: string[] }[];
}

/** A plans folder holding the generated directory and plans. */
export interface FanoutPlans {
  dir: string;
  agencies: FanoutAgency[];
  plans: FanoutPlan[];
  /** The plans as `dondoc start` loads them. */
  load(): Promise<LoadedPlan[]>;
}

function agencyName(n: number): string {
  return `Ủy ban nhân dân xã Thử Nghiệm ${String(n).padStart(2, '0')}`;
}

/**
 * Writes `plans/` under `root`: `agencies` agencies and one plan per `deliveries` entry, each of `agencies / perTask`
 * tasks with `perTask` leads. Every task is due in 7 days with `remindDaysBefore: [7]` at 00:00 and no due-date shift,
 * so each agency's one reminder is due today (the previous working day on a day off) and goes out at once. Throws when
 * the holiday files put that reminder more than the stale limit back (a long holiday), rather than testing nothing.
 */
export async function writeFanoutPlans(
  root: string,
  options: { agencies: number; perTask: number; deliveries: FanoutPlan['delivery'][] },
): Promise<FanoutPlans> {
  const dir = join(root, 'plans');
  mkdirSync(join(dir, 'agencies'), { recursive: true });
  const agencies: FanoutAgency[] = Array.from({ length: options.agencies }, (_, i) => ({
    name: agencyName(i + 1),
    email: `xa${String(i + 1).padStart(2, '0')}@suco.thunghiem.example`,
  }));
  const directory = `province: ${FANOUT_PROVINCE}
placeholderEmails: true
groups: []
agencies:
  - name: Ủy ban nhân dân tỉnh
    aliases: ["UBND tỉnh"]
    emails: ["vanthu@ubnd.suco.thunghiem.example"]
  - name: Sở Thông tin và Truyền thông
    aliases: ["Sở TT&TT"]
    emails: ["vanthu@sotttt.suco.thunghiem.example"]
${agencies.map((a) => `  - name: ${a.name}\n    emails: ["${a.email}"]\n`).join('')}`;
  writeFileSync(join(dir, 'agencies', 'thu-nghiem-su-co.yaml'), directory);

  const today = DateTime.now().setZone('Asia/Ho_Chi_Minh').startOf('day');
  const day = (offset: number) => today.plus({ days: offset }).toISODate()!;
  const due = day(7);
  const plans: FanoutPlan[] = [];
  for (const delivery of options.deliveries) {
    const planId = `fault-${delivery}-${randomBytes(4).toString('hex')}`;
    const tasks: FanoutPlan['tasks'] = [];
    for (let i = 0; i < agencies.length; i += options.perTask) {
      tasks.push({ taskId: String(tasks.length + 1), lead: agencies.slice(i, i + options.perTask).map((a) => a.name) });
    }
    const plan = `id: ${planId}
title: Kế hoạch thử nghiệm nhắc việc nhiều cơ quan (${delivery === 'digest' ? 'thư tổng hợp' : 'thư riêng'})
issuer: Ủy ban nhân dân tỉnh ${FANOUT_PROVINCE}
period: { from: "${day(-10)}", to: "${day(30)}" }
directory: agencies/thu-nghiem-su-co.yaml
focalAgency: Sở Thông tin và Truyền thông
reportsTo: Ủy ban nhân dân tỉnh
policy:
  remindDaysBefore: [7]
  sendAt: "00:00"
  dueDateShift: none
  delivery: ${delivery}
tasks:
${tasks
  .map(
    (t) => `  - id: "${t.taskId}"
    title: Triển khai nhiệm vụ số ${t.taskId}
    lead: [${t.lead.map((l) => `"${l}"`).join(', ')}]
    coordinators: []
    timeframe:
      text: Trước ngày ${due}
      rule: { type: date, date: "${due}" }
`,
  )
  .join('')}`;
    writeFileSync(join(dir, `${planId}.yaml`), plan);
    plans.push({ planId, delivery, tasks });
  }

  const load = async () => {
    const folder = await loadPlanFolder(dir);
    if (folder.broken.length) throw new Error(`generated plans do not load: ${JSON.stringify(folder.broken)}`);
    return folder.plans;
  };
  // The schedule the workflows will compute: one reminder per lead, already past, not stale.
  const calendar = await loadWorkingCalendar(join(__dirname, '..', '..', '..', 'plans', 'holidays'));
  const now = Date.now();
  for (const loaded of await load()) {
    for (const task of loaded.plan.tasks) {
      const [occurrence, ...more] = buildOccurrences(loaded.plan, { type: 'task', taskId: task.id }, calendar);
      const past = occurrence.steps.filter((s) => Date.parse(s.at) <= now);
      if (
        more.length ||
        past.length !== 1 ||
        past[0].kind !== 'reminder' ||
        now - Date.parse(past[0].at) > STALE_MARGIN_MS
      )
        throw new Error(
          `the generated plan's reminder is not due now: ${JSON.stringify(occurrence.steps.slice(0, 2))}`,
        );
    }
  }
  return { dir, agencies, plans, load };
}

// --- What the fan-out must deliver, and a slow SMTP server to interrupt it ---

/** A local SMTP sink that takes one message at a time, `perMessageMs` each, and can be held shut. */
export interface SlowSink {
  sink: SmtpSink;
  /** No message is accepted until `open` (a message that arrives meanwhile waits, unanswered). */
  close(): void;
  open(): void;
  stop(): Promise<void>;
}

/** Starts a slow sink on a free port. */
export async function startSlowSink(perMessageMs: number): Promise<SlowSink> {
  let shut = false;
  let opened: () => void = () => undefined;
  let gate = Promise.resolve();
  let turn = Promise.resolve();
  const sink = await startSmtpSink({
    beforeAccept: () => {
      // One message at a time: when the gate shuts, the message accepted last has had its answer.
      const mine = turn.then(async () => {
        await new Promise((r) => setTimeout(r, perMessageMs));
        while (shut) await gate;
      });
      turn = mine.catch(() => undefined);
      return mine;
    },
  });
  return {
    sink,
    close: () => {
      if (shut) return;
      shut = true;
      gate = new Promise((resolve) => (opened = resolve));
    },
    open: () => {
      shut = false;
      opened();
    },
    stop: async () => {
      shut = false;
      opened();
      await sink.stop();
    },
  };
}

/** `kind|plan|address` of one message: what each agency must receive once. */
export function deliveryOf(mail: ReceivedMail): string {
  const header = (name: string) => String(mail.parsed.headers.get(name) ?? '');
  return `${header('x-dondoc-kind')}|${header('x-dondoc-plan')}|${mail.envelope.to.join(',')}`;
}

/** Every message the plans owe: a reminder per agency (individual), a digest per agency (digest). */
export function expectedDeliveries(fanout: FanoutPlans): string[] {
  const byName = new Map(fanout.agencies.map((a) => [a.name, a.email]));
  return fanout.plans
    .flatMap((plan) =>
      plan.tasks.flatMap((t) =>
        t.lead.map(
          (agency) => `${plan.delivery === 'digest' ? 'digest' : 'reminder'}|${plan.planId}|${byName.get(agency)}`,
        ),
      ),
    )
    .sort();
}

/** The workflow ids the plans run: plans, subjects and (for digest plans) the agencies' mailboxes on `taskQueue`. */
export function workflowIds(
  fanout: FanoutPlans,
  taskQueue: string,
): { subjects: string[]; mailboxes: string[]; all: string[] } {
  const subjects = fanout.plans.flatMap((p) =>
    p.tasks.map((t) => subjectWorkflowId(p.planId, { type: 'task', taskId: t.taskId })),
  );
  const mailboxes = fanout.plans.some((p) => p.delivery === 'digest')
    ? fanout.agencies.map((a) => agencyMailboxWorkflowId({ province: FANOUT_PROVINCE, agency: a.name }, taskQueue))
    : [];
  return {
    subjects,
    mailboxes,
    all: [...fanout.plans.map((p) => planWorkflowId(p.planId)), ...subjects, ...mailboxes],
  };
}

/**
 * Starts each agency's mailbox as `queueDigestItems` would, with a one-second gather instead of ten minutes, so the
 * digests go out seconds after the reminders are queued (the tasks' signals then reach these running mailboxes).
 */
export async function startMailboxes(client: Client, fanout: FanoutPlans, taskQueue: string): Promise<void> {
  await Promise.all(
    fanout.agencies.map((a) => {
      const input: AgencyMailboxInput = { province: FANOUT_PROVINCE, agency: a.name, gatherMs: 1_000 };
      return client.workflow.signalWithStart('agencyMailboxWorkflow', {
        taskQueue,
        workflowId: agencyMailboxWorkflowId(input, taskQueue),
        args: [input],
        signal: addDigestItemsSignal,
        signalArgs: [[]],
      });
    }),
  );
}

/** Resolves once no workflow of the plans has an activity pending (every send finished, none left to retry). */
export async function allSettled(client: Client, ids: string[], timeoutMs: number): Promise<void> {
  await eventually(
    async () => {
      const pending = await Promise.all(
        ids.map(async (id) => (await client.workflow.getHandle(id).describe()).raw.pendingActivities?.length ?? 0),
      );
      return pending.every((n) => n === 0);
    },
    timeoutMs,
    1_000,
  );
}

/** Terminates what is still running (the dev server is shared; nothing of a test should keep waiting there). */
export async function terminateAll(client: Client, ids: string[]): Promise<void> {
  await Promise.all(
    ids.map((id) =>
      client.workflow
        .getHandle(id)
        .terminate('test finished')
        .catch(() => undefined),
    ),
  );
}

/** A workflow task (no `activity`) or an activity attempt as its history records it: the last attempt only. */
export interface StartedTask {
  workflowId: string;
  activity?: string;
  activityId?: string;
  attempt: number;
  identity: string;
}

/**
 * Identities of the workers that started each activity task and workflow task, with the attempt (Temporal records an
 * activity's last attempt only).
 */
export async function startedBy(client: Client, ids: string[]): Promise<StartedTask[]> {
  const out: StartedTask[] = [];
  for (const workflowId of ids) {
    const history = await client.workflow.getHandle(workflowId).fetchHistory();
    const scheduled = new Map<string, { type: string; id: string }>();
    for (const event of history.events ?? []) {
      const s = event.activityTaskScheduledEventAttributes;
      if (s) scheduled.set(String(event.eventId), { type: s.activityType?.name ?? '', id: s.activityId ?? '' });
      const a = event.activityTaskStartedEventAttributes;
      if (a)
        out.push({
          workflowId,
          activity: scheduled.get(String(a.scheduledEventId))?.type,
          activityId: scheduled.get(String(a.scheduledEventId))?.id,
          attempt: a.attempt ?? 1,
          identity: a.identity ?? '',
        });
      const w = event.workflowTaskStartedEventAttributes;
      if (w) out.push({ workflowId, attempt: 1, identity: w.identity ?? '' });
    }
  }
  return out;
}

/**
 * True once every reminder and a quarter of the digests have been claimed for sending (are in the send log): with the
 * sink shut until then, a kill soon after finds both fan-outs in flight. Not all the digests: the sink's held
 * connections must not sit idle past nodemailer's 30-second socket timeout on a busy machine.
 */
export async function bothClaimed(store: Store, fanout: FanoutPlans): Promise<boolean> {
  const log = await store.listSends();
  const count = (kind: string) => log.filter((s) => s.kind === kind).length;
  return count('reminder') === fanout.agencies.length && count('digest') >= fanout.agencies.length / 4;
}
