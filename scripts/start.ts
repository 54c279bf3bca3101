// npm start: the whole stack on one machine. Starts a local chain (unless RPC_URL names one),
// puts the staking stand-in and the demo stake on a development chain, then migrates the database,
// opens IPFS and serves the API until Ctrl-C.
import { existsSync } from 'node:fs';
import { JsonRpcProvider, Wallet } from 'ethers';
import { ConfigError, loadConfig } from '../server/config.js';
import { startService, type RunningService } from '../server/service.js';
import { loadServiceKeys } from '../server/keys.js';
import { ensureDemoExecutor } from './lib/demo-executor.js';
import { ensureLocalLogAnchor, LOCAL_ANCHOR_SENDER } from './lib/log-anchor.js';
import { seedDemoStake, demoStakeSummary } from './lib/demo-stake.js';
import { LOCAL_CHAIN_ID, startLocalChain, type LocalChain } from './lib/local-chain.js';
import { MULTICALL3_ADDRESS, installMulticall3 } from './lib/multicall-standin.js';
import { ensureWebBuild } from './lib/web-build.js';

const log = (line: string) => console.log(`[start] ${line}`);

async function main() {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const config = loadConfig();
  await ensureWebBuild({ log }); // web/dist, when missing or older than web/

  // What is running, for the signal handlers to stop.
  const running: { localChain?: LocalChain; service?: RunningService } = {};
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) {
      log('stopping now');
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: stopping…`);
    await running.service?.close();
    await running.localChain?.stop();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));

  let rpcUrl = config.rpcUrl;
  if (!rpcUrl) {
    log(`starting the local chain (Hardhat behind an iotex-core-like endpoint) on 127.0.0.1:${config.localChainPort}…`);
    // LOCAL_CHAIN_PORT=0: any free port.
    running.localChain = await startLocalChain({ port: config.localChainPort || undefined });
    rpcUrl = running.localChain.url;
  }
  const keys = loadServiceKeys(config);
  const development = await prepareDevelopmentChain(
    rpcUrl,
    { attestor: new Wallet(keys.attestor).address, relayer: new Wallet(keys.relayer).address },
    config.spacesDir,
  );
  // On the development chain, a development account anchors the demo space's log unless a key is set.
  const anchorPrivateKey = config.anchorPrivateKey ?? (development ? LOCAL_ANCHOR_SENDER.privateKey : undefined);

  const service = await startService({ ...config, rpcUrl, anchorPrivateKey }, log);
  running.service = service;
  console.log(`
IoTeX Governance is running
  Web       ${service.url}/
  API       ${service.url}/api/spaces
  Health    ${service.url}/api/health
  Chain     ${rpcUrl} (chain id ${service.chain.chainId})
  Database  ${service.db.kind}${service.db.kind === 'sqlite' ? ` (${config.databaseUrl.slice('file:'.length)})` : ''}
  IPFS      ${service.ipfs.backend}
Press Ctrl-C to stop.`);
}

/**
 * On a development chain (id 31337): Multicall3, the staking stand-in, the demo stake, the demo executor
 * (accepting the rules of the demo space in `spacesDir`) and the log anchor, once. Whether it is one.
 */
async function prepareDevelopmentChain(
  rpcUrl: string,
  keys: { attestor: string; relayer: string },
  spacesDir: string,
): Promise<boolean> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { cacheTimeout: -1 });
  try {
    const chainId = Number(await provider.send('eth_chainId', []));
    if (chainId !== LOCAL_CHAIN_ID) {
      log(`chain id ${chainId} is not the development chain: nothing deployed or seeded`);
      return false;
    }
    if ((await installMulticall3(provider)).installed) log(`Multicall3 installed at ${MULTICALL3_ADDRESS}`);
    const { seeded, blockNumber } = await seedDemoStake(provider);
    log(seeded ? `demo stake seeded (visible from block ${blockNumber}):` : 'demo stake already on the chain:');
    console.log(demoStakeSummary());
    await ensureDemoExecutor(provider, keys, log, spacesDir);
    log(`log anchor at ${await ensureLocalLogAnchor(provider)} (anchored by ${LOCAL_ANCHOR_SENDER.address})`);
    return true;
  } finally {
    provider.destroy();
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) console.error(error.message);
  else console.error(`[start] failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
