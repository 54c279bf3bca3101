import { getCreateAddress, id, parseEther, type JsonRpcProvider } from 'ethers';
import { deployExecutor } from '../../scripts/lib/executor.js';
import { devWallet } from './signing.js';

// A space's executor for tests that only need one to exist (to measure gas floors, to sign against):
// deployed by development account #8 as its first transaction, holding 10 IOTX, with one attestor
// (account #9) that no service holds and rules no proposal signs, so nothing is ever queued or
// executed through it.

const deployer = devWallet(8);
export const TEST_EXECUTOR = getCreateAddress({ from: deployer.address, nonce: 0 });
/** The rules digest it accepts: a fixed value, the digest of no rules document. */
export const TEST_EXECUTOR_RULES = id('tests/support/executor.ts: rules no proposal signs');

export async function deployTestExecutor(provider: JsonRpcProvider): Promise<string> {
  const signer = deployer.connect(provider);
  await deployExecutor(signer, {
    attestors: [devWallet(9).address],
    threshold: 1,
    delay: 3600,
    gracePeriod: 7 * 24 * 3600,
    guardian: devWallet(9).address,
    rulesDigest: TEST_EXECUTOR_RULES,
  });
  await (await signer.sendTransaction({ to: TEST_EXECUTOR, value: parseEther('10') })).wait();
  return TEST_EXECUTOR;
}
