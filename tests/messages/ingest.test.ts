import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { concat, ContractFactory, Signature } from 'ethers';
import request from 'supertest';
import { encodeDocument, CID } from '../../server/ipfs/codec.js';
import { firstBrokenLink } from '../../server/ingest/log.js';
import { receiptSigner, type Receipt } from '../../server/ingest/receipts.js';
import { toIoAddress } from '../../server/address.js';
import type { PrimaryType } from '../../server/messages/types.js';
import { getCompiledContract } from '../../scripts/lib/solidity.js';
import { NativeStakingAdmin } from '../../scripts/lib/staking-standin.js';
import { DEMO_CANDIDATES } from '../../scripts/lib/demo-stake.js';
import {
  devWallet,
  proposalMessage,
  signLikeWallet,
  signWithEthers,
  type Envelope,
  type Json,
} from '../support/signing.js';
import { spaceSchema } from '../../server/spaces/schema.js';
import { startTestStack, TEST_SPACE, type TestStack } from '../support/stack.js';

// Every check of POST /api/messages, each triggered with a real signature on the real stack.

const CHAIN_ID = 31337;
// Demo stake (scripts/lib/demo-stake.ts): #0 ~2.8M votes, #1 ~643k, #2 ~137k, #3 10k, #6 none; the
// weighted total is ~5.8M, so #2 alone passes the 1 % support threshold and #1 alone the 10 % quorum.
const whale = devWallet(0);
const large = devWallet(1);
const medium = devWallet(2);
const small = devWallet(3);
const powerless = devWallet(6);

let stack: TestStack;
const api = () => request(stack.service.url);
const post = (envelope: unknown) =>
  api()
    .post('/api/messages')
    .send(envelope as object);
const now = () => stack.clock.now;
const advance = (seconds: number) => (stack.clock.now += seconds);

function sign(wallet: ReturnType<typeof devWallet>, primaryType: PrimaryType, fields: Json): Promise<Envelope> {
  return signWithEthers(wallet, CHAIN_ID, primaryType, {
    from: wallet.address,
    space: 'test',
    timestamp: now(),
    ...fields,
  });
}

let proposals = 0;
/** A new proposal (a distinct title each time, so two calls never make the same message). */
async function propose(wallet = whale, overrides: Json = {}): Promise<string> {
  const title = `Proposal ${++proposals}`;
  const envelope = await signWithEthers(
    wallet,
    CHAIN_ID,
    'Proposal',
    proposalMessage(wallet.address, { timestamp: now(), snapshot: stack.snapshot, title, ...overrides }),
  );
  const res = await post(envelope).expect(200);
  return res.body.id as string;
}

async function expectRefused(envelope: unknown, status: number, code: string, field?: string) {
  const before = await stack.service.db.client.message.count();
  const res = await post(envelope);
  expect({ status: res.status, code: res.body.error?.code }).toEqual({ status, code });
  if (field) expect(res.body.error.field).toBe(field);
  expect(await stack.service.db.client.message.count()).toBe(before);
  return res;
}

/** A proposal brought to Voting: supported by `medium` (over 1 %), then past the voting delay. */
async function votingProposal(): Promise<string> {
  const id = await propose();
  await post(await sign(medium, 'Support', { proposal: id })).expect(200);
  advance(TEST_SPACE.votingDelaySeconds);
  const state = (await api().get(`/api/proposals/${id}`).expect(200)).body.state;
  expect(state).toBe('Voting');
  return id;
}

beforeAll(async () => {
  stack = await startTestStack({ RATE_LIMIT_ADDRESS_PER_MINUTE: '1000' });
});
afterAll(async () => {
  await stack?.stop();
});

