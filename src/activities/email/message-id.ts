import { createHash } from 'node:crypto';

/** The Message-ID of the email with this idempotency key: the same key always gives the same id. */
export function messageIdForKey(key: string): string {
  return `<${createHash('sha256').update(key.normalize('NFC')).digest('hex')}@dondoc>`;
}
