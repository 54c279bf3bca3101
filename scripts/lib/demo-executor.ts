import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { getCreateAddress, HDNodeWallet, Mnemonic, parseEther, type JsonRpcProvider } from 'ethers';
import { spaceRules } from '../../server/spaces/rules.js';
import { spaceSchema } from '../../server/spaces/schema.js';
import { DEMO_MNEMONIC } from './demo-stake.js';
import { connectExecutor, deployExecutor } from './executor.js';
import { REPO_ROOT } from './solidity.js';

// The demo space's executor on the local chain: deployed by Hardhat account #19 as its first
// transaction, so its address is fixed (spaces/local/demo.json names it), and it accepts outcomes
// decided under the demo space's rules (their digest names that address, so it is known beforehand).
// In the default single-machine setup the service's key is the one attestor (threshold 1) and pays
// the relayer's gas.

const DEPLOYER = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEMO_MNEMONIC), "m/44'/60'/0'/0/19");
export const DEMO_EXECUTOR_ADDRESS = getCreateAddress({ from: DEPLOYER.address, nonce: 0 });
/** Short enough to watch by hand: the timelock of the demo executor. */
export const DEMO_EXECUTOR_DELAY_SECONDS = 120;
/** The demo space shipped for the local chain. */
export const DEMO_SPACE_FILE = path.join(REPO_ROOT, 'spaces/local/demo.json');

/**
 * The rules digest of the demo space (`spaceRules(space).digest`): its settings in `spacesDir` (the
 * service's SPACES_DIR) if it has a demo.json, else the ones shipped in spaces/local.
 */
export async function demoRulesDigest(spacesDir?: string): Promise<string> {
  const configured = spacesDir ? path.join(spacesDir, 'demo.json') : undefined;
  const file = configured && existsSync(configured) ? configured : DEMO_SPACE_FILE;
  const parsed = spaceSchema.safeParse(JSON.parse(await readFile(file, 'utf8')));
  if (!parsed.success) throw new Error(`${file}: not a valid space: ${parsed.error.issues[0]!.message}`);
  return spaceRules(parsed.data).digest;
}

export async function ensureDemoExecutor(
  provider: JsonRpcProvider,
  keys: { attestor: string; relayer: string },
  log: (line: string) => void,
  spacesDir?: string,
): Promise<void> {
  // The relayer needs gas on the local chain.
  await provider.send('hardhat_setBalance', [keys.relayer, '0x3635c9adc5dea00000']); // 1,000 IOTX
  const rulesDigest = await demoRulesDigest(spacesDir);
  if ((await provider.send('eth_getCode', [DEMO_EXECUTOR_ADDRESS, 'latest'])) !== '0x') {
    const accepted = await connectExecutor(DEMO_EXECUTOR_ADDRESS, provider).rulesDigest();
    if (accepted !== rulesDigest) {
      log(
        `the demo executor ${DEMO_EXECUTOR_ADDRESS} accepts the rules ${accepted}, the demo space's are now ${rulesDigest}: its proposals cannot be executed there (start a new chain, or change the digest by a proposal)`,
      );
    }
    return;
  }
  const deployer = DEPLOYER.connect(provider);
  if ((await provider.getTransactionCount(deployer.address)) !== 0) {
    log(`the demo executor's deployer has sent transactions already; ${DEMO_EXECUTOR_ADDRESS} stays empty`);
    return;
  }
  await deployExecutor(deployer, {
    attestors: [keys.attestor],
    threshold: 1,
    delay: DEMO_EXECUTOR_DELAY_SECONDS,
    gracePeriod: 7 * 24 * 3600,
    guardian: HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEMO_MNEMONIC), "m/44'/60'/0'/0/0").address,
    rulesDigest,
  });
  await (await deployer.sendTransaction({ to: DEMO_EXECUTOR_ADDRESS, value: parseEther('1000') })).wait();
  log(
    `executor deployed at ${DEMO_EXECUTOR_ADDRESS} (attestor: the service's attestation key ${keys.attestor}, alone: a demo; timelock ${DEMO_EXECUTOR_DELAY_SECONDS} s; rules: the demo space's, ${rulesDigest}; treasury 1,000 IOTX)`,
  );
}
