// A space's rules document: its digest is what a proposal signs, its CID follows from the digest alone,
// and any setting a rule reads changes it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import * as dagJson from '@ipld/dag-json';
import { encodeDocument } from '../../server/ipfs/codec.js';
import { RULES_FORMAT, rulesCid, rulesDocumentSchema, spaceRules } from '../../server/spaces/rules.js';
import { spaceSchema, type SpaceFile } from '../../server/spaces/schema.js';
import { TEST_SPACE } from '../support/spaces.js';

const space = (over: Partial<SpaceFile> = {}) => spaceSchema.parse({ ...TEST_SPACE, ...over });

describe('rules document', () => {
  it('names every input of the rules, with a format version', () => {
    const { document } = spaceRules(space());
    expect(document).toEqual({
      format: RULES_FORMAT,
      space: 'test',
      chainId: 31337,
      strategies: [{ name: 'iotex-staking' }],
      proposalThreshold: '1000',
      snapshotMaxAgeBlocks: 241_920,
      supportThresholdBps: 100,
      supportPeriodSeconds: 600,
      votingDelaySeconds: 60,
      votingPeriodSeconds: 600,
      quorumBps: 1000,
      passThresholdBps: 5000,
      majorityOf: 'for-against',
      quorumChoices: ['For', 'Against', 'Abstain'],
      admins: ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'],
      executor: null,
      anchor: null,
    });
    expect(rulesDocumentSchema.parse(document)).toEqual(document);
  });

  it('is addressed by the sha2-256 of its DAG-JSON bytes: the digest gives the CID, without the service', async () => {
    const rules = spaceRules(space());
    const bytes = dagJson.encode(rules.document);
    expect(rules.digest).toBe(`0x${createHash('sha256').update(bytes).digest('hex')}`);
    expect(rules.cid).toBe((await encodeDocument(rules.document)).cid.toString());
    expect(rulesCid(rules.digest).toString()).toBe(rules.cid);
  });

  it.each([
    ['quorumBps', { quorumBps: 1001 }],
    ['the strategies', { strategies: [{ name: 'native-balance' as const }] }],
    ['an admin', { admins: [] }],
    ['the executor', { executor: '0x73511669fd4dE447feD18BB79bAFeAC93aB7F31f' }],
    ['the snapshot age', { snapshotMaxAgeBlocks: 100 }],
    [
      'the log anchor',
      {
        anchor: {
          contract: '0x73511669fd4dE447feD18BB79bAFeAC93aB7F31f',
          sender: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
        },
      },
    ],
    ['the proposal threshold', { proposalThreshold: '1000.5' }],
  ])('changes with %s', (_what, over) => {
    expect(spaceRules(space(over)).digest).not.toBe(spaceRules(space()).digest);
  });

  it('changes with the anchor interval, which the audit checks', () => {
    const anchor = {
      contract: '0x73511669fd4dE447feD18BB79bAFeAC93aB7F31f',
      sender: '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266',
    };
    const byDefault = spaceRules(space({ anchor }));
    expect(byDefault.document.anchor).toEqual({ ...anchor, intervalSeconds: 300 });
    expect(spaceRules(space({ anchor: { ...anchor, intervalSeconds: 600 } })).digest).not.toBe(byDefault.digest);
  });

  it('does not change with what no rule reads (name, about)', () => {
    expect(spaceRules(space({ name: 'Renamed', about: 'Other words' })).digest).toBe(spaceRules(space()).digest);
  });

  it('refuses a document that is not one (the audit reads them back)', () => {
    const { document } = spaceRules(space());
    expect(rulesDocumentSchema.safeParse({ ...document, format: 2 }).success).toBe(false);
    expect(rulesDocumentSchema.safeParse({ ...document, quorumBps: 10_001 }).success).toBe(false);
    expect(rulesDocumentSchema.safeParse({ ...document, extra: 1 }).success).toBe(false);
    expect(() => rulesCid('0x1234')).toThrow(/not a rules digest/);
  });
});
