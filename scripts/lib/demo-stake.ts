// Demo staking state for the local chain: a few delegates and varied buckets owned by Hardhat's
// well-known development accounts, so the service has real-looking voting power to read.
//
// Everything is described by the exported data below (docs and tests refer to it); seedDemoStake
// writes it through the native-staking stand-in. Candidate totals are the sum of the chain's own
// vote weight of their live buckets, computed here with server/power/weight.ts. The NFT buckets are
// one of each kind mainnet shows: SystemStaking (V1, blocks), a muted SystemStaking2 bucket (V2,
// blocks, no votes) and a timestamped SystemStaking3 bucket (V3, seconds).
import { HDNodeWallet, dataSlice, getAddress, id, parseEther, type JsonRpcProvider } from 'ethers';

import { MAINNET_FORKS, blockIntervalSeconds as forkBlockInterval } from '../../server/power/forks.js';
import { voteWeight } from '../../server/power/weight.js';
import {
  NativeStakingAdmin,
  SYSTEM_STAKING_CONTRACTS,
  installNativeStakingStandIn,
  standInContract,
} from './staking-standin.js';

/** Hardhat's default mnemonic; accounts are m/44'/60'/0'/0/i. */
export const DEMO_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEMO_ACCOUNT_COUNT = 10;

/** IoTeX's block interval switched from 5 s to 2.5 s at this height ("Wake"); the local chain follows mainnet. */
export const WAKE_BLOCK_HEIGHT = MAINNET_FORKS.wake;

/** Seconds per block used to turn an NFT bucket's block count into a duration when viewed at `height`. */
export function blockIntervalSeconds(height: number | bigint): number {
  return forkBlockInterval(Number(height), MAINNET_FORKS);
}

/** The IIP-13 SystemStaking (V1) address on mainnet; its buckets have block durations. */
export const DEMO_NFT_CONTRACT = getAddress(SYSTEM_STAKING_CONTRACTS.v1);
/** SystemStaking2 on mainnet: block durations; buckets touched from Wake are muted. */
export const DEMO_NFT_V2_CONTRACT = getAddress(SYSTEM_STAKING_CONTRACTS.v2);
/** SystemStaking3 on mainnet: timestamped buckets, durations in seconds. */
export const DEMO_NFT_V3_CONTRACT = getAddress(SYSTEM_STAKING_CONTRACTS.v3);
/** 17,280 blocks = one day at 5 s. */
export const BLOCKS_PER_DAY_AT_5S = 17_280n;

export interface DemoAccount {
  /** Hardhat account number (#0 .. #9). */
  index: number;
  address: string;
  privateKey: string;
}

const hdBase = HDNodeWallet.fromPhrase(DEMO_MNEMONIC, undefined, "m/44'/60'/0'/0");

/** Hardhat's development accounts #0..#9 (the ones `hardhat node` prints and funds). */
export const DEMO_ACCOUNTS: readonly DemoAccount[] = Array.from({ length: DEMO_ACCOUNT_COUNT }, (_, i) => {
  const wallet = hdBase.deriveChild(i);
  return { index: i, address: wallet.address, privateKey: wallet.privateKey };
});

function account(i: number): string {
  const a = DEMO_ACCOUNTS[i];
  if (!a) throw new Error(`no demo account #${i}`);
  return a.address;
}

/** A stable made-up address for a candidate's operator / reward role. */
function roleAddress(name: string, role: string): string {
  return getAddress(dataSlice(id(`iotex-governance/demo/${name}/${role}`), 12));
}

export interface DemoCandidate {
  name: string;
  /** Hardhat account number of the owner; the id is the owner address (IoTeX's default). */
  ownerAccount: number;
  owner: string;
  operator: string;
  reward: string;
  id: string;
}

function candidate(name: string, ownerAccount: number): DemoCandidate {
  const owner = account(ownerAccount);
  return {
    name,
    ownerAccount,
    owner,
    operator: roleAddress(name, 'operator'),
    reward: roleAddress(name, 'reward'),
    id: owner,
  };
}

/** Delegates, owned by accounts #7, #8 and #9. Only alphanode has a self-stake bucket. */
export const DEMO_CANDIDATES: readonly DemoCandidate[] = [
  candidate('alphanode', 7),
  candidate('betanode', 8),
  candidate('gammanode', 9),
];

