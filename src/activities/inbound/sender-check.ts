import { resolverFor } from '../../plan/agencies';
import type { Directory } from '../../plan/schema';
import type { AuditEntry } from '../types';

/**
 * The addresses a task sends an agency's mail to when an officer replaced them (`dondoc admin recipients`), read from
 * the newest such entry of the task's audit trail; undefined when none is there.
 */
export function overrideAddresses(audit: readonly AuditEntry[], agency: string): string[] | undefined {
  const head = `Địa chỉ nhận của ${agency}: `;
  const entry = [...audit].reverse().find((e) => e.action === 'set-recipients' && e.detail.startsWith(head));
  if (!entry) return undefined;
  return entry.detail
    .slice(head.length)
    .replace(/ \(.*\)$/, '')
    .split(',')
    .map((a) => a.trim().toLowerCase())
    .filter((a) => a.includes('@'));
}

/** The addresses that speak for `agency`: the directory's, and the task's replacement addresses when it has them. */
export function agencyAddresses(directory: Directory, agency: string, overrides: readonly string[] = []): string[] {
  const listed = resolverFor(directory).resolve(agency).agency?.emails ?? [];
  return [...new Set([...listed, ...overrides].map((a) => a.toLowerCase()))];
}

/** True when `sender` is one of the agency's addresses (case-insensitive). */
export function senderListed(sender: string | undefined, addresses: readonly string[]): boolean {
  return !!sender && addresses.includes(sender.trim().toLowerCase());
}
