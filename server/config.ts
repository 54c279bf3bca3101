import path from 'node:path';
import { getAddress, isAddress } from 'ethers';
import { z } from 'zod';

// Every variable the service reads. Defaults run the whole stack on one machine with nothing
// installed; `.env.example` documents the same list.
const flag = z.enum(['true', 'false', '1', '0']).transform((value) => value === 'true' || value === '1');

const databaseUrl = z.string().refine((url) => /^(file:|postgres(ql)?:\/\/)/.test(url), {
  message: 'must start with file: (SQLite) or postgresql:// (PostgreSQL)',
});

const port = z.coerce
  .number({ message: 'must be a port number' })
  .int({ message: 'must be a whole number' })
  .min(0, { message: 'must be from 0 to 65535' })
  .max(65535, { message: 'must be from 0 to 65535' });

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const configSchema = z.object({
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: port.default(8080),
  DATA_DIR: z.string().min(1).default('data'),
  DATABASE_URL: databaseUrl.optional(),
  RPC_URL: httpUrl.optional(),
  LOCAL_CHAIN_PORT: port.default(8545),
  MULTICALL_ADDRESS: z
    .string()
    .refine((value) => isAddress(value), { message: 'must be a 0x address' })
    .transform((value) => getAddress(value))
    .optional(),
  IPFS_API_URL: httpUrl.optional(),
  IPFS_EMBEDDED_NETWORK: flag.default(true),
  SPACES_DIR: z.string().min(1).default('spaces/local'),
  SERVICE_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, { message: 'must be a 32-byte private key in 0x hex' })
    .optional(),
  SERVICE_ATTESTOR_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, { message: 'must be a 32-byte private key in 0x hex' })
    .optional(),
  RELAYER_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, { message: 'must be a 32-byte private key in 0x hex' })
    .optional(),
  ANCHOR_PRIVATE_KEY: z
    .string()
    .regex(/^0x[0-9a-fA-F]{64}$/, { message: 'must be a 32-byte private key in 0x hex' })
    .optional(),
  WALLET_RPC_URL: httpUrl.optional(),
  CHAIN_NAME: z.string().min(1).max(100).optional(),
  CHAIN_CURRENCY: z
    .string()
    .regex(/^[A-Za-z0-9]{2,6}$/, {
      message: 'must be a currency symbol of 2 to 6 letters or digits (EIP-3085), such as IOTX',
    })
    .optional(),
  CHAIN_EXPLORER_URL: httpUrl.optional(),
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_ADDRESS_PER_MINUTE: z.coerce.number().int().positive().default(60),
  RATE_LIMIT_GAS_PER_MINUTE: z.coerce.number().int().positive().default(20),
  RELAYER_SEND_TIMEOUT_SECONDS: z.coerce
    .number()
    .int()
    .min(1, { message: 'must be at least 1 (seconds)' })
    .max(3600, { message: 'must be at most 3600 (seconds)' })
    .default(60),
});

export type Env = z.input<typeof configSchema>;

export interface Config {
  host: string;
  port: number;
  dataDir: string;
  /** `file:<path>` for SQLite, `postgresql://…` for PostgreSQL. */
  databaseUrl: string;
  /** An existing chain's JSON-RPC endpoint; unset means `npm start` runs a local chain. */
  rpcUrl: string | undefined;
  localChainPort: number;
  /** Multicall3 used for contract reads (ERC-20 and IOTX balances); unset: the chain's known one. */
  multicallAddress: string | undefined;
  /** What wallets are told to add for the chain (server/chain/details.ts); unset: the chain's known one. */
  walletChain: { rpcUrl?: string; name?: string; currency?: string; explorerUrl?: string };
  /** A Kubo node's RPC endpoint; unset means the embedded Helia node. */
  ipfsApiUrl: string | undefined;
  /** Whether the embedded node joins the IPFS network (libp2p) or only stores locally. */
  ipfsEmbeddedNetwork: boolean;
  spacesDir: string;
  /** Signs receipts; unset: a key generated once in DATA_DIR/service-key. */
  servicePrivateKey: string | undefined;
  /** Signs the service's own attestations; unset: a key generated once in DATA_DIR/attestor-key. */
  attestorPrivateKey: string | undefined;
  /** Pays gas for queue and execute; unset: a key generated once in DATA_DIR/relayer-key. */
  relayerPrivateKey: string | undefined;
  /** How long a relayer transaction may stay unmined before it is replaced at a higher fee. */
  relayerSendTimeoutMs: number;
  /** Signed messages accepted per minute from one IP address, and from one signer. */
  rateLimitIpPerMinute: number;
  rateLimitAddressPerMinute: number;
  /** Actions whose gas is measured per minute for one IP address (POST /api/spaces/:id/action-gas). */
  rateLimitGasPerMinute: number;
  /** The key that sends log anchors: the sender a space's rules name (contracts/LogAnchor.sol). */
  anchorPrivateKey: string | undefined;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(configSchema.shape);
  // An empty value (`PORT=` in a .env file) means "use the default".
  const present = Object.fromEntries(
    known.flatMap((key) => (env[key] === undefined || env[key] === '' ? [] : [[key, env[key]]])),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => {
        const variable = String(issue.path[0]);
        return `${variable}=${JSON.stringify(env[variable])}: ${issue.message}`;
      }),
    );
  }
  const values = parsed.data;
  const dataDir = path.resolve(values.DATA_DIR);
  return {
    host: values.HOST,
    port: values.PORT,
    dataDir,
    databaseUrl: values.DATABASE_URL ?? `file:${path.join(dataDir, 'governance.db')}`,
    rpcUrl: values.RPC_URL,
    localChainPort: values.LOCAL_CHAIN_PORT,
    multicallAddress: values.MULTICALL_ADDRESS,
    walletChain: {
      rpcUrl: values.WALLET_RPC_URL,
      name: values.CHAIN_NAME,
      currency: values.CHAIN_CURRENCY,
      explorerUrl: values.CHAIN_EXPLORER_URL,
    },
    ipfsApiUrl: values.IPFS_API_URL,
    ipfsEmbeddedNetwork: values.IPFS_EMBEDDED_NETWORK,
    spacesDir: path.resolve(values.SPACES_DIR),
    servicePrivateKey: values.SERVICE_PRIVATE_KEY,
    attestorPrivateKey: values.SERVICE_ATTESTOR_PRIVATE_KEY,
    relayerPrivateKey: values.RELAYER_PRIVATE_KEY,
    relayerSendTimeoutMs: values.RELAYER_SEND_TIMEOUT_SECONDS * 1000,
    rateLimitIpPerMinute: values.RATE_LIMIT_IP_PER_MINUTE,
    rateLimitAddressPerMinute: values.RATE_LIMIT_ADDRESS_PER_MINUTE,
    rateLimitGasPerMinute: values.RATE_LIMIT_GAS_PER_MINUTE,
    anchorPrivateKey: values.ANCHOR_PRIVATE_KEY,
  };
}
