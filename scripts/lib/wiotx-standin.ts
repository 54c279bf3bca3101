// A WIOTX-like ERC-20 on the local chain, at WIOTX's mainnet address, for the erc20-balance
// strategy's tests and benchmarks.
import { Interface, getAddress, type JsonRpcProvider } from 'ethers';

import { installCode } from './multicall-standin.js';
import { getCompiledContract, type CompiledContract } from './solidity.js';

/** WIOTX on IoTeX mainnet (IOTEX.md). */
export const WIOTX_ADDRESS = getAddress('0xa00744882684c3e4747faefd68d283ea44099d03');

export function loadWiotxStandIn(): Promise<CompiledContract> {
  return getCompiledContract('WrappedIotxStandIn', { files: ['standins/WrappedIotxStandIn.sol'] });
}

export async function installWiotxStandIn(provider: JsonRpcProvider): Promise<{ installed: boolean }> {
  return installCode(provider, WIOTX_ADDRESS, (await loadWiotxStandIn()).deployedBytecode);
}

const wiotx = new Interface([
  'function deposit() payable',
  'function withdraw(uint256 value)',
  'function transfer(address to, uint256 value) returns (bool)',
]);

/**
 * Sends one transaction from `from` (impersonated and funded as needed) and resolves with the block
 * that holds it once mined. Hardhat automines: each transaction gets a block of its own.
 */
export async function sendAs(
  provider: JsonRpcProvider,
  from: string,
  tx: { to: string; data?: string; value?: bigint },
): Promise<number> {
  await provider.send('hardhat_impersonateAccount', [from]);
  const hash = (await provider.send('eth_sendTransaction', [
    { from, to: tx.to, data: tx.data ?? '0x', value: `0x${(tx.value ?? 0n).toString(16)}` },
  ])) as string;
  for (let i = 0; i < 600; i++) {
    const receipt = await provider.getTransactionReceipt(hash);
    if (receipt) {
      if (receipt.status !== 1) throw new Error(`transaction ${hash} from ${from} reverted`);
      return receipt.blockNumber;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no receipt for ${hash} after 30 s (is the chain automining?)`);
}

/** WIOTX actions of `from` (which needs the IOTX it deposits); each resolves with its block. */
export const wiotxActions = {
  deposit: (provider: JsonRpcProvider, from: string, value: bigint) =>
    sendAs(provider, from, { to: WIOTX_ADDRESS, data: wiotx.encodeFunctionData('deposit'), value }),
  withdraw: (provider: JsonRpcProvider, from: string, value: bigint) =>
    sendAs(provider, from, { to: WIOTX_ADDRESS, data: wiotx.encodeFunctionData('withdraw', [value]) }),
  transfer: (provider: JsonRpcProvider, from: string, to: string, value: bigint) =>
    sendAs(provider, from, { to: WIOTX_ADDRESS, data: wiotx.encodeFunctionData('transfer', [to, value]) }),
};
