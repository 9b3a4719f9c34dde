import { ApplicationFailure, log } from '@temporalio/activity';
import type { SendLogEntry, Store } from '../storage/store';
import type { NotificationKind, SendResult, Subject } from '../types';
import { messageIdForKey } from './message-id';
import type { Mailer, OutgoingMail } from './transport';

/** Test-only fault injection points of the send algorithm. */
export interface SendHooks {
  /** Runs after the send log recorded the SMTP acceptance and before the activity returns. */
  afterSendRecorded?(entry: SendLogEntry): Promise<void> | void;
}

/** What delivery needs besides the message. */
export interface DeliveryDeps {
  store: Store;
  mailer: Mailer;
  hooks?: SendHooks;
  /** How long a `sending` claim protects an attempt that may still be running (default 2 min). */
  leaseMs?: number;
  /** The time of audit entries (the simulation's clock in a simulation). */
  clock?: () => Date;
}

/** One email to deliver exactly once under its idempotency key. */
export interface DeliveryRequest {
  key: string;
  kind: NotificationKind;
  planId: string;
  /** What the email is about, for the audit entry of a partial refusal. */
  subject?: Subject;
  occurrenceId?: string;
  mail: Omit<OutgoingMail, 'messageId'>;
}

// 5xx answers that a configuration fix can cure (authentication): retry them instead of giving up.
const retryableAuthCodes = new Set([530, 534, 535, 538]);

/** True when the SMTP server refused the message for good (5xx other than authentication). */
export function isPermanentSmtpFailure(err: unknown): boolean {
  const code = (err as { responseCode?: unknown }).responseCode;
  return typeof code === 'number' && code >= 500 && code < 600 && !retryableAuthCodes.has(code);
}

function toResult(entry: SendLogEntry, duplicate: boolean): SendResult {
  return {
    messageId: entry.messageId,
    recipients: entry.recipients,
    sentAt: entry.firstSentAt ?? entry.updatedAt,
    duplicate,
    ...(entry.refused?.length ? { refused: entry.refused } : {}),
  };
}

/** The answer for a key the send log already has as sent: nothing is sent again. */
export function alreadySent(entry: SendLogEntry): SendResult {
  log.info('email already sent; not sending again', { key: entry.key, messageId: entry.messageId });
  return toResult(entry, true);
}

async function recordSent(store: Store, key: string, refused: readonly string[]): Promise<SendLogEntry> {
  // The mail is out: try hard to remember it, since forgetting means the retry sends it again.
  let lastError: unknown;
  for (const waitMs of [0, 100, 400, 1_600]) {
    if (waitMs) await new Promise((r) => setTimeout(r, waitMs));
    try {
      return await store.markSent(key, refused);
    } catch (err) {
      lastError = err;
    }
  }
  throw lastError;
}

/**
 * Sends the message at most once per key, and at least once across retries.
 *
 * 1. The key is claimed (`sending`) in one atomic statement: a key already `sent` returns `duplicate: true` and sends
 *    nothing; a live claim of another attempt makes this attempt fail retryably instead of sending in parallel.
 * 2. SMTP; the Message-ID is derived from the key.
 * 3. `sent` is recorded before the activity returns; a failure is recorded (`failed`/`rejected`) and thrown.
 *
 * The one window left: a crash after the SMTP server accepted the message and before step 3 commits. The next attempt
 * then finds a stale `sending` claim and sends again — with the same Message-ID, so mail systems and clients that
 * deduplicate by Message-ID show it once. The window is kept to the few milliseconds of one local write.
 */
export async function deliverOnce(deps: DeliveryDeps, request: DeliveryRequest): Promise<SendResult> {
  const { store, mailer } = deps;
  const messageId = messageIdForKey(request.key);
  // The claim reads the log first: a key already sent comes back as `already-sent`.
  const claim = await store.claimSend({
    key: request.key,
    messageId,
    kind: request.kind,
    planId: request.planId,
    recipients: request.mail.to,
    subjectLine: request.mail.subject,
    leaseMs: deps.leaseMs ?? 120_000,
  });
  if (claim.outcome === 'already-sent') return alreadySent(claim.entry);
  if (claim.outcome === 'in-progress') {
    throw new Error(
      `email ${request.key} is being sent by another attempt (claimed at ${claim.entry.claimedAt}); will retry`,
    );
  }
  if (claim.previous?.status === 'sending') {
    log.warn('previous attempt stopped while sending; sending again with the same Message-ID', {
      key: request.key,
      messageId,
      attempts: claim.entry.attempts,
    });
  }

  let refused: string[] = [];
  try {
    const delivery = await mailer.send({ ...request.mail, messageId });
    refused = delivery.rejected;
  } catch (err) {
    const message = (err as Error).message ?? String(err);
    const permanent = isPermanentSmtpFailure(err);
    await store.markFailed(request.key, permanent ? 'rejected' : 'failed', message);
    log.warn('email not delivered', { key: request.key, attempt: claim.entry.attempts, permanent, error: message });
    if (permanent) {
      throw ApplicationFailure.nonRetryable(
        `Máy chủ thư từ chối thư ${request.mail.subject}: ${message}`,
        'MailRejected',
      );
    }
    throw err;
  }

  const sent = await recordSent(store, request.key, refused);
  log.info('email sent', { key: request.key, messageId, recipients: sent.recipients, attempts: sent.attempts });
  if (refused.length > 0) {
    // Sent to the others, so never sent again; the refused addresses are for an officer to correct.
    log.warn('some recipients were refused', { key: request.key, refused });
    await store.appendAudit({
      planId: request.planId,
      subject: request.subject,
      entry: {
        at: (deps.clock ?? (() => new Date()))().toISOString(),
        action: 'delivery-partial',
        by: 'hệ thống',
        detail: `Máy chủ thư từ chối ${refused.join(', ')} khi gửi “${request.mail.subject}”; các địa chỉ khác đã nhận.`,
        ...(request.occurrenceId ? { occurrenceId: request.occurrenceId } : {}),
      },
    });
  }
  await deps.hooks?.afterSendRecorded?.(sent);
  return toResult(sent, false);
}