describe('accepting messages', () => {
  it('accepts a proposal signed with ethers: id, CID of the normalized document, signed receipt', async () => {
    const envelope = await signWithEthers(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now(), snapshot: stack.snapshot }),
    );
    const res = await post(envelope).expect(200);
    const { id, cid, receipt, duplicate } = res.body as {
      id: string;
      cid: string;
      receipt: Receipt;
      duplicate: boolean;
    };
    expect(duplicate).toBe(false);
    expect(id).toMatch(/^0x[0-9a-f]{64}$/);
    const stored = await api().get(`/api/messages/${id}`).expect(200);
    expect((await encodeDocument(stored.body.document)).cid.toString()).toBe(cid);
    expect(CID.parse(cid).version).toBe(1);
    expect(receipt).toMatchObject({ id, cid, received: now(), sequence: stored.body.sequence, head: stored.body.head });
    expect(receiptSigner(receipt, CHAIN_ID)).toBe(receipt.signer);
    expect(stored.body.from).toEqual({ address: whale.address, ioAddress: toIoAddress(whale.address) });
  });

  it('accepts a support signed as a wallet does (eth-sig-util v4, EIP712Domain in types, io1 address)', async () => {
    const id = await propose();
    const envelope = signLikeWallet(small, CHAIN_ID, 'Support', {
      from: small.address,
      space: 'test',
      timestamp: now(),
      proposal: id,
    });
    envelope.address = toIoAddress(small.address);
    await post(envelope).expect(200);
    const supports = (await api().get(`/api/proposals/${id}/supports`).expect(200)).body.supports;
    expect(supports.map((s: { supporter: { address: string } }) => s.supporter.address)).toEqual([small.address]);
  });

  it('is idempotent: the same message again gets the same id, cid and receipt, and nothing is stored twice', async () => {
    const envelope = await signWithEthers(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now(), snapshot: stack.snapshot, title: 'Twice' }),
    );
    const first = (await post(envelope).expect(200)).body;
    const count = await stack.service.db.client.message.count();
    const second = (await post(envelope).expect(200)).body;
    expect(second).toEqual({ ...first, duplicate: true });
    expect(await stack.service.db.client.message.count()).toBe(count);
  });

  it('accepts a vote from a contract wallet (EIP-1271) deployed on the chain', async () => {
    const owner = devWallet(5).connect(stack.provider);
    const artifact = await getCompiledContract('ContractWallet', { files: ['test/ContractWallet.sol'] });
    const contract = await new ContractFactory(artifact.abi, artifact.bytecode, owner).deploy(owner.address);
    await contract.waitForDeployment();
    const walletAddress = await contract.getAddress();
    // The contract wallet's own stake, before the snapshot of the proposal it votes on.
    const admin = await NativeStakingAdmin.connect(stack.provider);
    await admin.createBucket({
      owner: walletAddress,
      candidate: DEMO_CANDIDATES[0]!.id,
      amount: 50_000n * 10n ** 18n,
      durationDays: 30,
      autoStake: true,
    });
    const previous = stack.snapshot;
    stack.snapshot = Number(await stack.provider.send('eth_blockNumber', []));
    const id = await votingProposal();
    stack.snapshot = previous;
    const message = {
      from: walletAddress,
      space: 'test',
      timestamp: now(),
      proposal: id,
      choice: 1,
      reason: 'multisig says yes',
    };
    const signed = await signWithEthers(owner, CHAIN_ID, 'Vote', message);
    await post({ ...signed, address: walletAddress }).expect(200);
    // Someone else's signature for the wallet is refused by the wallet.
    const forged = await signWithEthers(small, CHAIN_ID, 'Vote', { ...message, reason: 'forged' });
    await expectRefused({ ...forged, address: walletAddress }, 401, 'bad_signature', 'sig');
  });
});

