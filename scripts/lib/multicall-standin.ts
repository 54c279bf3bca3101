// Multicall3 on the local chain: the stand-in's runtime code at Multicall3's canonical address, as
// installNativeStakingStandIn does for the staking protocol, so contract reads (ERC-20 and IOTX
// balances) go through aggregate3 locally exactly as on IoTeX.
import type { JsonRpcProvider } from 'ethers';

import { MULTICALL3_CANONICAL_ADDRESS } from '../../server/power/abi.js';
import { getCompiledContract, type CompiledContract } from './solidity.js';

export const MULTICALL3_ADDRESS = MULTICALL3_CANONICAL_ADDRESS;

export function loadMulticall3StandIn(): Promise<CompiledContract> {
  return getCompiledContract('Multicall3StandIn', { files: ['standins/Multicall3StandIn.sol'] });
}

/** Puts the stand-in at MULTICALL3_ADDRESS unless that exact code is already there. */
export async function installMulticall3(provider: JsonRpcProvider): Promise<{ installed: boolean }> {
  return installCode(provider, MULTICALL3_ADDRESS, (await loadMulticall3StandIn()).deployedBytecode);
}

/**
 * hardhat_setCode, then one mined block, so that "code present" has a block number and historic
 * reads before it see none. Idempotent.
 */
export async function installCode(
  provider: JsonRpcProvider,
  address: string,
  deployedBytecode: string,
): Promise<{ installed: boolean }> {
  const current = (await provider.send('eth_getCode', [address, 'latest'])) as string;
  if (current.toLowerCase() === deployedBytecode.toLowerCase()) return { installed: false };
  await provider.send('hardhat_setCode', [address, deployedBytecode]);
  await provider.send('evm_mine', []);
  return { installed: true };
}
