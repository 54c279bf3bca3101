import { describe, expect, it } from '@jest/globals';
import { TypedDataUtils, SignTypedDataVersion } from '@metamask/eth-sig-util';
import { concat, getBytes, keccak256, sha256, Signature, toBeHex, TypedDataEncoder, Wallet, ZeroHash } from 'ethers';
import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { encodeDocument } from '../../server/ipfs/codec.js';
import { actionsHash, messageDigest } from '../../server/messages/digest.js';
import { MessageError } from '../../server/messages/errors.js';
import { messageDocument, normalizeMessage } from '../../server/messages/normalize.js';
import { parseEnvelope } from '../../server/messages/schema.js';
import { recoverSigner } from '../../server/messages/signature.js';
import { governanceDomain, MESSAGE_TYPES, PRIMARY_TYPES, type PrimaryType } from '../../server/messages/types.js';
import { firstBrokenLink, GENESIS_HEAD, nextHead } from '../../server/ingest/log.js';
import {
  devWallet,
  proposalMessage,
  signLikeWallet,
  signWithEthers,
  type Envelope,
  type Json,
} from '../support/signing.js';

const CHAIN_ID = 31337;
const wallet = devWallet(0);
const PROPOSAL_ID = `0x${'ab'.repeat(32)}`;

const samples: Record<PrimaryType, Json> = {
  Proposal: proposalMessage(wallet.address, {
    kind: 'technical',
    actions: [{ to: devWallet(1).address, value: '1000000000000000000000000000000', data: '0xa9059cbb', gas: 60_000 }],
  }),
  Support: { from: wallet.address, space: 'test', timestamp: 1_764_000_000, proposal: PROPOSAL_ID },
  Vote: {
    from: wallet.address,
    space: 'test',
    timestamp: 1_764_000_000,
    proposal: PROPOSAL_ID,
    choice: 2,
    reason: 'too early',
  },
  CancelProposal: { from: wallet.address, space: 'test', timestamp: 1_764_000_000, proposal: PROPOSAL_ID },
  MarkActioned: {
    from: wallet.address,
    space: 'test',
    timestamp: 1_764_000_000,
    proposal: PROPOSAL_ID,
    note: 'Paid on 2026-11-30',
  },
};

function expectRefusal(run: () => unknown, status: number, code: string, field?: string) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MessageError);
    expect((error as MessageError).code).toBe(code);
    expect((error as MessageError).status).toBe(status);
    if (field) expect((error as MessageError).field).toBe(field);
    return;
  }
  throw new Error(`expected a ${code} refusal`);
}

describe.each(PRIMARY_TYPES)('%s', (primaryType) => {
  it('has an id equal to the EIP-712 digest that ethers and eth-sig-util compute', async () => {
    const envelope = await signWithEthers(wallet, CHAIN_ID, primaryType, samples[primaryType]);
    const signed = parseEnvelope(envelope, CHAIN_ID);
    const id = messageDigest(CHAIN_ID, primaryType, normalizeMessage(signed));
    const types = envelope.data.types as Record<string, { name: string; type: string }[]>;
    expect(id).toBe(TypedDataEncoder.hash(governanceDomain(CHAIN_ID), types, samples[primaryType]));
    const walletEnvelope = signLikeWallet(wallet, CHAIN_ID, primaryType, samples[primaryType]);
    const sigUtilHash = TypedDataUtils.eip712Hash(
      walletEnvelope.data as unknown as Parameters<typeof TypedDataUtils.eip712Hash>[0],
      SignTypedDataVersion.V4,
    );
    expect(id).toBe(`0x${Buffer.from(sigUtilHash).toString('hex')}`);
    expect(recoverSigner(id, envelope.sig)).toBe(wallet.address);
    expect(recoverSigner(id, walletEnvelope.sig)).toBe(wallet.address);
  });

  it('normalizes to one document (and CID) whatever form the client used', async () => {
    const asStrings = Object.fromEntries(
      Object.entries(samples[primaryType]).map(([key, value]) => [
        key,
        typeof value === 'number' ? String(value) : value,
      ]),
    );
    const lowercase = { ...asStrings, from: wallet.address.toLowerCase() };
    const documents = await Promise.all(
      [samples[primaryType], lowercase].map(async (message) => {
        const envelope = await signWithEthers(wallet, CHAIN_ID, primaryType, message);
        const signed = parseEnvelope(
          { ...envelope, data: { ...envelope.data, domain: { ...envelope.data.domain, chainId: '0x7a69' } } },
          CHAIN_ID,
        );
        return encodeDocument(
          messageDocument(wallet.address, envelope.sig, CHAIN_ID, primaryType, normalizeMessage(signed)),
        );
      }),
    );
    expect(documents[0]!.cid.toString()).toBe(documents[1]!.cid.toString());
  });
});

