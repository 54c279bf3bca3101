// Demo staking state for the local chain: a few delegates and varied buckets owned by Hardhat's
// well-known development accounts, so the service has real-looking voting power to read.
//
// Everything is described by the exported data below (docs and tests refer to it); seedDemoStake
// writes it through the native-staking stand-in. Candidate totals are the sum of the chain's own
// vote weight of their live buckets, computed here with server/power/weight.ts.
import { HDNodeWallet, dataSlice, getAddress, id, parseEther, type JsonRpcProvider } from 'ethers';

import { voteWeight } from '../../server/power/weight.js';
import { NativeStakingAdmin, installNativeStakingStandIn, standInContract } from './staking-standin.js';

/** Hardhat's default mnemonic; accounts are m/44'/60'/0'/0/i. */
export const DEMO_MNEMONIC = 'test test test test test test test test test test test junk';
export const DEMO_ACCOUNT_COUNT = 10;

/** IoTeX's block interval switched from 5 s to 2.5 s at this height ("Wake"). */
export const WAKE_BLOCK_HEIGHT = 36_893_881;

/** Seconds per block used to turn an NFT bucket's block count into a duration when viewed at `height`. */
export function blockIntervalSeconds(height: number | bigint): number {
  return BigInt(height) < BigInt(WAKE_BLOCK_HEIGHT) ? 5 : 2.5;
}

/** The IIP-13 SystemStaking (V1) address on mainnet; its buckets have block durations. */
export const DEMO_NFT_CONTRACT = getAddress('0x68db92a6a78a39dcaff1745da9e89e230ef49d3d');
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
      kind: 'nft';
      account: number;
      candidate: string;
      amountIotx: bigint;
      contractAddress: string;
      tokenId: bigint;
      durationBlocks: bigint;
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

/** A bucket's staked duration in seconds as the chain weighs it at `snapshotBlock`. */
export function demoBucketDurationSeconds(b: DemoBucket, snapshotBlock: number | bigint = 0): number {
  return b.kind === 'native' ? b.durationDays * 86_400 : Number(b.durationBlocks) * blockIntervalSeconds(snapshotBlock);
}

/** The bucket's votes (0 once unstaking started). Local chain heights are far below Wake: 5 s blocks. */
export function demoBucketVotes(b: DemoBucket, snapshotBlock: number | bigint = 0): bigint {
  if (b.unstaked) return 0n;
  const selfStake = b.kind === 'native' && b.selfStake;
  return voteWeight(
    parseEther(String(b.amountIotx)),
    demoBucketDurationSeconds(b, snapshotBlock),
    b.autoStake,
    selfStake,
  );
}

/** Each demo candidate's totalWeightedVotes: the sum of its live buckets' votes. */
export function demoCandidateVotes(): Record<string, bigint> {
  const totals: Record<string, bigint> = Object.fromEntries(DEMO_CANDIDATES.map((c) => [c.name, 0n]));
  for (const b of DEMO_BUCKETS) totals[b.candidate] = (totals[b.candidate] ?? 0n) + demoBucketVotes(b);
  return totals;
}

/** Each demo account's voting power (sum of its buckets' votes). */
export function demoVotingPower(): Record<string, bigint> {
  const power: Record<string, bigint> = Object.fromEntries(DEMO_ACCOUNTS.map((a) => [a.address, 0n]));
  for (const b of DEMO_BUCKETS) {
    const addr = account(b.account);
    power[addr] = (power[addr] ?? 0n) + demoBucketVotes(b);
  }
  return power;
}

/** A short human summary: account -> buckets, then the delegates. */
export function demoStakeSummary(): string {
  const iotx = (n: bigint) => n.toLocaleString('en-US');
  const lines = [`Demo stake (Hardhat accounts of "${DEMO_MNEMONIC}"):`];
  const powers = demoVotingPower();
  for (const a of DEMO_ACCOUNTS) {
    const buckets = demoBucketsOf(a.address);
    const power = powers[a.address] ?? 0n;
    lines.push(
      `  #${a.index} ${a.address}  ${buckets.length === 0 ? 'no stake' : `${buckets.length} bucket(s), ${formatVotes(power)} votes`}`,
    );
    for (const b of buckets) {
      const duration =
        b.kind === 'native'
          ? `${b.durationDays} d`
          : `${b.durationBlocks.toLocaleString('en-US')} blocks (NFT ${b.contractAddress.slice(0, 10)}… #${b.tokenId})`;
      const flags = [
        b.autoStake ? 'auto-stake' : 'no auto-stake',
        b.kind === 'native' && b.selfStake ? 'self-stake' : '',
        b.unstaked ? 'UNSTAKED (0 votes)' : '',
      ].filter(Boolean);
      lines.push(`      ${iotx(b.amountIotx).padStart(9)} IOTX -> ${b.candidate}, ${duration}, ${flags.join(', ')}`);
    }
  }
  const totals = demoCandidateVotes();
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

/**
 * Installs the stand-in if needed and writes the demo stake. Idempotent: if the demo candidates
 * are already registered with their expected totals, it writes nothing. Throws on a chain that
 * holds a partial or different demo (restart the chain).
 */
export async function seedDemoStake(provider: JsonRpcProvider): Promise<SeedResult> {
  await installNativeStakingStandIn(provider);
  const staking = await standInContract(provider);
  const expected = demoCandidateVotes();

  const first = DEMO_CANDIDATES[0]!;
  const existing = (await staking.getFunction('candidateByNameV3').staticCall(first.name)) as { name: string };
  if (existing.name === first.name) {
    for (const c of DEMO_CANDIDATES) {
      const onChain = (await staking.getFunction('candidateByNameV3').staticCall(c.name)) as {
        name: string;
        totalWeightedVotes: bigint;
      };
      if (onChain.name !== c.name || onChain.totalWeightedVotes !== expected[c.name]) {
        throw new Error(
          `The chain holds a partial or different demo stake (candidate ${c.name}: ` +
            `${onChain.name ? `${onChain.totalWeightedVotes} votes, expected ${expected[c.name]}` : 'missing'}); restart the chain.`,
        );
      }
    }
    // eth_blockNumber directly: ethers caches getBlockNumber() between fast local blocks.
    const latest = Number(BigInt((await provider.send('eth_blockNumber', [])) as string));
    return { seeded: false, indexes: await findSeededIndexes(staking), blockNumber: latest };
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
      track(
        await admin.createNftBucket({
          contractAddress: b.contractAddress,
          tokenId: b.tokenId,
          owner: account(b.account),
          candidate: cand.id,
          amount,
          durationBlocks: b.durationBlocks,
          autoStake: b.autoStake,
        }),
      );
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
    if (b.kind === 'nft') {
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
