import { randomBytes } from 'node:crypto';
import type { ReplyKeyTarget, Store } from '../storage/store';

/** Where replies go: `<prefix>+<key>@<domain>`. */
export interface ReplyAddressConfig {
  domain: string;
  prefix: string;
}

/** `DONDOC_REPLY_DOMAIN` (default `dondoc.localhost`) and `DONDOC_REPLY_PREFIX` (default `baocao`), lowercase. */
export function replyAddressConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ReplyAddressConfig {
  const domain = (env.DONDOC_REPLY_DOMAIN || 'dondoc.localhost').trim().toLowerCase();
  const prefix = (env.DONDOC_REPLY_PREFIX || 'baocao').trim().toLowerCase();
  if (!/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)+$/.test(domain)) {
    throw new Error(`DONDOC_REPLY_DOMAIN="${domain}" không phải tên miền hợp lệ (ví dụ: baocao.tinh.gov.vn)`);
  }
  if (!/^[a-z0-9][a-z0-9._-]{0,20}$/.test(prefix) || prefix.endsWith('.')) {
    throw new Error(
      `DONDOC_REPLY_PREFIX="${prefix}" không hợp lệ: chỉ chữ thường không dấu, số, ".", "-", "_", tối đa 21 ký tự`,
    );
  }
  return { domain, prefix };
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** 160 random bits as 32 lowercase base32 characters: unguessable, and safe in an address's local part. */
export function newReplyKey(): string {
  const bytes = randomBytes(20);
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

/** The address of a key. */
export function replyAddress(config: ReplyAddressConfig, key: string): string {
  return `${config.prefix}+${key}@${config.domain}`;
}

/** The key of a reply address of this configuration (case-insensitive), or undefined for any other address. */
export function replyKeyOf(config: ReplyAddressConfig, address: string): string | undefined {
  const at = address.trim().replace(/^<|>$/g, '').toLowerCase();
  const match = /^([^@+]+)\+([a-z2-7]{20,56})@(.+)$/.exec(at);
  if (!match || match[1] !== config.prefix || match[3] !== config.domain) return undefined;
  return match[2];
}

/** Builds the reply address of one agency's obligation, creating its key on first use. */
export type ReplyAddressFor = (target: ReplyKeyTarget) => Promise<string>;

/** Reply addresses backed by the store's reply keys. */
export function createReplyAddresses(store: Store, config: ReplyAddressConfig): ReplyAddressFor {
  return async (target) => replyAddress(config, await store.replyKeyFor(target, newReplyKey()));
}

/**
 * Whether emails carry reply addresses: not with `DONDOC_INBOUND=off`; on embedded defaults (no `SMTP_URL`, where
 * `dondoc up` listens at the default domain); with a real mail server only once `DONDOC_REPLY_DOMAIN` names the domain
 * that mail server delivers to dondoc (before that, replies keep reaching the focal agency's people).
 */
export function repliesEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.DONDOC_INBOUND === 'off') return false;
  return !env.SMTP_URL || !!env.DONDOC_REPLY_DOMAIN;
}
