// The ABI fragments the power code calls are the chain's own: same names, parameter and component
// names, types, outputs, view, selectors. And the local stand-ins offer exactly those fragments.
import { describe, expect, it } from '@jest/globals';
import { Interface, getAddress, id, type FunctionFragment } from 'ethers';
import {
  ERC20_FRAGMENTS,
  MULTICALL3_CANONICAL_ADDRESS,
  MULTICALL3_FRAGMENTS,
  STAKING_FRAGMENTS,
  STAKING_PROTOCOL_ADDRESS,
  erc20Interface,
  multicall3Interface,
  stakingInterface,
} from '../../server/power/abi.js';
import { loadMulticall3StandIn } from '../../scripts/lib/multicall-standin.js';
import { NATIVE_STAKING_ADDRESS, loadStandIn } from '../../scripts/lib/staking-standin.js';
import { loadWiotxStandIn } from '../../scripts/lib/wiotx-standin.js';
import { chainStakingAbi } from '../support/fixtures.js';

const chainAbi = chainStakingAbi();

/** Differences between our fragment and the reference interface's function of the same name. */
function differences(ours: FunctionFragment, reference: Interface): string[] {
  const theirs = reference.getFunction(ours.name);
  if (!theirs) return [`${ours.name}: not in the reference ABI`];
  const problems: string[] = [];
  if (ours.selector !== theirs.selector) problems.push(`${ours.name}: selector ${ours.selector} != ${theirs.selector}`);
  if (ours.format('full') !== theirs.format('full')) {
    problems.push(`${ours.name}:\n  ours:      ${ours.format('full')}\n  reference: ${theirs.format('full')}`);
  }
  if (ours.stateMutability !== theirs.stateMutability) {
    problems.push(`${ours.name}: ${ours.stateMutability} != ${theirs.stateMutability}`);
  }
  return problems;
}

const functions = (iface: Interface) => iface.fragments.filter((f): f is FunctionFragment => f.type === 'function');

describe('staking ABI fragments', () => {
  it('are exactly the chain’s (tests/fixtures/iotex/iotex-staking.json)', () => {
    const chain = new Interface(chainAbi.abi);
    expect(functions(stakingInterface)).toHaveLength(STAKING_FRAGMENTS.length);
    expect(functions(stakingInterface).flatMap((f) => differences(f, chain))).toEqual([]);
    expect(functions(stakingInterface).map((f) => [f.name, f.selector])).toEqual([
      ['compositeBucketsByVoterV3', '0x2736514b'],
      ['candidatesV3', '0xb591758b'],
      ['candidateByIDV3', id('candidateByIDV3(address)').slice(0, 10)],
      ['bucketsCount', '0xfa87b185'],
    ]);
  });

  it('the comparison notices a wrong component name or type', () => {
    const chain = new Interface(chainAbi.abi);
    const renamed = new Interface([
      STAKING_FRAGMENTS[1].replace('uint256 totalWeightedVotes', 'uint256 totalVotes'),
    ]).getFunction('candidatesV3')!;
    expect(differences(renamed, chain).join('\n')).toMatch(/candidatesV3:\n\s+ours:.*totalVotes/);
    const retyped = new Interface([
      STAKING_FRAGMENTS[0].replace('uint64 endorsementExpireBlockHeight', 'uint256 endorsementExpireBlockHeight'),
    ]).getFunction('compositeBucketsByVoterV3')!;
    expect(differences(retyped, chain).join('\n')).toMatch(/compositeBucketsByVoterV3/);
  });

  it('go to the staking protocol’s address', () => {
    expect(STAKING_PROTOCOL_ADDRESS).toBe(getAddress(chainAbi.address));
    expect(STAKING_PROTOCOL_ADDRESS).toBe(NATIVE_STAKING_ADDRESS);
  });

  it('are offered identically by the native-staking stand-in', async () => {
    const standIn = new Interface((await loadStandIn()).abi);
    expect(functions(stakingInterface).flatMap((f) => differences(f, standIn))).toEqual([]);
  });
});

describe('Multicall3 and ERC-20 fragments', () => {
  it('have Multicall3’s and ERC-20’s selectors', () => {
    // Multicall3 (mds1/multicall): aggregate3 0x82ad56cb, getEthBalance 0x4d2301cc, getBlockNumber 0x42cbb15c.
    expect(multicall3Interface.getFunction('aggregate3')!.selector).toBe('0x82ad56cb');
    expect(multicall3Interface.getFunction('getEthBalance')!.selector).toBe('0x4d2301cc');
    expect(multicall3Interface.getFunction('getBlockNumber')!.selector).toBe('0x42cbb15c');
    expect(id('aggregate3((address,bool,bytes)[])').slice(0, 10)).toBe('0x82ad56cb');
    expect(erc20Interface.getFunction('balanceOf')!.selector).toBe('0x70a08231');
    expect(MULTICALL3_CANONICAL_ADDRESS).toBe(getAddress('0xca11bde05977b3631167028862be2a173976ca11'));
  });

  it('are offered identically by the Multicall3 and WIOTX stand-ins', async () => {
    const multicall = new Interface((await loadMulticall3StandIn()).abi);
    expect(functions(new Interface(MULTICALL3_FRAGMENTS)).flatMap((f) => differences(f, multicall))).toEqual([]);
    const wiotx = new Interface((await loadWiotxStandIn()).abi);
    expect(functions(new Interface(ERC20_FRAGMENTS)).flatMap((f) => differences(f, wiotx))).toEqual([]);
  });
});
