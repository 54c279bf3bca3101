import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import request from 'supertest';
import { devWallet, proposalMessage, signWithEthers, type Envelope } from '../support/signing.js';
import { startTestStack, type TestStack } from '../support/stack.js';

// Thousands of mutations of valid signed messages: the service must answer each with a 4xx (or,
// for a mutation that keeps the message valid, accept exactly the original), never a 5xx, and store
// nothing it refused.

const MUTATIONS = 3000;
const CHAIN_ID = 31337;

/** Deterministic, so a failure can be replayed. */
function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const ODD_VALUES: unknown[] = [
  null,
  0,
  -1,
  1.5,
  2 ** 53 + 2,
  '',
  '0x',
  '0x' + 'f'.repeat(64),
  '99999999999999999999999999999999999999999999999999999999999999999999999999999999',
  'io1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r53',
  'x'.repeat(5000),
  true,
  {},
  [],
  [1, 2, 3],
  { nested: { deeper: ['a'] } },
  '\u0000\uffff',
  'For',
];

type Node = Record<string, unknown> | unknown[];

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Array.isArray(value) ? value.map((item, index) => [index, item] as const) : Object.entries(value);
  return [prefix, ...entries.flatMap(([key, item]) => paths(item, [...prefix, key]))];
}

function mutate(envelope: Envelope, random: () => number): unknown {
  const copy = structuredClone(envelope) as unknown as Node;
  const all = paths(copy).filter((path) => path.length > 0);
  const path = all[Math.floor(random() * all.length)]!;
  const parent = path
    .slice(0, -1)
    .reduce<unknown>((node, key) => (node as Record<string | number, unknown>)[key], copy) as Node;
  const key = path.at(-1)!;
  const pick = random();
  const target = parent as Record<string | number, unknown>;
  if (pick < 0.25) {
    if (Array.isArray(parent)) parent.splice(Number(key), 1);
    else delete target[key];
  } else if (pick < 0.6) {
    target[key] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  } else if (pick < 0.8 && typeof target[key] === 'string') {
    // Flip one character: in a signature, an address, a hex field or a text.
    const text = target[key] as string;
    const at = Math.floor(random() * text.length);
    const flipped = text[at] === 'a' ? 'b' : 'a';
    target[key] = text.slice(0, at) + flipped + text.slice(at + 1);
  } else if (!Array.isArray(parent)) {
    target[`extra${Math.floor(random() * 10)}`] = ODD_VALUES[Math.floor(random() * ODD_VALUES.length)];
  } else {
    parent.push(ODD_VALUES[Math.floor(random() * ODD_VALUES.length)]);
  }
  return copy;
}

describe('fuzzing POST /api/messages', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ RATE_LIMIT_IP_PER_MINUTE: '100000', RATE_LIMIT_ADDRESS_PER_MINUTE: '100000' });
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it(`answers ${MUTATIONS} mutated messages without a 5xx and stores nothing it refused`, async () => {
    const whale = devWallet(0);
    const api = request(stack.service.url);
    const now = stack.clock.now;
    const proposal = await signWithEthers(
      whale,
      CHAIN_ID,
      'Proposal',
      proposalMessage(whale.address, { timestamp: now, snapshot: stack.snapshot }),
    );
    const proposalId = (await api.post('/api/messages').send(proposal).expect(200)).body.id as string;
    const bases: Envelope[] = [
      await signWithEthers(
        whale,
        CHAIN_ID,
        'Proposal',
        proposalMessage(whale.address, { timestamp: now, snapshot: stack.snapshot, title: 'Fuzz base' }),
      ),
      await signWithEthers(devWallet(2), CHAIN_ID, 'Support', {
        from: devWallet(2).address,
        space: 'test',
        timestamp: now,
        proposal: proposalId,
      }),
      await signWithEthers(whale, CHAIN_ID, 'CancelProposal', {
        from: whale.address,
        space: 'test',
        timestamp: now,
        proposal: proposalId,
      }),
      await signWithEthers(devWallet(1), CHAIN_ID, 'Vote', {
        from: devWallet(1).address,
        space: 'test',
        timestamp: now,
        proposal: proposalId,
        choice: 1,
        reason: 'fuzz',
      }),
    ];
    const before = await stack.service.db.client.message.count();
    const random = prng(4689);
    const statuses = new Map<number, number>();
    const accepted = new Set<string>();
    for (let i = 0; i < MUTATIONS; i++) {
      const base = bases[i % bases.length]!;
      const res = await api.post('/api/messages').send(mutate(base, random) as object);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status >= 500) throw new Error(`mutation ${i} got ${res.status}: ${JSON.stringify(res.body)}`);
      if (res.status === 200) accepted.add(res.body.id as string);
      else expect(res.body.error.code).toEqual(expect.any(String));
    }
    // Only a mutation that leaves the signed message intact (say, the address in io1 form) can be
    // accepted, and then it is one of the original messages.
    const stored = await stack.service.db.client.message.count();
    expect(stored - before).toBe(accepted.size);
    const originalIds = await Promise.all(
      bases.map(async (base) => (await api.post('/api/messages').send(base)).body.id as string | undefined),
    );
    for (const id of accepted) expect(originalIds).toContain(id);
    expect([...statuses.keys()].every((status) => status < 500)).toBe(true);
    expect(statuses.get(400)! + statuses.get(401)!).toBeGreaterThan(MUTATIONS / 2);
  });
});
