// DEPLOYER_PRIVATE_KEY=0x… npm run deploy-anchor -- [--rpc <url>]: deploys the log anchor
// (contracts/LogAnchor.sol) and prints its address, the block, the gas the deployment used and the
// line that names it in a space file. Exit code 0: deployed; 1: the chain refused or reverted the
// deployment (e.g. the deployer has no IOTX for gas); 2: could not run (usage, or the chain did not answer).
import { parseArgs } from 'node:util';
import { Wallet, formatEther } from 'ethers';

import { connectChain } from '../server/chain/provider.js';
import { deployLogAnchor, loadLogAnchorArtifact } from './lib/log-anchor.js';
import { describeChainError } from '../server/chain/errors.js';

const USAGE = `usage: DEPLOYER_PRIVATE_KEY=0x… npm run deploy-anchor -- [--rpc <url>]

  DEPLOYER_PRIVATE_KEY  the deploying account's key: 0x and 64 hex digits (it pays the gas)
  --rpc                 the chain's JSON-RPC (default $RPC_URL or http://127.0.0.1:8545)`;

/** A refusal to run: printed with the usage, exit code 2. */
class UsageError extends Error {}

async function main(): Promise<number> {
  let values: { rpc?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      options: {
        rpc: { type: 'string', default: process.env.RPC_URL || 'http://127.0.0.1:8545' },
        help: { type: 'boolean' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const key = process.env.DEPLOYER_PRIVATE_KEY?.trim();
  if (!key) throw new UsageError('DEPLOYER_PRIVATE_KEY is not set');
  if (!/^0x[0-9a-fA-F]{64}$/.test(key)) throw new UsageError('DEPLOYER_PRIVATE_KEY must be 0x and 64 hex digits');
  const rpc = values.rpc!;
  if (!/^https?:\/\/./.test(rpc)) throw new UsageError(`--rpc must be an http(s) URL, not "${rpc}"`);

  const { bytecode } = await loadLogAnchorArtifact(); // compiles (or reads contracts/build) before touching the chain
  const chain = await connectChain(rpc);
  try {
    const deployer = new Wallet(key, chain.provider);
    console.log(`deploying LogAnchor from ${deployer.address} on chain ${chain.chainId} (${rpc})…`);
    let deployed;
    try {
      // Say plainly when the deployer cannot pay, rather than pass on the node's wording of it.
      const [balance, gasLimit, fees] = await Promise.all([
        chain.provider.getBalance(deployer.address),
        chain.provider.estimateGas({ from: deployer.address, data: bytecode }),
        chain.provider.getFeeData(),
      ]);
      const cost = gasLimit * (fees.maxFeePerGas ?? fees.gasPrice ?? 0n);
      if (balance < cost) {
        console.error(
          `deploy-anchor: ${deployer.address} has ${formatEther(balance)} IOTX; the deployment needs up to ${formatEther(cost)} IOTX for ${gasLimit} gas`,
        );
        return 1;
      }
      deployed = await deployLogAnchor(deployer);
    } catch (error) {
      console.error(`deploy-anchor: the deployment failed: ${describeChainError(error)}`);
      return 1;
    }
    const code = (await chain.provider.send('eth_getCode', [deployed.address, 'latest'])) as string;
    if (code === '0x') {
      console.error(`deploy-anchor: no code at ${deployed.address} after the deployment was mined`);
      return 1;
    }
    console.log(`LogAnchor deployed`);
    console.log(`  address  ${deployed.address}`);
    console.log(`  block    ${deployed.blockNumber}`);
    console.log(`  gas      ${deployed.gasUsed}`);
    console.log(
      `Name it in the space file (spaces/…/<space>.json), with the address of the service's ANCHOR_PRIVATE_KEY:`,
    );
    console.log(`  "anchor": { "contract": "${deployed.address}", "sender": "0x…" }`);
    return 0;
  } finally {
    chain.provider.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`deploy-anchor: ${error.message}\n\n${USAGE}`);
    } else {
      console.error(`deploy-anchor: ${error instanceof Error ? error.message : String(error)}`);
    }
    process.exit(2);
  },
);
