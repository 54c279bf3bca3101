import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
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
