// GET /ipfs/:cid answers the bytes that hash to the CID, whether the document is still waiting in the
// outbox or pinned: a client checks what it got with nothing but the CID (its own client, no service code).
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CID } from 'multiformats/cid';
import request from 'supertest';
import { pinPass } from '../../server/ipfs/pin-worker.js';
import { devWallet, proposalMessage, signWithEthers } from '../support/signing.js';
import { startTestStack, type TestStack } from '../support/stack.js';

/** Whether `bytes` are the block `cid` names: sha2-256 of them is the CID's multihash digest. */
function hashesTo(cid: string, bytes: Buffer): boolean {
  const parsed = CID.parse(cid);
  return parsed.multihash.code === 0x12 && createHash('sha256').update(bytes).digest().equals(parsed.multihash.digest);
}

describe('GET /ipfs/:cid', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({}, undefined, { workers: false });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  const raw = (cid: string) =>
    request(stack.service.url)
      .get(`/ipfs/${cid}`)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => done(null, Buffer.concat(chunks)));
      });

  it('serves the exact bytes of the CID, pending and then pinned', async () => {
    // Keys whose JSON order differs from DAG-JSON's sorted order, and text beyond ASCII.
    const message = proposalMessage(devWallet(0).address, {
      timestamp: stack.clock.now,
      snapshot: stack.snapshot,
      title: 'Naïve “quotes” — ✓ 投票',
    });
    const sent = await request(stack.service.url)
      .post('/api/messages')
      .send(await signWithEthers(devWallet(0), 31337, 'Proposal', message))
      .expect(200);
    const { cid } = sent.body as { cid: string };

    const pending = await raw(cid).expect(200);
    expect(pending.headers['x-pin-status']).toBe('pending');
    expect(hashesTo(cid, pending.body as Buffer)).toBe(true);

    await pinPass(stack.service.db, stack.service.ipfs, () => stack.clock.now * 1000);
    const pinned = await raw(cid).expect(200);
    expect(pinned.headers['x-pin-status']).toBe('pinned');
    expect(hashesTo(cid, pinned.body as Buffer)).toBe(true);
    expect((pinned.body as Buffer).equals(pending.body as Buffer)).toBe(true);
    expect(JSON.parse((pinned.body as Buffer).toString('utf8'))).toMatchObject({
      data: { message: { title: message.title } },
    });
  });

  it('answers 400 for what is not a CID and 404 for a CID it does not have', async () => {
    await request(stack.service.url).get('/ipfs/not-a-cid').expect(400);
    const unknown = 'baguqeerabwy3vse4wb5kco7j745jxckpw4oijgk4rdzrzupxki36fzulbiwa';
    const res = await request(stack.service.url).get(`/ipfs/${unknown}`).expect(404);
    expect(res.body.error.code).toBe('unknown_cid');
  });
});
