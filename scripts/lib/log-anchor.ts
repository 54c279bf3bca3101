// Deploys the log anchor (contracts/LogAnchor.sol), compiled with the npm solc (scripts/lib/solidity.ts).
// The ABI, the typed handle and reading and sending anchors live in server/anchor/contract.ts, which
// server code can import without solc; they are re-exported here.
import { ContractFactory, getCreateAddress, HDNodeWallet, Mnemonic, type JsonRpcProvider, type Signer } from 'ethers';

import { connectLogAnchor, type LogAnchor } from '../../server/anchor/contract.js';
import { DEMO_MNEMONIC } from './demo-stake.js';
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

// The local chain's log anchor: deployed by development account #18 as its first transaction, so its
// address is fixed (spaces/local/demo.json names it), and anchored by account #17, whose key npm start
// uses when ANCHOR_PRIVATE_KEY is unset. Development keys: never for a real chain.
const localAccount = (index: number) =>
  HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEMO_MNEMONIC), `m/44'/60'/0'/0/${index}`);
const LOCAL_DEPLOYER = localAccount(18);
export const LOCAL_LOG_ANCHOR_ADDRESS = getCreateAddress({ from: LOCAL_DEPLOYER.address, nonce: 0 });
export const LOCAL_ANCHOR_SENDER = localAccount(17);

/** Deploys the local chain's log anchor unless it is there already; its address. */
export async function ensureLocalLogAnchor(provider: JsonRpcProvider): Promise<string> {
  if ((await provider.getCode(LOCAL_LOG_ANCHOR_ADDRESS)) !== '0x') return LOCAL_LOG_ANCHOR_ADDRESS;
  const deployer = LOCAL_DEPLOYER.connect(provider);
  if ((await provider.getTransactionCount(deployer.address)) !== 0) {
    throw new Error(
      `the local log anchor's deployer has sent transactions already; ${LOCAL_LOG_ANCHOR_ADDRESS} stays empty`,
    );
  }
  await deployLogAnchor(deployer);
  return LOCAL_LOG_ANCHOR_ADDRESS;
}
