// A space's rules document: every input any rule reads (lifecycle numbers, strategies and their
// parameters, admins, the executor, the snapshot age limit, the log anchor), as one DAG-JSON document with a format
// version. A proposal signs its sha2-256 digest (`rules`), so the document's CID (CIDv1, dag-json,
// sha2-256) follows from the signed field alone and anyone can fetch and check it; every Support and
// Vote signs the proposal's id, so every signer agreed to those rules, and later changes to the
// space's settings change no existing proposal.
import { createHash } from 'node:crypto';
import * as dagJson from '@ipld/dag-json';
import { CID } from 'multiformats/cid';
import { create as createDigest } from 'multiformats/hashes/digest';
import { z } from 'zod';
import { anchorSchema, spaceSchema, type Space } from './schema.js';

/** The format of the rules document; a new format is a new number. */
export const RULES_FORMAT = 1;

/** sha2-256 in multihash codes. */
const SHA2_256 = 0x12;

/** The rules document, as pinned and as the audit reads it back. */
export const rulesDocumentSchema = z.strictObject({
  format: z.literal(RULES_FORMAT),
  space: spaceSchema.shape.id,
  chainId: spaceSchema.shape.chainId,
  strategies: spaceSchema.shape.strategies,
  /** Power (IOTX, decimal text) needed at the snapshot to propose. */
  proposalThreshold: z.string().regex(/^\d+(\.\d{1,18})?$/),
  /** How far below the head a proposal's snapshot block may be. */
  snapshotMaxAgeBlocks: spaceSchema.shape.snapshotMaxAgeBlocks.unwrap(),
  supportThresholdBps: spaceSchema.shape.supportThresholdBps,
  supportPeriodSeconds: spaceSchema.shape.supportPeriodSeconds,
  votingDelaySeconds: spaceSchema.shape.votingDelaySeconds,
  votingPeriodSeconds: spaceSchema.shape.votingPeriodSeconds,
  quorumBps: spaceSchema.shape.quorumBps,
  passThresholdBps: spaceSchema.shape.passThresholdBps,
  majorityOf: spaceSchema.shape.majorityOf.unwrap(),
  quorumChoices: spaceSchema.shape.quorumChoices,
  admins: spaceSchema.shape.admins,
  executor: spaceSchema.shape.executor,
  anchor: anchorSchema,
});
export type RulesDocument = z.infer<typeof rulesDocumentSchema>;

/** The rules document of a space's current settings. */
export function rulesDocument(space: Space): RulesDocument {
  return {
    format: RULES_FORMAT,
    space: space.id,
    chainId: space.chainId,
    strategies: space.strategies,
    proposalThreshold: space.proposalThreshold.iotx,
    snapshotMaxAgeBlocks: space.snapshotMaxAgeBlocks,
    supportThresholdBps: space.supportThresholdBps,
    supportPeriodSeconds: space.supportPeriodSeconds,
    votingDelaySeconds: space.votingDelaySeconds,
    votingPeriodSeconds: space.votingPeriodSeconds,
    quorumBps: space.quorumBps,
    passThresholdBps: space.passThresholdBps,
    majorityOf: space.majorityOf,
    quorumChoices: space.quorumChoices,
    admins: space.admins,
    executor: space.executor,
    anchor: space.anchor,
  };
}

export interface SpaceRules {
  document: RulesDocument;
  /** The document's CID (CIDv1, dag-json, sha2-256), as text. */
  cid: string;
  /** sha2-256 of the document's DAG-JSON bytes: what a proposal signs as `rules`. */
  digest: string;
}

const computed = new WeakMap<Space, SpaceRules>();

/** The rules of a space's current settings, with their CID and digest (computed once per space). */
export function spaceRules(space: Space): SpaceRules {
  let rules = computed.get(space);
  if (!rules) {
    const document = rulesDocument(space);
    const digest = rulesDigest(document);
    rules = { document, cid: rulesCid(digest).toString(), digest };
    computed.set(space, rules);
  }
  return rules;
}

/** sha2-256 of a rules document's DAG-JSON bytes (0x hex): what a proposal signs as `rules`. */
export function rulesDigest(document: RulesDocument): string {
  return `0x${createHash('sha256').update(dagJson.encode(document)).digest('hex')}`;
}

/** The CID a signed `rules` digest names: CIDv1, dag-json, sha2-256 of that digest. */
export function rulesCid(digest: string): CID {
  if (!/^0x[0-9a-f]{64}$/.test(digest)) throw new Error(`not a rules digest: ${digest}`);
  return CID.createV1(dagJson.code, createDigest(SHA2_256, Buffer.from(digest.slice(2), 'hex')));
}
