// Deploys the log anchor (contracts/LogAnchor.sol), compiled with the npm solc (scripts/lib/solidity.ts).
// The ABI, the typed handle and reading and sending anchors live in server/anchor/contract.ts, which
// server code can import without solc; they are re-exported here.
import { ContractFactory, type Signer } from 'ethers';

import { connectLogAnchor, type LogAnchor } from '../../server/anchor/contract.js';
import { getCompiledContract, type CompiledContract } from './solidity.js';

export * from '../../server/anchor/contract.js';

export interface DeployedLogAnchor {
  contract: LogAnchor;
  address: string;
  /** Block of the deployment transaction. */
  blockNumber: number;
  gasUsed: bigint;
}

/** The compiled contract (abi, bytecode), cached in contracts/build. */
export function loadLogAnchorArtifact(): Promise<CompiledContract> {
  return getCompiledContract('LogAnchor', { files: ['LogAnchor.sol'] });
}

/** Deploys a LogAnchor (no constructor arguments) from `signer` and waits until it is mined. */
export async function deployLogAnchor(signer: Signer): Promise<DeployedLogAnchor> {
  const { abi, bytecode } = await loadLogAnchorArtifact();
  const deployed = await new ContractFactory(abi, bytecode, signer).deploy();
  const receipt = await deployed.deploymentTransaction()?.wait();
  if (!receipt || receipt.status !== 1) throw new Error('LogAnchor deployment failed');
  const address = await deployed.getAddress();
  return {
    contract: connectLogAnchor(address, signer),
    address,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  };
}