describe('envelope checks', () => {
  const base = () => signWithEthers(wallet, CHAIN_ID, 'Vote', samples.Vote);
  const mutate = (envelope: Envelope, change: (copy: Envelope) => void) => {
    const copy = structuredClone(envelope);
    change(copy);
    return copy;
  };

  it('refuses shapes, domains and types with the field at fault', async () => {
    const envelope = await base();
    expectRefusal(() => parseEnvelope({ ...envelope, sig: undefined }, CHAIN_ID), 400, 'invalid_envelope', 'sig');
    expectRefusal(() => parseEnvelope({ ...envelope, extra: 1 }, CHAIN_ID), 400, 'invalid_envelope');
    expectRefusal(
      () =>
        parseEnvelope(
          mutate(envelope, (e) => (e.data.domain.name = 'Snapshot')),
          CHAIN_ID,
        ),
      400,
      'wrong_domain',
      'data.domain.name',
    );
    expectRefusal(
      () =>
        parseEnvelope(
          mutate(envelope, (e) => (e.data.domain.version = '1')),
          CHAIN_ID,
        ),
      400,
      'wrong_domain',
      'data.domain.version',
    );
    expectRefusal(() => parseEnvelope(envelope, 4689), 400, 'wrong_chain', 'data.domain.chainId');
    expectRefusal(
      () =>
        parseEnvelope(
          mutate(envelope, (e) => (e.data.primaryType = 'Delegate')),
          CHAIN_ID,
        ),
      400,
      'unknown_type',
      'data.primaryType',
    );
    expectRefusal(
      () =>
        parseEnvelope(
          mutate(envelope, (e) => (e.data.types.Vote![4]!.type = 'uint8')),
          CHAIN_ID,
        ),
      400,
      'wrong_types',
      'data.types.Vote',
    );
    expectRefusal(
      () =>
        parseEnvelope(
          mutate(envelope, (e) => (e.data.types.Extra = [{ name: 'x', type: 'string' }])),
          CHAIN_ID,
        ),
      400,
      'wrong_types',
      'data.types',
    );
    expectRefusal(
      () =>
        parseEnvelope(
          mutate(envelope, (e) => (e.data.types.EIP712Domain = [{ name: 'name', type: 'string' }])),
          CHAIN_ID,
        ),
      400,
      'wrong_types',
      'data.types.EIP712Domain',
    );
  });

  it.each([
    ['choice', 4, 'data.message.choice'],
    ['reason', 'x'.repeat(1001), 'data.message.reason'],
    ['proposal', '0x1234', 'data.message.proposal'],
    ['timestamp', -1, 'data.message.timestamp'],
    ['from', 'io1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r53', 'data.message.from'],
  ])('refuses a vote whose %s is invalid', async (field, value, path) => {
    const envelope = await base();
    expectRefusal(
      () =>
        parseEnvelope(
          mutate(envelope, (e) => (e.data.message[field] = value)),
          CHAIN_ID,
        ),
      400,
      'invalid_message',
      path,
    );
  });

  it.each([
    [{ kind: 'technical', actions: [] }, 'data.message.actions'],
    [{ kind: 'policy', actions: [{ to: wallet.address, value: '0', data: '0x', gas: 0 }] }, 'data.message.actions'],
    [{ kind: 'technical', actions: [{ to: wallet.address, value: '0', data: '0x' }] }, 'data.message.actions.0.gas'],
    [{ rules: '0x1234' }, 'data.message.rules'],
    [{ choices: ['Yes', 'No'] }, 'data.message.choices'],
    [{ title: '' }, 'data.message.title'],
    [{ discussion: 'javascript:alert(1)' }, 'data.message.discussion'],
    [{ kind: 'binding' }, 'data.message.kind'],
  ])('refuses a proposal with %p', async (overrides, path) => {
    // The shape is checked before the signature: a signed proposal, then changed.
    const signed = await signWithEthers(wallet, CHAIN_ID, 'Proposal', proposalMessage(wallet.address));
    const envelope = mutate(signed, (e) => Object.assign(e.data.message, overrides));
    expectRefusal(() => parseEnvelope(envelope, CHAIN_ID), 400, 'invalid_message', path);
  });
});