describe('refusals (each changes nothing)', () => {
  it('413 for a body over the limit', async () => {
    const envelope = await sign(whale, 'Vote', {
      proposal: `0x${'1'.repeat(64)}`,
      choice: 1,
      reason: 'x'.repeat(140_000),
    });
    await expectRefused(envelope, 413, 'body_too_large');
  });

  it('400 for the envelope shape, domain, chain, type and types', async () => {
    const envelope = await sign(whale, 'Support', { proposal: `0x${'1'.repeat(64)}` });
    await expectRefused({ ...envelope, sig: 42 }, 400, 'invalid_envelope', 'sig');
    await expectRefused(
      { ...envelope, data: { ...envelope.data, domain: { ...envelope.data.domain, name: 'Snapshot' } } },
      400,
      'wrong_domain',
    );
    const otherChain = await signWithEthers(whale, 4689, 'Support', envelope.data.message);
    await expectRefused(otherChain, 400, 'wrong_chain', 'data.domain.chainId');
    await expectRefused({ ...envelope, data: { ...envelope.data, primaryType: 'Delegate' } }, 400, 'unknown_type');
    await expectRefused(
      { ...envelope, data: { ...envelope.data, types: { Support: envelope.data.types.Support!.slice(1) } } },
      400,
      'wrong_types',
    );
    await expectRefused(
      { ...envelope, data: { ...envelope.data, message: { ...envelope.data.message, proposal: 'nope' } } },
      400,
      'invalid_message',
      'data.message.proposal',
    );
    await expectRefused({ ...envelope, address: small.address }, 400, 'address_mismatch', 'address');
  });

  it('400 naming the field for text that would be changed: white space around a title, lone surrogates', async () => {
    // Signed as a wallet signs (eth-sig-util): the text is hashed as sent, so nothing may be trimmed or
    // repaired after the fact; before, " x " was trimmed (then 401) and a lone surrogate read as U+FFFD.
    const signAsWallet = (message: Json) => signLikeWallet(whale, CHAIN_ID, 'Proposal', message);
    const base = proposalMessage(whale.address, { timestamp: now(), snapshot: stack.snapshot });
    for (const title of [' Padded', 'Padded ', '\tTabbed', 'Line\n']) {
      const res = await expectRefused(signAsWallet({ ...base, title }), 400, 'invalid_message', 'data.message.title');
      expect(res.body.error.message).toMatch(/white space/);
    }
    const lone = await expectRefused(
      signAsWallet({ ...base, title: 'Lone \uD800 surrogate' }),
      400,
      'invalid_message',
      'data.message.title',
    );
    expect(lone.body.error.message).toMatch(/well-formed Unicode/);
    await expectRefused(signAsWallet({ ...base, body: 'x\uDC00' }), 400, 'invalid_message', 'data.message.body');
    const vote = signLikeWallet(whale, CHAIN_ID, 'Vote', {
      from: whale.address,
      space: 'test',
      timestamp: now(),
      proposal: `0x${'3'.repeat(64)}`,
      choice: 1,
      reason: '\uDBFF',
    });
    await expectRefused(vote, 400, 'invalid_message', 'data.message.reason');
    // Raw bytes that are not UTF-8 would be decoded as U+FFFD by the JSON parser: the body is refused,
    // even when what was signed is the replacement character.
    const replaced = JSON.stringify(await signAsWallet({ ...base, title: 'Raw \uFFFD byte' }));
    const at = Buffer.from(replaced).indexOf(Buffer.from('\uFFFD'));
    const raw = Buffer.concat([
      Buffer.from(replaced).subarray(0, at),
      Buffer.from([0xff]),
      Buffer.from(replaced).subarray(at + 3),
    ]);
    const before = await stack.service.db.client.message.count();
    const notUtf8 = await fetch(`${stack.service.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: raw,
    });
    const answer = (await notUtf8.json()) as { error?: { code: string } };
    expect({ status: notUtf8.status, code: answer.error?.code }).toEqual({
      status: 400,
      code: 'invalid_encoding',
    });
    expect(await stack.service.db.client.message.count()).toBe(before);
    // The replacement character itself is well-formed text, and a signed title with inner spaces is kept.
    await post(signAsWallet({ ...base, title: 'Repaired \uFFFD  twice  spaced' })).expect(200);
  });

  it('401 for a signature by someone else, a high-s twin, or a malformed one', async () => {
    const envelope = await sign(whale, 'Support', { proposal: `0x${'2'.repeat(64)}` });
    const byOther = await signWithEthers(small, CHAIN_ID, 'Support', envelope.data.message);
    await expectRefused({ ...envelope, sig: byOther.sig }, 401, 'bad_signature', 'sig');
    const sig = Signature.from(envelope.sig);
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = concat([
      sig.r,
      `0x${(n - BigInt(sig.s)).toString(16).padStart(64, '0')}`,
      sig.v === 27 ? '0x1c' : '0x1b',
    ]);
    await expectRefused({ ...envelope, sig: highS }, 401, 'non_canonical_signature', 'sig');
    await expectRefused({ ...envelope, sig: envelope.sig.slice(0, 20) }, 401, 'invalid_signature', 'sig');
  });

  it.each([
    ['ethers', signWithEthers],
    ['eth-sig-util', signLikeWallet],
  ] as const)(
    'answers the same id under another valid encoding of a %s signature with the original receipt, storing nothing',
    async (signer, signWith) => {
      // A stranger submits the v = 0/1 twin of a wallet's 27/28 signature first: the wallet's own copy
      // still gets 200 and the receipt; both are one message, one document, one CID.
      const envelope = await signWith(
        whale,
        CHAIN_ID,
        'Proposal',
        proposalMessage(whale.address, {
          timestamp: now(),
          snapshot: stack.snapshot,
          title: `Re-encoded by ${signer}`,
        }),
      );
      const sig = Signature.from(envelope.sig);
      const twin = concat([sig.r, sig.s, sig.v === 27 ? '0x00' : '0x01']);
      const first = await post({ ...envelope, sig: twin }).expect(200);
      expect(first.body.duplicate).toBe(false);
      const before = await stack.service.db.client.message.count();
      const own = await post(envelope).expect(200);
      expect(own.body).toEqual({ ...first.body, duplicate: true });
      expect(await stack.service.db.client.message.count()).toBe(before);
      // The stored signature is the 27/28 form, whoever sent which.
      const stored = (await api().get(`/api/messages/${first.body.id}`).expect(200)).body;
      expect(stored.document.sig).toBe(envelope.sig.toLowerCase());
    },
  );

  it('422 for a timestamp more than 5 minutes ahead (exactly 5 minutes is accepted)', async () => {
    const ahead = await signWithEthers(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now() + 301, snapshot: stack.snapshot }),
    );
    await expectRefused(ahead, 422, 'timestamp_in_future', 'data.message.timestamp');
    const edge = await signWithEthers(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now() + 300, snapshot: stack.snapshot }),
    );
    await post(edge).expect(200);
  });

  it('422 wrong_rules for a proposal that signs other rules than the space’s; 400 for a v1 message', async () => {
    const served = (await api().get('/api/spaces/test').expect(200)).body as { rules: { digest: string; cid: string } };
    const other = `0x${'5'.repeat(64)}`;
    const res = await expectRefused(
      signLikeWallet(
        whale,
        CHAIN_ID,
        'Proposal',
        proposalMessage(whale.address, { timestamp: now(), snapshot: stack.snapshot, rules: other }),
      ),
      422,
      'wrong_rules',
      'data.message.rules',
    );
    expect(res.body.error.message).toContain(served.rules.digest);
    // Version 1 of the domain (no rules, no gas) is another protocol: refused, whatever it carries.
    const v1 = await sign(whale, 'Support', { proposal: `0x${'6'.repeat(64)}` });
    await expectRefused(
      { ...v1, data: { ...v1.data, domain: { ...v1.data.domain, version: '1' } } },
      400,
      'wrong_domain',
      'data.domain.version',
    );
  });

  it('422 for an unknown space', async () => {
    await expectRefused(
      await sign(whale, 'Support', { space: 'elsewhere', proposal: `0x${'3'.repeat(64)}` }),
      422,
      'unknown_space',
      'data.message.space',
    );
  });

  it('422 for a proposal below the threshold or with an unusable snapshot', async () => {
    const poor = await signWithEthers(
      powerless,
      CHAIN_ID,
      'Proposal',
      proposalMessage(powerless.address, { timestamp: now(), snapshot: stack.snapshot }),
    );
    await expectRefused(poor, 422, 'insufficient_power', 'data.message.from');
    const future = await signWithEthers(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now(), snapshot: stack.snapshot + 1000 }),
    );
    await expectRefused(future, 422, 'snapshot_in_future', 'data.message.snapshot');
    const zero = signLikeWallet(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now(), snapshot: 0 }),
    );
    await expectRefused(zero, 422, 'snapshot_invalid', 'data.message.snapshot');
    // The block the chain started at, before any stake: no candidate holds a vote, no share is reachable.
    const bare = signLikeWallet(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now(), snapshot: stack.chain.startHeight }),
    );
    const res = await expectRefused(bare, 422, 'no_staking_state', 'data.message.snapshot');
    expect(res.body.error.message).toMatch(/no staking state at block/);
  });

  it('422 for support or votes on an unknown proposal, and for no power', async () => {
    await expectRefused(
      await sign(medium, 'Support', { proposal: `0x${'4'.repeat(64)}` }),
      422,
      'unknown_proposal',
      'data.message.proposal',
    );
    const id = await propose();
    await expectRefused(await sign(powerless, 'Support', { proposal: id }), 422, 'no_power', 'data.message.from');
  });

  it('409 for a second support from one address', async () => {
    const id = await propose();
    await post(await sign(small, 'Support', { proposal: id })).expect(200);
    advance(1);
    await expectRefused(await sign(small, 'Support', { proposal: id }), 409, 'already_supported', 'data.message.from');
  });

  it('422 for support signed before the proposal was received; 409 once the support period is over', async () => {
    const id = await propose();
    await expectRefused(
      await sign(small, 'Support', { proposal: id, timestamp: now() - 10 }),
      422,
      'outside_window',
      'data.message.timestamp',
    );
    advance(TEST_SPACE.supportPeriodSeconds);
    await expectRefused(await sign(small, 'Support', { proposal: id }), 409, 'wrong_phase', 'data.message.proposal');
    expect((await api().get(`/api/proposals/${id}`)).body.state).toBe('Expired');
  });

  it('409 for a vote before voting opens; 422 for a vote signed before it opened', async () => {
    const id = await propose();
    await post(await sign(medium, 'Support', { proposal: id })).expect(200);
    expect((await api().get(`/api/proposals/${id}`)).body.state).toBe('Supported');
    const early = await sign(large, 'Vote', { proposal: id, choice: 1, reason: '' });
    await expectRefused(early, 409, 'wrong_phase', 'data.message.proposal');
    advance(TEST_SPACE.votingDelaySeconds);
    await expectRefused(early, 422, 'outside_window', 'data.message.timestamp');
  });

  it('403 for a cancel by someone else; 409 for a cancel after Pending', async () => {
    const id = await propose(whale);
    await expectRefused(await sign(large, 'CancelProposal', { proposal: id }), 403, 'not_author', 'data.message.from');
    const voting = await votingProposal();
    await expectRefused(
      await sign(whale, 'CancelProposal', { proposal: voting }),
      409,
      'wrong_phase',
      'data.message.proposal',
    );
    await post(await sign(whale, 'CancelProposal', { proposal: id })).expect(200);
    expect((await api().get(`/api/proposals/${id}`)).body.state).toBe('Canceled');
    await expectRefused(await sign(small, 'Support', { proposal: id }), 409, 'wrong_phase');
  });
});

describe('votes', () => {
  it('counts the latest signed vote of each voter, ties to the lower id, and tallies by power', async () => {
    const id = await votingProposal();
    await post(await sign(large, 'Vote', { proposal: id, choice: 2, reason: 'first thoughts' })).expect(200);
    advance(5);
    const changed = await post(await sign(large, 'Vote', { proposal: id, choice: 1, reason: 'convinced' })).expect(200);
    // Signed earlier than the counted one, received later: it does not replace it.
    await post(await sign(large, 'Vote', { proposal: id, choice: 3, reason: 'stale', timestamp: now() - 3 })).expect(
      200,
    );
    const tieA = await post(await sign(small, 'Vote', { proposal: id, choice: 1, reason: 'a' })).expect(200);
    const tieB = await post(await sign(small, 'Vote', { proposal: id, choice: 2, reason: 'b' })).expect(200);
    const votes = (await api().get(`/api/proposals/${id}/votes`).expect(200)).body.votes as {
      id: string;
      counted: boolean;
      voter: { address: string };
    }[];
    const counted = votes
      .filter((vote) => vote.counted)
      .map((vote) => vote.id)
      .sort();
    const lowerTie = [tieA.body.id, tieB.body.id].sort()[0];
    expect(counted).toEqual([changed.body.id, lowerTie].sort());

    const detail = (await api().get(`/api/proposals/${id}`).expect(200)).body;
    const powers = Object.fromEntries(votes.map((vote) => [vote.id, (vote as unknown as { power: string }).power]));
    const smallChoice = lowerTie === tieA.body.id ? 'for' : 'against';
    const expected = { for: BigInt(powers[changed.body.id]!), against: 0n };
    expected[smallChoice] += BigInt(powers[lowerTie]!);
    expect(BigInt(detail.tally.for)).toBe(expected.for);
    expect(BigInt(detail.tally.against)).toBe(expected.against);
  });

  it('refuses votes from addresses without power at the snapshot', async () => {
    const id = await votingProposal();
    await expectRefused(await sign(powerless, 'Vote', { proposal: id, choice: 1, reason: '' }), 422, 'no_power');
  });
});

describe('reads, log and pinning', () => {
  it('lists proposals by space and state, in pages', async () => {
    const first = await api().get('/api/proposals').query({ space: 'test', limit: 2 }).expect(200);
    expect(first.body.proposals).toHaveLength(2);
    const second = await api()
      .get('/api/proposals')
      .query({ space: 'test', limit: 2, cursor: first.body.nextCursor })
      .expect(200);
    const ids = [...first.body.proposals, ...second.body.proposals].map((p: { id: string }) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const canceled = await api().get('/api/proposals').query({ state: 'Canceled' }).expect(200);
    expect(canceled.body.proposals.length).toBeGreaterThan(0);
    expect(canceled.body.proposals.every((p: { state: string }) => p.state === 'Canceled')).toBe(true);
    await api().get('/api/proposals').query({ state: 'Sleeping' }).expect(400);
  });

  it('serves the space log as an unbroken hash chain that matches every receipt', async () => {
    const log = (await api().get('/api/spaces/test/log').query({ limit: 1000 }).expect(200)).body;
    expect(log.entries.length).toBe(log.latest.sequence);
    expect(log.entries.map((entry: { sequence: number }) => entry.sequence)).toEqual(
      log.entries.map((_: unknown, i: number) => i + 1),
    );
    expect(firstBrokenLink(log.entries)).toBe(-1);
    expect(log.entries.at(-1).head).toBe(log.latest.head);
  });

  it('assigns the time received under the log’s lock: it never goes back along the log, even when a clock does', async () => {
    // A replica whose clock is behind appends after one whose clock is ahead: the later entry takes
    // the earlier entry's time, not its own clock's.
    const first = await post(await sign(whale, 'Support', { proposal: await propose() })).expect(200);
    const ahead = first.body.receipt.received as number;
    stack.clock.now -= 120;
    try {
      const late = await post(
        signLikeWallet(
          whale,
          CHAIN_ID,
          'Proposal',
          proposalMessage(whale.address, { timestamp: now(), snapshot: stack.snapshot, title: 'Behind' }),
        ),
      ).expect(200);
      expect(late.body.receipt.received).toBe(ahead);
      expect(late.body.receipt.sequence).toBe(first.body.receipt.sequence + 1);
      const entries = (await api().get('/api/spaces/test/log').query({ limit: 1000 }).expect(200)).body.entries as {
        receivedAt: number;
      }[];
      for (let i = 1; i < entries.length; i++)
        expect(entries[i]!.receivedAt).toBeGreaterThanOrEqual(entries[i - 1]!.receivedAt);
    } finally {
      stack.clock.now += 120;
    }
  });

  it('pins every accepted message to IPFS under its CID', async () => {
    const id = await propose(whale, { title: 'Pin me' });
    const { cid } = (await api().get(`/api/messages/${id}`)).body;
    for (let i = 0; i < 100 && !(await api().get(`/api/messages/${id}`)).body.pinned; i++)
      await new Promise((r) => setTimeout(r, 100));
    expect((await api().get(`/api/messages/${id}`)).body.pinned).toBe(true);
    const fromIpfs = await stack.service.ipfs.get(CID.parse(cid));
    expect(fromIpfs).toEqual((await api().get(`/ipfs/${cid}`).expect(200)).body);
    expect((fromIpfs as { data: { message: { title: string } } }).data.message.title).toBe('Pin me');
  });
});

describe('a proposal is decided by the rules it signed', () => {
  it("counts power by the proposal's strategies, whatever the space's settings become", async () => {
    const id = await votingProposal();
    const signed = stack.service.spaces.get('test')!;
    // The operator restarts with other settings: power from the native balance, which the powerless
    // account has (a development account's 10,000 IOTX) and the proposal's staking strategy does not count.
    stack.service.spaces.set('test', spaceSchema.parse({ ...TEST_SPACE, strategies: [{ name: 'native-balance' }] }));
    try {
      expect(await stack.provider.getBalance(powerless.address)).toBeGreaterThan(0n);
      await expectRefused(await sign(powerless, 'Vote', { proposal: id, choice: 1, reason: '' }), 422, 'no_power');
      await post(await sign(small, 'Vote', { proposal: id, choice: 1, reason: '' })).expect(200);
    } finally {
      stack.service.spaces.set('test', signed);
    }
  });
});