export type DemoBucket =
  | {
      kind: 'native';
      /** Hardhat account number of the owner (voter). */
      account: number;
      candidate: string;
      amountIotx: bigint;
      durationDays: number;
      autoStake: boolean;
      /** This is its candidate's self-stake bucket (earns the 1.06 bonus). */
      selfStake: boolean;
      /** Unstaking started: still listed by the chain, but carries no votes. */
      unstaked: boolean;
    }
  | {
      /** A block-based NFT bucket (SystemStaking V1 or SystemStaking2). */
      kind: 'nft';
      account: number;
      candidate: string;
      amountIotx: bigint;
      contractAddress: string;
      tokenId: bigint;
      durationBlocks: bigint;
      autoStake: boolean;
      unstaked: boolean;
      /** A SystemStaking2 bucket touched from Wake: shown with no candidate, no votes. */
      muted: boolean;
    }
  | {
      /** A timestamped NFT bucket (SystemStaking3). */
      kind: 'timestamped-nft';
      account: number;
      candidate: string;
      amountIotx: bigint;
      contractAddress: string;
      tokenId: bigint;
      durationSeconds: number;
      autoStake: boolean;
      unstaked: boolean;
    };

const native = (
  acct: number,
  cand: string,
  amountIotx: bigint,
  durationDays: number,
  autoStake: boolean,
  extra: { selfStake?: boolean; unstaked?: boolean } = {},
): DemoBucket => ({
  kind: 'native',
  account: acct,
  candidate: cand,
  amountIotx,
  durationDays,
  autoStake,
  selfStake: extra.selfStake ?? false,
  unstaked: extra.unstaked ?? false,
});

/**
 * The demo's buckets, in creation order (native bucket indexes follow this order on a fresh
 * chain, from 0). Account #6 deliberately has no stake (voting power 0).
 */
export const DEMO_BUCKETS: readonly DemoBucket[] = [
  native(0, 'alphanode', 2_000_000n, 365, true),
  native(0, 'betanode', 50_000n, 30, false),
  native(0, 'gammanode', 1_000n, 0, false),
  native(1, 'alphanode', 500_000n, 91, true),
  native(1, 'betanode', 20_000n, 7, false, { unstaked: true }),
  native(2, 'betanode', 120_000n, 7, true),
  native(3, 'gammanode', 10_000n, 0, false),
  native(4, 'alphanode', 5_000n, 30, true),
  native(5, 'gammanode', 75_000n, 91, false),
  native(7, 'alphanode', 1_200_000n, 91, true, { selfStake: true }),
  // betanode's owner stakes for it, but betanode has no self-stake bucket: no bonus.
  native(8, 'betanode', 300_000n, 365, true),
  native(9, 'alphanode', 2_000n, 7, true),
  {
    kind: 'nft',
    account: 4,
    candidate: 'betanode',
    amountIotx: 100_000n,
    contractAddress: DEMO_NFT_CONTRACT,
    tokenId: 1n,
    durationBlocks: 30n * BLOCKS_PER_DAY_AT_5S,
    autoStake: true,
    unstaked: false,
    muted: false,
  },
  // Restaked on SystemStaking2 after Wake: muted, listed for its owner, votes for no one.
  {
    kind: 'nft',
    account: 4,
    candidate: 'alphanode',
    amountIotx: 10_000n,
    contractAddress: DEMO_NFT_V2_CONTRACT,
    tokenId: 1n,
    durationBlocks: 91n * BLOCKS_PER_DAY_AT_5S,
    autoStake: true,
    unstaked: false,
    muted: true,
  },
  {
    kind: 'timestamped-nft',
    account: 5,
    candidate: 'gammanode',
    amountIotx: 20_000n,
    contractAddress: DEMO_NFT_V3_CONTRACT,
    tokenId: 1n,
    durationSeconds: 30 * 86_400,
    autoStake: true,
    unstaked: false,
  },
];

/** The bucket type the demo NFT contract offers (contractStakeBucketTypes). */
export const DEMO_NFT_BUCKET_TYPE = { amountIotx: 100_000n, durationBlocks: 30n * BLOCKS_PER_DAY_AT_5S } as const;

export function demoBucketsOf(address: string): DemoBucket[] {
  const target = getAddress(address);
  return DEMO_BUCKETS.filter((b) => account(b.account) === target);
}

export function demoCandidate(name: string): DemoCandidate {
  const c = DEMO_CANDIDATES.find((x) => x.name === name);
  if (!c) throw new Error(`no demo candidate ${name}`);
  return c;
}

/**
 * Default height of the functions below: the demo chain starts past Wake and Xingu (mainnet's fork
 * schedule), where an NFT's blocks count 2.5 s each; pass the snapshot block to weigh at another.
 */
const DEMO_HEIGHT = WAKE_BLOCK_HEIGHT;

/** A bucket's staked duration in seconds as the chain weighs it at `snapshotBlock`. */
export function demoBucketDurationSeconds(b: DemoBucket, snapshotBlock: number | bigint = DEMO_HEIGHT): number {
  switch (b.kind) {
    case 'native':
      return b.durationDays * 86_400;
    case 'nft':
      return Number(b.durationBlocks) * blockIntervalSeconds(snapshotBlock);
    case 'timestamped-nft':
      return b.durationSeconds;
  }
}