describe('signatures', () => {
  const digest = keccak256('0x1234');
  const good = Signature.from(new Wallet(wallet.privateKey).signingKey.sign(digest));

  it('recovers the signer of a canonical signature, with v as 27/28 or 0/1', () => {
    expect(recoverSigner(digest, good.serialized)).toBe(wallet.address);
    const zeroOne = concat([good.r, good.s, good.v === 27 ? '0x00' : '0x01']);
    expect(recoverSigner(digest, zeroOne)).toBe(wallet.address);
  });

  it('refuses the high-s twin of a valid signature (EIP-2)', () => {
    const n = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;
    const highS = `0x${(n - BigInt(good.s)).toString(16).padStart(64, '0')}`;
    const twin = concat([good.r, highS, good.v === 27 ? '0x1c' : '0x1b']);
    expectRefusal(() => recoverSigner(digest, twin), 401, 'non_canonical_signature', 'sig');
  });

  it('refuses a bad length or v', () => {
    expectRefusal(() => recoverSigner(digest, good.serialized.slice(0, -2)), 401, 'invalid_signature');
    expectRefusal(() => recoverSigner(digest, concat([good.r, good.s, '0x05'])), 401, 'invalid_signature');
  });
});

describe('actions hash', () => {
  it('is keccak256 of the concatenated EIP-712 hashStruct of each Action', () => {
    const actions = [
      { to: devWallet(1).address, value: '5', data: '0x', gas: '21000' },
      { to: devWallet(2).address, value: '0', data: '0xa9059cbb', gas: '65000' },
    ];
    const encoder = TypedDataEncoder.from({ Action: [...MESSAGE_TYPES.Proposal.Action] });
    expect(actionsHash(actions)).toBe(keccak256(concat(actions.map((action) => encoder.hashStruct('Action', action)))));
    expect(actionsHash(actions)).not.toBe(actionsHash([...actions].reverse()));
  });
});

describe('log hash chain', () => {
  // Written out by hand from the documented encoding (docs/protocol.md), not with the code under test:
  // keccak256(head(n-1) ‖ uint64 sequence ‖ id ‖ uint64 receivedAt ‖ CID bytes).
  const cids = ['0x01', '0x02'].map((bytes) =>
    CID.createV1(0x0129, createDigest(0x12, getBytes(sha256(bytes)))).toString(),
  );
  const handHead = (previous: string, sequence: number, id: string, receivedAt: number, cid: string) =>
    keccak256(concat([previous, toBeHex(sequence, 8), id, toBeHex(receivedAt, 8), CID.parse(cid).bytes]));
  const ids = [1, 2, 3, 4].map((n) => keccak256(`0x0${n}`));
  const entries = ids.reduce<{ sequence: number; id: string; cid: string; receivedAt: number; head: string }[]>(
    (log, id, index) => {
      const entry = { sequence: index + 1, id, cid: cids[index % 2]!, receivedAt: 1_764_000_000 + index };
      const head = handHead(log.at(-1)?.head ?? ZeroHash, entry.sequence, id, entry.receivedAt, entry.cid);
      return [...log, { ...entry, head }];
    },
    [],
  );

  it('chains the previous head, the sequence, the id, the time received and the CID', () => {
    expect(nextHead(GENESIS_HEAD, entries[0]!)).toBe(entries[0]!.head);
    expect(nextHead(entries[2]!.head, entries[3]!)).toBe(entries[3]!.head);
    expect(firstBrokenLink(entries)).toBe(-1);
  });

  it('finds where an entry was removed, reordered, re-timed, re-pointed or renumbered', () => {
    expect(firstBrokenLink([entries[0]!, entries[2]!, entries[3]!])).toBe(1);
    expect(firstBrokenLink([entries[1]!, entries[0]!, entries[2]!, entries[3]!])).toBe(0);
    expect(firstBrokenLink(entries.map((e, i) => (i === 2 ? { ...e, receivedAt: e.receivedAt + 1 } : e)))).toBe(2);
    expect(firstBrokenLink(entries.map((e, i) => (i === 1 ? { ...e, cid: cids[0]! } : e)))).toBe(1);
    expect(firstBrokenLink(entries.map((e, i) => (i === 3 ? { ...e, sequence: 5 } : e)))).toBe(3);
    expect(firstBrokenLink(entries.map((e, i) => (i === 0 ? { ...e, cid: 'not a cid' } : e)))).toBe(0);
  });
});
