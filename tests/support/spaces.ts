// Spaces for tests, and the rules digest a proposal in one of them signs.
import { LOCAL_ANCHOR_SENDER, LOCAL_LOG_ANCHOR_ADDRESS } from '../../scripts/lib/log-anchor.js';
import { spaceRules } from '../../server/spaces/rules.js';
import { spaceSchema, type SpaceFile } from '../../server/spaces/schema.js';

/** A space for tests: short periods, low thresholds, on the local chain. */
export const TEST_SPACE: SpaceFile = {
  id: 'test',
  name: 'Test',
  chainId: 31337,
  strategies: [{ name: 'iotex-staking' }],
  proposalThreshold: '1000',
  supportThresholdBps: 100,
  supportPeriodSeconds: 600,
  votingDelaySeconds: 60,
  votingPeriodSeconds: 600,
  quorumBps: 1000,
  passThresholdBps: 5000,
  quorumChoices: ['For', 'Against', 'Abstain'],
  admins: ['0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'],
  executor: null,
};

/** TEST_SPACE with its log anchored on the local chain (scripts/lib/log-anchor.ts), as the audit requires. */
export const ANCHORED_TEST_SPACE: SpaceFile = {
  ...TEST_SPACE,
  // An hour: the tests run no anchoring pass while a vote runs, as the service's workers would.
  anchor: { contract: LOCAL_LOG_ANCHOR_ADDRESS, sender: LOCAL_ANCHOR_SENDER.address, intervalSeconds: 3600 },
};

/** The digest of `space`'s rules document: what a proposal in it signs as `rules`. */
export function rulesDigest(space: SpaceFile = TEST_SPACE): string {
  return spaceRules(spaceSchema.parse(space)).digest;
}
