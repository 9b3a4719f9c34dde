import type { AddressInfo } from 'node:net';
import hoodiecrow from 'hoodiecrow-imap';
import { ImapFlow } from 'imapflow';
import { imapMailboxFromUrl, pollImapOnce } from '../../src/inbound/imap-poller';
import { InboundDeferredError, type InboundOutcome } from '../../src/services/inbound-reply';

const message = (n: number) =>
  `From: vanthu@sonv.example\r\nTo: baocao+abcdefghijklmnopqrstuvwx@dondoc.localhost\r\nSubject: Re: nhac han ${n}\r\nMessage-ID: <m${n}@sonv.example>\r\n\r\nBáo cáo ${n}\r\n`;

describe('reading replies from an IMAP mailbox', () => {
  let server: ReturnType<typeof hoodiecrow>;
  let port: number;

  beforeAll(async () => {
    server = hoodiecrow({
      plugins: ['IDLE', 'UIDPLUS', 'ENABLE', 'ID'],
      users: { baocao: { password: 'mat-khau' } },
      storage: {
        INBOX: {
          messages: [
            { raw: message(1) },
            { raw: 'From: a@b.example\r\nSubject: da doc\r\n\r\ncu\r\n', flags: ['\\Seen'] },
            { raw: message(2) },
            { raw: message(3) },
          ],
        },
      },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise<void>((r) => server.close(r));
  });

  async function unseen(): Promise<string[]> {
    const client = new ImapFlow({
      host: '127.0.0.1',
      port,
      secure: false,
      auth: { user: 'baocao', pass: 'mat-khau' },
      logger: false,
    });
    await client.connect();
    try {
      await client.mailboxOpen('INBOX');
      const subjects: string[] = [];
      for await (const m of client.fetch({ seen: false }, { envelope: true })) subjects.push(m.envelope?.subject ?? '');
      return subjects;
    } finally {
      await client.logout();
    }
  }

  test('each unseen message is processed and marked seen after; one the service defers stays unseen for next time', async () => {
    const mailbox = imapMailboxFromUrl(`imap://baocao@127.0.0.1:${port}/INBOX`);
    const received: string[] = [];
    let temporalDown = true;
    const receive = async (raw: Buffer): Promise<InboundOutcome> => {
      const subject = /Subject: (.*)\r\n/.exec(raw.toString())?.[1] ?? '';
      if (subject.endsWith('2') && temporalDown) throw new InboundDeferredError('Temporal không trả lời');
      received.push(subject);
      return { status: 'accepted' };
    };
    expect(await pollImapOnce(mailbox, 'mat-khau', receive)).toEqual({ processed: 1, deferred: 2 });
    expect(received).toEqual(['Re: nhac han 1']);
    expect(await unseen()).toEqual(['Re: nhac han 2', 'Re: nhac han 3']);

    temporalDown = false;
    expect(await pollImapOnce(mailbox, 'mat-khau', receive)).toEqual({ processed: 2, deferred: 0 });
    expect(received).toEqual(['Re: nhac han 1', 'Re: nhac han 2', 'Re: nhac han 3']);
    expect(await unseen()).toEqual([]);
  });

  test('the mailbox URL names user, host and folder; a password in it is refused', () => {
    expect(imapMailboxFromUrl('imaps://bao.cao%40tinh@mail.tinh.gov.vn/H%E1%BB%99p%20th%C6%B0')).toEqual({
      host: 'mail.tinh.gov.vn',
      port: 993,
      secure: true,
      user: 'bao.cao@tinh',
      mailbox: 'Hộp thư',
    });
    expect(imapMailboxFromUrl('imap://u@h').port).toBe(143);
    expect(() => imapMailboxFromUrl('imaps://u:secret@h/INBOX')).toThrow(/DONDOC_IMAP_PASSWORD/);
    expect(() => imapMailboxFromUrl('https://h/INBOX')).toThrow(/imaps:\/\//);
  });
});
