import { getCreateAddress, HDNodeWallet, Mnemonic, parseEther, type JsonRpcProvider } from 'ethers';
import { DEMO_MNEMONIC } from './demo-stake.js';
import { deployExecutor } from './executor.js';

// The demo space's executor on the local chain: deployed by Hardhat account #19 as its first
// transaction, so its address is fixed (spaces/local/demo.json names it). In the default
// single-machine setup the service's key is the one attestor (threshold 1) and pays the relayer's gas.

const DEPLOYER = HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEMO_MNEMONIC), "m/44'/60'/0'/0/19");
export const DEMO_EXECUTOR_ADDRESS = getCreateAddress({ from: DEPLOYER.address, nonce: 0 });
/** Short enough to watch by hand: the timelock of the demo executor. */
export const DEMO_EXECUTOR_DELAY_SECONDS = 120;

export async function ensureDemoExecutor(
  provider: JsonRpcProvider,
  serviceAddress: string,
  log: (line: string) => void,
): Promise<void> {
  // The relayer (the service key by default) needs gas on the local chain.
  await provider.send('hardhat_setBalance', [serviceAddress, '0x3635c9adc5dea00000']); // 1,000 IOTX
  if ((await provider.send('eth_getCode', [DEMO_EXECUTOR_ADDRESS, 'latest'])) !== '0x') return;
  const deployer = DEPLOYER.connect(provider);
  if ((await provider.getTransactionCount(deployer.address)) !== 0) {
    log(`the demo executor's deployer has sent transactions already; ${DEMO_EXECUTOR_ADDRESS} stays empty`);
    return;
  }
  await deployExecutor(deployer, {
    attestors: [serviceAddress],
    threshold: 1,
    delay: DEMO_EXECUTOR_DELAY_SECONDS,
    gracePeriod: 7 * 24 * 3600,
    guardian: HDNodeWallet.fromMnemonic(Mnemonic.fromPhrase(DEMO_MNEMONIC), "m/44'/60'/0'/0/0").address,
  });
  await (await deployer.sendTransaction({ to: DEMO_EXECUTOR_ADDRESS, value: parseEther('1000') })).wait();
  log(
    `executor deployed at ${DEMO_EXECUTOR_ADDRESS} (attestor: the service key ${serviceAddress}; timelock ${DEMO_EXECUTOR_DELAY_SECONDS} s; treasury 1,000 IOTX)`,
  );
}