/** The bucket's votes: 0 once unstaking started, or when muted. */
export function demoBucketVotes(b: DemoBucket, snapshotBlock: number | bigint = DEMO_HEIGHT): bigint {
  if (b.unstaked || (b.kind === 'nft' && b.muted)) return 0n;
  const selfStake = b.kind === 'native' && b.selfStake;
  return voteWeight(
    parseEther(String(b.amountIotx)),
    demoBucketDurationSeconds(b, snapshotBlock),
    b.autoStake,
    selfStake,
  );
}

/** Each demo candidate's totalWeightedVotes at `height`: the sum of its live buckets' votes. */
export function demoCandidateVotes(height: number | bigint = DEMO_HEIGHT): Record<string, bigint> {
  const totals: Record<string, bigint> = Object.fromEntries(DEMO_CANDIDATES.map((c) => [c.name, 0n]));
  for (const b of DEMO_BUCKETS) totals[b.candidate] = (totals[b.candidate] ?? 0n) + demoBucketVotes(b, height);
  return totals;
}

/** Each demo account's voting power at `height` (sum of its buckets' votes). */
export function demoVotingPower(height: number | bigint = DEMO_HEIGHT): Record<string, bigint> {
  const power: Record<string, bigint> = Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.address, 0n]));
  for (const b of DEMO_BUCKETS) {
    const addr = account(b.account);
    power[addr] = (power[addr] ?? 0n) + demoBucketVotes(b, height);
  }
  return power;
}

function describeDuration(b: DemoBucket): string {
  switch (b.kind) {
    case 'native':
      return `${b.durationDays} d`;
    case 'nft':
      return `${b.durationBlocks.toLocaleString('en-US')} blocks (NFT ${b.contractAddress.slice(0, 10)}… #${b.tokenId})`;
    case 'timestamped-nft':
      return `${b.durationSeconds / 86_400} d (timestamped NFT ${b.contractAddress.slice(0, 10)}… #${b.tokenId})`;
  }
}

/** A short human summary at `height`: account -> buckets, then the delegates. */
export function demoStakeSummary(height: number | bigint = DEMO_HEIGHT): string {
  const iotx = (n: bigint) => n.toLocaleString('en-US');
  const lines = [`Demo stake (Hardhat accounts of "${DEMO_MNEMONIC}"):`];
  const powers = demoVotingPower(height);
  for (const a of DEMO_ACCOUNTS) {
    const buckets = demoBucketsOf(a.address);
    const power = powers[a.address] ?? 0n;
    lines.push(
      `  #${a.index} ${a.address}  ${buckets.length === 0 ? 'no stake' : `${buckets.length} bucket(s), ${formatVotes(power)} votes`}`,
    );
    for (const b of buckets) {
      const flags = [
        b.autoStake ? 'auto-stake' : 'no auto-stake',
        b.kind === 'native' && b.selfStake ? 'self-stake' : '',
        b.unstaked ? 'UNSTAKED (0 votes)' : '',
        b.kind === 'nft' && b.muted ? 'MUTED (0 votes)' : '',
      ].filter(Boolean);
      lines.push(
        `      ${iotx(b.amountIotx).padStart(9)} IOTX -> ${b.candidate}, ${describeDuration(b)}, ${flags.join(', ')}`,
      );
    }
  }
  const totals = demoCandidateVotes(height);
  lines.push('  Delegates:');
  for (const c of DEMO_CANDIDATES) {
    lines.push(
      `      ${c.name.padEnd(10)} owner #${c.ownerAccount} ${c.owner}  ${formatVotes(totals[c.name] ?? 0n)} weighted votes`,
    );
  }
  return lines.join('\n');
}

function formatVotes(wei: bigint): string {
  return (wei / 10n ** 18n).toLocaleString('en-US');
}

export interface SeedResult {
  /** false: the demo was already on the chain, nothing was written. */
  seeded: boolean;
  /** Native bucket index of each DEMO_BUCKETS entry (NFT entries: their token id). */
  indexes: bigint[];
  /** Block from which the whole demo stake is visible. */
  blockNumber: number;
}

/** eth_blockNumber directly: ethers caches getBlockNumber() between fast local blocks. */
async function headBlock(provider: JsonRpcProvider): Promise<number> {
  return Number(BigInt((await provider.send('eth_blockNumber', [])) as string));
}

/**
 * Installs the stand-in if needed and writes the demo stake. Idempotent: if the demo candidates
 * are already registered with their expected totals, it writes nothing. Throws on a chain that
 * holds a partial or different demo (restart the chain). Candidate totals are weighed at the
 * chain's height (NFT blocks count 5 s before Wake, 2.5 s from it).
 */
