import { randomBytes } from 'node:crypto';
import { createTransport, type SendMailOptions } from 'nodemailer';
import { newReplyKey, replyAddress } from '../../src/activities/inbound/reply-address';
import { startSmtpListener, type SmtpListener } from '../../src/inbound/smtp-listener';
import { InboundDeferredError, type InboundOutcome } from '../../src/services/inbound-reply';

const reply = { domain: 'dondoc.localhost', prefix: 'baocao' };

describe('the SMTP listener for replies', () => {
  let listener: SmtpListener;
  let answer: (raw: Buffer) => Promise<InboundOutcome>;
  const received: { raw: Buffer; to: string[] }[] = [];

  beforeAll(async () => {
    listener = await startSmtpListener({
      port: 0,
      host: '127.0.0.1',
      reply,
      maxMessageBytes: 64 * 1024,
      receive: async (raw, envelope) => {
        received.push({ raw, to: envelope.to });
        return answer(raw);
      },
    });
  });
  afterAll(async () => listener?.stop());

  async function send(mail: SendMailOptions): Promise<{ response: string }> {
    const transport = createTransport({ host: '127.0.0.1', port: listener.port, secure: false, ignoreTLS: true });
    try {
      return await transport.sendMail({
        from: 'vanthu@sonv.example',
        subject: 'Re: nhắc hạn',
        text: 'Báo cáo',
        ...mail,
      });
    } finally {
      transport.close();
    }
  }

  test('takes mail for a reply address (any case) and hands it over with its SMTP recipients', async () => {
    answer = async () => ({ status: 'accepted', inboundId: 'in-1' });
    const to = replyAddress(reply, newReplyKey()).toUpperCase();
    const result = await send({ to });
    expect(result.response).toBe('250 2.0.0 accepted in-1');
    expect(received.at(-1)?.to.map((a) => a.toLowerCase())).toEqual([to.toLowerCase()]);
  });

  test('refuses any other recipient at RCPT (550), so it relays nothing', async () => {
    const before = received.length;
    for (const to of ['postmaster@dondoc.localhost', 'baocao+short@dondoc.localhost', 'vanthu@sonv.example']) {
      await expect(send({ to })).rejects.toMatchObject({ responseCode: 550 });
    }
    expect(received).toHaveLength(before);
  });

  test('refuses a message over the size limit (552) before handing it over', async () => {
    const before = received.length;
    await expect(
      send({
        to: replyAddress(reply, newReplyKey()),
        attachments: [{ filename: 'lon.pdf', content: randomBytes(128 * 1024) }],
      }),
    ).rejects.toMatchObject({ responseCode: 552 });
    expect(received).toHaveLength(before);
  });

  test('answers 451 (try again later) when the service defers the message or fails', async () => {
    answer = async () => {
      throw new InboundDeferredError('Temporal không trả lời');
    };
    await expect(send({ to: replyAddress(reply, newReplyKey()) })).rejects.toMatchObject({ responseCode: 451 });
    answer = async () => {
      throw new Error('database is locked');
    };
    await expect(send({ to: replyAddress(reply, newReplyKey()) })).rejects.toMatchObject({ responseCode: 451 });
  });
});
