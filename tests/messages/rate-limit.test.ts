import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { devWallet, proposalMessage, signLikeWallet, signWithEthers } from '../support/signing.js';
import { startTestStack, type TestStack } from '../support/stack.js';

describe('rate limits on POST /api/messages', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_IP_PER_MINUTE: '10', RATE_LIMIT_ADDRESS_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const proposal = (index: number, title: string) =>
    signWithEthers(
      devWallet(index),
      31337,
      'Proposal',
      proposalMessage(devWallet(index).address, { timestamp: stack.clock.now, snapshot: stack.snapshot, title }),
    );

  it('answers 429 with Retry-After once a signer sends more than its share a minute, and again after a minute', async () => {
    const api = request(stack.service.url);
    for (const title of ['one', 'two', 'three'])
      await api
        .post('/api/messages')
        .send(await proposal(0, title))
        .expect(200);
    const before = await stack.service.db.client.message.count();
    const limited = await api
      .post('/api/messages')
      .send(await proposal(0, 'four'))
      .expect(429);
    expect(limited.body.error.code).toBe('rate_limited');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(await stack.service.db.client.message.count()).toBe(before);
    // Another signer is not limited by the first one's volume.
    await api
      .post('/api/messages')
      .send(await proposal(1, 'other signer'))
      .expect(200);
    stack.clock.now += 60;
    await api
      .post('/api/messages')
      .send(await proposal(0, 'next minute'))
      .expect(200);
  });

  it('charges a signer only for its newly accepted messages: replays and refusals cost it nothing', async () => {
    // A stranger replays the signer's public message (a duplicate) and sends it messages that are
    // refused; the signer's own new messages are still accepted up to its limit.
    stack.clock.now += 60;
    const api = request(stack.service.url);
    // Signed as a wallet signs (eth-sig-util), the other client the protocol must serve alike.
    const first = signLikeWallet(
      devWallet(2),
      31337,
      'Proposal',
      proposalMessage(devWallet(2).address, { timestamp: stack.clock.now, snapshot: stack.snapshot, title: 'public' }),
    );
    await api.post('/api/messages').send(first).expect(200);
    for (let i = 0; i < 3; i++) {
      const again = await api.post('/api/messages').send(first).expect(200);
      expect(again.body.duplicate).toBe(true);
    }
    const refused = signWithEthers(
      devWallet(2),
      31337,
      'Proposal',
      proposalMessage(devWallet(2).address, {
        timestamp: stack.clock.now,
        snapshot: stack.snapshot + 10_000,
        title: 'x',
      }),
    );
    await api
      .post('/api/messages')
      .send(await refused)
      .expect(422);
    for (const title of ['mine two', 'mine three'])
      await api
        .post('/api/messages')
        .send(await proposal(2, title))
        .expect(200);
    // Three accepted this minute: the fourth is over the signer's limit.
    const over = await api
      .post('/api/messages')
      .send(await proposal(2, 'mine four'))
      .expect(429);
    expect(over.body.error.message).toMatch(/from one signer/);
    // At its limit, the signer's own message sent again (a lost answer) still gets its receipt.
    const resent = await api.post('/api/messages').send(first).expect(200);
    expect(resent.body).toMatchObject({ duplicate: true, receipt: { signer: expect.any(String) } });
  });

  it('never lets parallel sends from one signer past its limit', async () => {
    stack.clock.now += 60;
    const api = request(stack.service.url);
    const envelopes = await Promise.all([1, 2, 3, 4, 5, 6].map((n) => proposal(4, `parallel ${n}`)));
    const statuses = await Promise.all(
      envelopes.map(async (envelope) => (await api.post('/api/messages').send(envelope)).status),
    );
    expect(statuses.filter((status) => status === 200)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(3);
  });

  it('answers 429 once one IP address sends more than its share a minute, whoever signs', async () => {
    const api = request(stack.service.url);
    stack.clock.now += 60;
    const answers: number[] = [];
    for (let i = 0; i < 11; i++)
      answers.push((await api.post('/api/messages').send(await proposal(i % 4, `ip ${i}`))).status);
    expect(answers.slice(0, 10).every((status) => status !== 429)).toBe(true);
    expect(answers[10]).toBe(429);
  });
});
