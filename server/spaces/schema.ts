import { getAddress, isAddress, parseUnits } from 'ethers';
import { z } from 'zod';

export const CHOICES = ['For', 'Against', 'Abstain'] as const;
export type ChoiceName = (typeof CHOICES)[number];

const BASIS_POINTS = 10_000;

/** 7 days of 2.5 s blocks. */
export const DEFAULT_SNAPSHOT_MAX_AGE_BLOCKS = 241_920;

const address = z
  .string()
  .refine((value) => isAddress(value), { message: 'must be a 0x address' })
  .transform((value) => getAddress(value));

/** An amount of voting power in IOTX ("1000", "0.5"), kept exactly as wei. */
const iotxAmount = z
  .string()
  .regex(/^\d+(\.\d{1,18})?$/, { message: 'must be a decimal IOTX amount such as "1000" or "0.5"' })
  .transform((value) => ({ iotx: value, wei: parseUnits(value, 18) }));

const basisPoints = z
  .number()
  .int()
  .min(0)
  .max(BASIS_POINTS, { message: `must be at most ${BASIS_POINTS} (100%)` });

const seconds = z.number().int().positive();

export const strategySchema = z.discriminatedUnion('name', [
  z.strictObject({ name: z.literal('iotex-staking') }),
  z.strictObject({ name: z.literal('native-balance') }),
  z.strictObject({ name: z.literal('erc20-balance'), params: z.strictObject({ address }) }),
]);
export type StrategyConfig = z.infer<typeof strategySchema>;

/**
 * Where the space's log heads are anchored on chain: the LogAnchor contract and the one sender whose
 * anchors count (contracts/LogAnchor.sol). Null: not anchored, and the audit says it cannot tell a
 * rewritten log without a receipt.
 */
export const anchorSchema = z
  .strictObject({
    contract: address,
    sender: address,
    /** How often a growing log is anchored; the audit fails an entry anchored later than this (+60 s). */
    intervalSeconds: z.number().int().min(10).max(86_400).default(300),
  })
  .nullable();

export const spaceSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, {
    message: 'must be lowercase letters, digits and dashes (at most 64)',
  }),
  name: z.string().min(1).max(100),
  about: z.string().max(2000).default(''),
  chainId: z.number().int().positive(),
  strategies: z.array(strategySchema).min(1),
  /** Power at the snapshot needed to submit a proposal. */
  proposalThreshold: iotxAmount,
  /** How far below the head a proposal's snapshot block may be (default: 7 days of 2.5 s blocks). */
  snapshotMaxAgeBlocks: z.number().int().positive().default(DEFAULT_SNAPSHOT_MAX_AGE_BLOCKS),
  /** Support needed to go to a vote, as a share of the chain's weighted total at the snapshot. */
  supportThresholdBps: basisPoints.min(1),
  supportPeriodSeconds: seconds,
  votingDelaySeconds: z.number().int().min(0),
  votingPeriodSeconds: seconds,
  /** Turnout needed, as a share of the chain's weighted total at the snapshot. */
  quorumBps: basisPoints,
  /** A proposal passes when For exceeds this share of For + Against. */
  passThresholdBps: basisPoints
    .min(BASIS_POINTS / 2, { message: 'must be at least 5000 (a majority)' })
    .max(BASIS_POINTS - 1, { message: 'must be below 10000: For must exceed this share, and cannot exceed 100%' }),
  /**
   * What the pass threshold is a share of: For + Against (like OpenZeppelin's Governor; Abstain
   * sides with neither) or every vote cast, Abstain included ("more than half of the votes cast").
   */
  majorityOf: z.enum(['for-against', 'all-votes']).default('for-against'),
  /** Choices whose power counts toward the turnout quorum. */
  quorumChoices: z
    .array(z.enum(CHOICES))
    .min(1)
    .refine((choices) => new Set(choices).size === choices.length, { message: 'must not repeat a choice' }),
  admins: z.array(address),
  executor: address.nullable(),
  anchor: anchorSchema.default(null),
});

export type SpaceFile = z.input<typeof spaceSchema>;
export type Space = z.infer<typeof spaceSchema>;

/** The JSON form served by the API: amounts as decimal strings, never JS numbers. */
export function spaceToJson(space: Space) {
  return {
    ...space,
    proposalThreshold: { iotx: space.proposalThreshold.iotx, wei: space.proposalThreshold.wei.toString() },
  };
}