export async function seedDemoStake(provider: JsonRpcProvider): Promise<SeedResult> {
  await installNativeStakingStandIn(provider);
  const staking = await standInContract(provider);
  const expected = demoCandidateVotes(await headBlock(provider));

  // One candidatesV3 read: an IoTeX node answers candidateByName* for an unknown name with an error.
  const registered = (await staking.getFunction('candidatesV3').staticCall(0, 2 ** 32 - 1)) as Array<{
    name: string;
    totalWeightedVotes: bigint;
  }>;
  const onChain = new Map(registered.map((c) => [c.name, c.totalWeightedVotes]));
  if (onChain.has(DEMO_CANDIDATES[0]!.name)) {
    for (const c of DEMO_CANDIDATES) {
      const votes = onChain.get(c.name);
      if (votes !== expected[c.name]) {
        throw new Error(
          `The chain holds a partial or different demo stake (candidate ${c.name}: ` +
            `${votes === undefined ? 'missing' : `${votes} votes, expected ${expected[c.name]}`}); restart the chain.`,
        );
      }
    }
    return { seeded: false, indexes: await findSeededIndexes(staking), blockNumber: await headBlock(provider) };
  }

  const admin = await NativeStakingAdmin.connect(provider);
  let lastBlock = 0;
  const track = <T extends { blockNumber: number }>(tx: T): T => {
    lastBlock = Math.max(lastBlock, tx.blockNumber);
    return tx;
  };

  // Totals start at 0 and are set last, so an interrupted seeding is recognisable.
  for (const c of DEMO_CANDIDATES) {
    track(
      await admin.registerCandidate({ owner: c.owner, operator: c.operator, reward: c.reward, name: c.name, id: c.id }),
    );
  }

  const indexes: bigint[] = [];
  for (const b of DEMO_BUCKETS) {
    const cand = demoCandidate(b.candidate);
    const amount = parseEther(String(b.amountIotx));
    if (b.kind === 'native') {
      const created = track(
        await admin.createBucket({
          owner: account(b.account),
          candidate: cand.id,
          amount,
          durationDays: b.durationDays,
          autoStake: b.autoStake,
        }),
      );
      indexes.push(created.index);
      if (b.selfStake) track(await admin.setCandidateSelfStake(cand.owner, created.index, amount));
      if (b.unstaked) track(await admin.unstakeBucket(created.index));
    } else {
      const nft = { contractAddress: b.contractAddress, tokenId: b.tokenId, owner: account(b.account), amount };
      if (b.kind === 'nft') {
        track(
          await admin.createNftBucket({
            ...nft,
            candidate: cand.id,
            durationBlocks: b.durationBlocks,
            autoStake: b.autoStake,
          }),
        );
        if (b.muted) track(await admin.muteNftBucket(b.contractAddress, b.tokenId));
      } else {
        track(
          await admin.createTimestampedNftBucket({
            ...nft,
            delegate: cand.id,
            durationSeconds: b.durationSeconds,
            autoStake: b.autoStake,
          }),
        );
      }
      indexes.push(b.tokenId);
      if (b.unstaked) track(await admin.unstakeNftBucket(b.contractAddress, b.tokenId));
    }
  }
  track(
    await admin.addContractBucketType(
      DEMO_NFT_CONTRACT,
      parseEther(String(DEMO_NFT_BUCKET_TYPE.amountIotx)),
      DEMO_NFT_BUCKET_TYPE.durationBlocks,
    ),
  );

  for (const c of DEMO_CANDIDATES) track(await admin.setCandidateVotes(c.owner, expected[c.name] ?? 0n));
  return { seeded: true, indexes, blockNumber: lastBlock };
}

/** Recovers the bucket indexes of an already seeded demo (matching buckets in order). */
async function findSeededIndexes(staking: Awaited<ReturnType<typeof standInContract>>): Promise<bigint[]> {
  const used = new Set<bigint>();
  const indexes: bigint[] = [];
  for (const b of DEMO_BUCKETS) {
    if (b.kind !== 'native') {
      indexes.push(b.tokenId);
      continue;
    }
    const list = (await staking.getFunction('bucketsByVoter').staticCall(account(b.account), 0, 10_000)) as Array<{
      index: bigint;
      candidateAddress: string;
      stakedAmount: bigint;
      stakedDuration: bigint;
    }>;
    const match = list.find(
      (x) =>
        !used.has(x.index) &&
        getAddress(x.candidateAddress) === demoCandidate(b.candidate).id &&
        x.stakedAmount === parseEther(String(b.amountIotx)) &&
        Number(x.stakedDuration) === b.durationDays,
    );
    if (!match)
      throw new Error(`demo bucket of account #${b.account} (${b.amountIotx} IOTX -> ${b.candidate}) not found`);
    used.add(match.index);
    indexes.push(match.index);
  }
  return indexes;
}
