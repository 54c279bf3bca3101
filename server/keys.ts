import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Wallet } from 'ethers';

// The service's keys, one job each, so that no one key decides: receipts (what it accepted), its own
// attestations (what it tallied, one attestor among the executor's), and the relayer's gas. Each is
// configured, or generated once and kept in DATA_DIR (readable by the owner only), so receipts stay
// verifiable and the attestor and relayer stay the same accounts across restarts.

export const KEY_FILES = { receipts: 'service-key', attestor: 'attestor-key', relayer: 'relayer-key' } as const;

export type ServiceKeys = Record<keyof typeof KEY_FILES, string>;

/** `configured` when set; otherwise the key kept in DATA_DIR/`file`, made on first use. */
export function loadKey(configured: string | undefined, dataDir: string, file: string): string {
  if (configured) return configured;
  const keyFile = path.join(dataDir, file);
  if (existsSync(keyFile)) return readFileSync(keyFile, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const key = Wallet.createRandom().privateKey;
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);
  return key;
}

export function loadServiceKeys(config: {
  dataDir: string;
  servicePrivateKey: string | undefined;
  attestorPrivateKey: string | undefined;
  relayerPrivateKey: string | undefined;
}): ServiceKeys {
  return {
    receipts: loadKey(config.servicePrivateKey, config.dataDir, KEY_FILES.receipts),
    attestor: loadKey(config.attestorPrivateKey, config.dataDir, KEY_FILES.attestor),
    relayer: loadKey(config.relayerPrivateKey, config.dataDir, KEY_FILES.relayer),
  };
}

/** One of the service's keys, by what it does. */
export interface ServiceKey {
  role: 'receipts' | 'attestations' | 'relayer';
  address: string;
}

/**
 * Rule: an executor is in the service's hands when the keys of the service it lists as attestors
 * reach its threshold; the warning to print then, undefined otherwise.
 */
export function serviceHeldWarning(
  executor: { address: string; space: string; threshold: bigint },
  listedKeys: ServiceKey[],
): string | undefined {
  // A key given two jobs is one signer: counted once, named with both.
  const roles = new Map<string, { address: string; roles: string[] }>();
  for (const key of listedKeys) {
    const entry = roles.get(key.address.toLowerCase()) ?? { address: key.address, roles: [] };
    entry.roles.push(key.role);
    roles.set(key.address.toLowerCase(), entry);
  }
  const signers = [...roles.values()];
  if (signers.length === 0 || BigInt(signers.length) < executor.threshold) return undefined;
  const keys = signers.map((signer) => `${signer.address} (${signer.roles.join(', ')})`).join(', ');
  const own =
    listedKeys.length === 1 && listedKeys[0]!.role === 'attestations'
      ? "the service's attestation"
      : "the service's own keys";
  return `executor: WARNING: ${executor.address} (space "${executor.space}") queues an outcome on ${own} alone (${keys}, threshold ${executor.threshold}): run independent attestors at a threshold of at least 2, none of them a key of this service`;
}
