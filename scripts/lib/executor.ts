// Deploys the governance executor (contracts/GovernanceExecutor.sol), compiled with the npm solc
// (scripts/lib/solidity.ts). The domain, types, signing and ABI live in server/execution/executor.ts, which
// server code can import without solc; they are re-exported here.
import { ContractFactory, type BigNumberish, type Signer } from 'ethers';

import { connectExecutor, type GovernanceExecutor } from '../../server/execution/executor.js';
import { getCompiledContract, type CompiledContract } from './solidity.js';

export * from '../../server/execution/executor.js';

/** The constructor's parameters (the contract checks them: see its custom errors). */
export interface ExecutorParams {
  attestors: string[];
  /** Distinct attestor signatures needed to queue an outcome: 1 to attestors.length. */
  threshold: BigNumberish;
  /** Timelock in seconds, 60 s to 30 days. */
  delay: BigNumberish;
  /** Seconds after the timelock during which a queued proposal can be executed, 1 hour to 30 days. */
  gracePeriod: BigNumberish;
  /** The account that may veto queued proposals. */
  guardian: string;
  /**
   * The digest of the rules document outcomes must be decided under (`spaceRules(space).digest`,
   * non-zero). A space's rules name its executor, so deploy at an address known beforehand (the
   * deployer's next CREATE address) and compute the digest of the rules that name it.
   */
  rulesDigest: string;
}

export interface DeployedExecutor {
  contract: GovernanceExecutor;
  address: string;
  /** Block of the deployment transaction. */
  blockNumber: number;
  gasUsed: bigint;
}

/** The compiled contract (abi, bytecode), cached in contracts/build. */
export function loadExecutorArtifact(): Promise<CompiledContract> {
  return getCompiledContract('GovernanceExecutor', { files: ['GovernanceExecutor.sol'] });
}

/** Deploys a GovernanceExecutor from `signer` and waits until it is mined. */
export async function deployExecutor(signer: Signer, params: ExecutorParams): Promise<DeployedExecutor> {
  const { abi, bytecode } = await loadExecutorArtifact();
  const factory = new ContractFactory(abi, bytecode, signer);
  const deployed = await factory.deploy(
    params.attestors,
    params.threshold,
    params.delay,
    params.gracePeriod,
    params.guardian,
    params.rulesDigest,
  );
  const receipt = await deployed.deploymentTransaction()?.wait();
  if (!receipt || receipt.status !== 1) throw new Error('GovernanceExecutor deployment failed');
  const address = await deployed.getAddress();
  return {
    contract: connectExecutor(address, signer),
    address,
    blockNumber: receipt.blockNumber,
    gasUsed: receipt.gasUsed,
  };
}
