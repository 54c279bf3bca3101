// The ABI fragments of exactly the functions the power code calls, as human-readable signatures.
// tests/unit/power-abi.test.ts checks the staking ones against the chain's own ABI
// (tests/fixtures/iotex/iotex-staking.json) and the Multicall3 ones against Multicall3's selectors.
import { Interface } from 'ethers';

/** The staking protocol's address (last 20 bytes of keccak256("staking")); not an EVM contract on IoTeX. */
export const STAKING_PROTOCOL_ADDRESS = '0x04C22AfaE6a03438b8FED74cb1Cf441168DF3F12';

/** Where Multicall3 lives on most chains, IoTeX mainnet included (and where the local chain gets it). */
export const MULTICALL3_CANONICAL_ADDRESS = '0xcA11bde05977b3631167028862bE2a173976CA11';

/** B3: a native or system-staking (NFT) bucket as compositeBucketsByVoterV3 returns it. */
const BUCKET_V3 =
  '(uint64 index, address candidateAddress, uint256 stakedAmount, uint32 stakedDuration, int64 createTime, ' +
  'int64 stakeStartTime, int64 unstakeStartTime, bool autoStake, address owner, address contractAddress, ' +
  'uint64 stakedDurationBlockNumber, uint64 createBlockHeight, uint64 stakeStartBlockHeight, ' +
  'uint64 unstakeStartBlockHeight, uint64 endorsementExpireBlockHeight)';

const CANDIDATE_V3 =
  '(address ownerAddress, address operatorAddress, address rewardAddress, string name, uint256 totalWeightedVotes, ' +
  'uint64 selfStakeBucketIdx, uint256 selfStakingTokens, address id)';

export const STAKING_FRAGMENTS = [
  `function compositeBucketsByVoterV3(address voter, uint32 offset, uint32 limit) view returns (${BUCKET_V3}[])`,
  `function candidatesV3(uint32 offset, uint32 limit) view returns (${CANDIDATE_V3}[])`,
  `function candidateByIDV3(address id) view returns (${CANDIDATE_V3})`,
  'function bucketsCount() view returns (uint64 total, uint64 active)',
] as const;

export const MULTICALL3_FRAGMENTS = [
  'function aggregate3((address target, bool allowFailure, bytes callData)[] calls) payable returns ((bool success, bytes returnData)[] returnData)',
  'function getEthBalance(address addr) view returns (uint256 balance)',
  'function getBlockNumber() view returns (uint256 blockNumber)',
] as const;

export const ERC20_FRAGMENTS = ['function balanceOf(address) view returns (uint256)'] as const;

export const stakingInterface = new Interface(STAKING_FRAGMENTS);
export const multicall3Interface = new Interface(MULTICALL3_FRAGMENTS);
export const erc20Interface = new Interface(ERC20_FRAGMENTS);
