// npm run check-node -- [--rpc <url>] [--multicall <address>]: whether an RPC node can serve the
// service's staking reads at past blocks, with what it proved. Exit code 0: it can; 1: it cannot
// (the reason says which kind of node is needed); 2: the node did not answer.
import { parseArgs } from 'node:util';
import { connectChain } from '../server/chain/provider.js';
import { checkRpcNode } from '../server/power/index.js';

const USAGE = `usage: npm run check-node -- [--rpc <url>] [--multicall <address>]

  --rpc        the node's JSON-RPC (default $RPC_URL or http://127.0.0.1:8545)
  --multicall  Multicall3 on that chain (default $MULTICALL_ADDRESS or the chain's known one)`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      rpc: { type: 'string', default: process.env.RPC_URL || 'http://127.0.0.1:8545' },
      multicall: { type: 'string', default: process.env.MULTICALL_ADDRESS || undefined },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const chain = await connectChain(values.rpc!);
  try {
    console.log(`checking ${values.rpc} (chain id ${chain.chainId})…`);
    const result = await checkRpcNode(chain, values.multicall);
    const { node } = result;
    console.log(`  web3_clientVersion  ${node.clientVersion}`);
    console.log(`  head                ${node.head}`);
    if (node.archiveProbe) {
      const { block, executedAt } = node.archiveProbe;
      console.log(
        `  archive read        at block ${block}, executed as block ${executedAt} (an archive node: ${block + 1})`,
      );
    }
    if (node.bucketsAtBlock1 !== undefined) {
      console.log(`  buckets ever made   ${node.bucketsAtBlock1} at block 1, ${node.bucketsAtHead} at the head`);
    }
    if (result.ok) {
      console.log('OK: this node serves staking state at past blocks; the service counts stake from it.');
      return 0;
    }
    console.log(`REFUSED (${result.code}): ${result.reason}`);
    return 1;
  } finally {
    chain.provider.destroy();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`check-node: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(2);
  },
);
