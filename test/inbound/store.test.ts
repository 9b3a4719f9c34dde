import {
  newReplyKey,
  replyAddress,
  replyAddressConfigFromEnv,
  replyKeyOf,
} from '../../src/activities/inbound/reply-address';
import { agencyAddresses, overrideAddresses, senderListed } from '../../src/activities/inbound/sender-check';
import type { Store } from '../../src/activities/storage/store';
import type { Directory } from '../../src/plan/schema';
import { describeEachStore } from '../support/stores';

const target = {
  planId: 'p',
  subject: { type: 'task', taskId: '2.1' } as const,
  occurrenceId: '2026-annual',
  agency: 'Sở Y tế',
};

describeEachStore('reply keys and inbound messages in the store', (testStore) => {
  let store: Store;
  let other: Store;
  beforeAll(async () => {
    store = await testStore().open();
    other = await testStore().open();
  });
  afterAll(async () => {
    await store?.close();
    await other?.close();
  });

  it('gives one key per plan, subject, period and agency, also to callers racing on two connections', async () => {
    const keys = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).replyKeyFor(target, newReplyKey())),
    );
    expect(new Set(keys).size).toBe(1);
    expect(await store.replyKeyFor(target, newReplyKey())).toBe(keys[0]);
    expect(await store.findReplyKey(keys[0])).toMatchObject(target);
    const elsewhere = await store.replyKeyFor({ ...target, occurrenceId: '2027-annual' }, newReplyKey());
    expect(elsewhere).not.toBe(keys[0]);
    expect(await store.findReplyKey(newReplyKey())).toBeUndefined();
  });

  it('keeps a message once per Message-ID, raw bytes included, and changes its outcome only from the expected status', async () => {
    const raw = Buffer.from('From: a@b.example\r\n\r\nBáo cáo\r\n');
    const input = { messageId: '<m1@b.example>', sender: 'a@b.example', subjectLine: 'Re: nhắc hạn', raw };
    const [first, second] = await Promise.all([
      store.recordInbound({ ...input, status: 'pending-confirmation' }),
      other.recordInbound({ ...input, status: 'accepted', reportId: 'r-1' }),
    ]);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    expect(first.message.id).toBe(second.message.id);
    const kept = first.created ? first.message : second.message;
    expect(await store.getInbound('<m1@b.example>')).toEqual(kept);
    expect((await store.getInboundRaw(kept.id))?.equals(raw)).toBe(true);

    const pending = await store.recordInbound({
      ...input,
      messageId: '<m2@b.example>',
      status: 'pending-confirmation',
    });
    const confirmed = await store.updateInbound(pending.message.id, 'pending-confirmation', {
      status: 'accepted',
      reportId: 'r-2',
      confirmedBy: 'Trần Thị C',
    });
    expect(confirmed).toMatchObject({ status: 'accepted', reportId: 'r-2', confirmedBy: 'Trần Thị C' });
    expect(
      await other.updateInbound(pending.message.id, 'pending-confirmation', { status: 'rejected', reason: 'x' }),
    ).toBeUndefined();
    expect((await store.listInbound({ status: 'accepted' })).map((m) => m.messageId)).toContain('<m2@b.example>');
  });
});

describe('reply addresses', () => {
  it('are <prefix>+<key>@<domain>, at most 64 characters before the @, and read back case-insensitively', () => {
    const config = replyAddressConfigFromEnv({});
    expect(config).toEqual({ domain: 'dondoc.localhost', prefix: 'baocao' });
    const key = newReplyKey();
    expect(key).toMatch(/^[a-z2-7]{32}$/);
    const address = replyAddress(config, key);
    expect(address.split('@')[0].length).toBeLessThanOrEqual(64);
    expect(replyKeyOf(config, address.toUpperCase())).toBe(key);
    expect(replyKeyOf(config, `<${address}>`)).toBe(key);
    expect(replyKeyOf(config, `khac+${key}@dondoc.localhost`)).toBeUndefined();
    expect(replyKeyOf(config, `baocao+${key}@other.example`)).toBeUndefined();
    expect(replyKeyOf(config, 'baocao@dondoc.localhost')).toBeUndefined();
    expect(newReplyKey()).not.toBe(key);
  });

  it('refuses a domain or prefix that cannot make an address', () => {
    expect(() => replyAddressConfigFromEnv({ DONDOC_REPLY_DOMAIN: 'không hợp lệ' })).toThrow(/DONDOC_REPLY_DOMAIN/);
    expect(() => replyAddressConfigFromEnv({ DONDOC_REPLY_PREFIX: 'bao cao' })).toThrow(/DONDOC_REPLY_PREFIX/);
    expect(
      replyAddressConfigFromEnv({ DONDOC_REPLY_DOMAIN: 'BaoCao.Tinh.gov.vn', DONDOC_REPLY_PREFIX: 'nop' }),
    ).toEqual({
      domain: 'baocao.tinh.gov.vn',
      prefix: 'nop',
    });
  });
});

describe('who may speak for an agency', () => {
  const directory = {
    province: 'Thử Nghiệm',
    agencies: [{ name: 'Sở Y tế', aliases: [], formerNames: [], groups: [], emails: ['VanThu@SoYT.example'] }],
    groups: [],
  } as unknown as Directory;

  it('the directory lists its addresses; a task may add replacement addresses an officer set', () => {
    const audit = [
      { at: '1', action: 'set-recipients', by: 'c', detail: 'Địa chỉ nhận của Sở Y tế: a@x.example (cũ)' },
      {
        at: '2',
        action: 'set-recipients',
        by: 'c',
        detail: 'Địa chỉ nhận của Sở Y tế: b@x.example, C@x.example (đổi người)',
      },
      { at: '3', action: 'set-recipients', by: 'c', detail: 'Địa chỉ nhận của Sở Tài chính: d@x.example' },
    ];
    const overrides = overrideAddresses(audit, 'Sở Y tế');
    expect(overrides).toEqual(['b@x.example', 'c@x.example']);
    const addresses = agencyAddresses(directory, 'Sở Y tế', overrides);
    expect(senderListed('vanthu@soyt.example', addresses)).toBe(true);
    expect(senderListed('C@X.example', addresses)).toBe(true);
    expect(senderListed('a@x.example', addresses)).toBe(false);
    expect(senderListed(undefined, addresses)).toBe(false);
    expect(overrideAddresses([], 'Sở Y tế')).toBeUndefined();
  });
});
