import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { chainDetails } from '../../server/chain/details.js';
import { ConfigError, loadConfig } from '../../server/config.js';

describe('configuration', () => {
  it('runs on embedded defaults with an empty environment', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 8080,
      rpcUrl: undefined,
      ipfsApiUrl: undefined,
      ipfsEmbeddedNetwork: true,
      localChainPort: 8545,
    });
    expect(config.databaseUrl).toBe(`file:${path.resolve('data', 'governance.db')}`);
    expect(config.spacesDir).toBe(path.resolve('spaces/local'));
  });

  it('reads every variable and treats an empty value as unset', () => {
    const config = loadConfig({
      PORT: '9000',
      DATA_DIR: '/tmp/gov',
      DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/gov',
      RPC_URL: 'https://babel-api.mainnet.iotex.io',
      IPFS_API_URL: 'http://127.0.0.1:5001',
      IPFS_EMBEDDED_NETWORK: 'false',
      SPACES_DIR: 'spaces/mainnet',
      HOST: '',
    });
    expect(config).toMatchObject({
      port: 9000,
      host: '127.0.0.1',
      dataDir: '/tmp/gov',
      databaseUrl: 'postgresql://postgres@127.0.0.1:5432/gov',
      rpcUrl: 'https://babel-api.mainnet.iotex.io',
      ipfsApiUrl: 'http://127.0.0.1:5001',
      ipfsEmbeddedNetwork: false,
      spacesDir: path.resolve('spaces/mainnet'),
    });
  });

  it.each([
    ['PORT', 'eighty', /PORT="eighty": must be a port number/],
    ['PORT', '70000', /PORT="70000": must be from 0 to 65535/],
    ['DATABASE_URL', 'mysql://localhost/gov', /DATABASE_URL=.*file: \(SQLite\) or postgresql:\/\//],
    ['RPC_URL', 'ws://localhost:8545', /RPC_URL=.*http\(s\) URL/],
    ['IPFS_API_URL', 'not a url', /IPFS_API_URL=/],
    ['IPFS_EMBEDDED_NETWORK', 'yes', /IPFS_EMBEDDED_NETWORK="yes"/],
    ['LOCAL_CHAIN_PORT', '-1', /LOCAL_CHAIN_PORT="-1"/],
    ['WALLET_RPC_URL', 'ws://localhost:8545', /WALLET_RPC_URL=.*http\(s\) URL/],
    ['CHAIN_CURRENCY', 'I', /CHAIN_CURRENCY="I": must be a currency symbol of 2 to 6/],
    ['CHAIN_EXPLORER_URL', 'iotexscan.io', /CHAIN_EXPLORER_URL=/],
  ])('names %s when it is %p', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });

  it('lists every bad variable at once', () => {
    try {
      loadConfig({ PORT: 'x', RPC_URL: 'y' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect((error as ConfigError).problems).toHaveLength(2);
    }
  });
});

describe('the chain wallets are told to add (GET /api/service)', () => {
  it('is IoTeX mainnet with its public endpoint and explorer by default', () => {
    expect(chainDetails(4689, 'http://10.0.0.5:15014')).toEqual({
      chainId: 4689,
      name: 'IoTeX Mainnet',
      rpcUrl: 'https://babel-api.mainnet.iotex.io',
      currency: { name: 'IoTeX', symbol: 'IOTX', decimals: 18 },
      explorerUrl: 'https://iotexscan.io',
    });
  });

  it('is the endpoint the service reads for a chain it does not know, with no explorer', () => {
    expect(chainDetails(31337, 'http://127.0.0.1:18545')).toMatchObject({
      rpcUrl: 'http://127.0.0.1:18545',
      explorerUrl: null,
    });
  });

  it('takes every detail that is configured', () => {
    const config = loadConfig({
      WALLET_RPC_URL: 'https://rpc.example.org',
      CHAIN_NAME: 'Staging',
      CHAIN_CURRENCY: 'TIOTX',
      CHAIN_EXPLORER_URL: 'https://scan.example.org',
    });
    expect(chainDetails(4690, 'http://127.0.0.1:1', config.walletChain)).toEqual({
      chainId: 4690,
      name: 'Staging',
      rpcUrl: 'https://rpc.example.org',
      currency: { name: 'TIOTX', symbol: 'TIOTX', decimals: 18 },
      explorerUrl: 'https://scan.example.org',
    });
  });
});

describe('.env.example', () => {
  it('documents exactly the variables the service reads, with their defaults', async () => {
    const { readFileSync } = await import('node:fs');
    const { configSchema } = await import('../../server/config.js');
    const lines = readFileSync('.env.example', 'utf8').split('\n');
    const documented = Object.fromEntries(
      lines.filter((line) => /^[A-Z_]+=/.test(line)).map((line) => line.split('=', 2) as [string, string]),
    );
    expect(Object.keys(documented).sort()).toEqual(Object.keys(configSchema.shape).sort());
    // Loading the example as it stands gives the defaults.
    expect(loadConfig(documented)).toEqual(loadConfig({}));
  });
});
