import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../server/config.js';
import { defaultMulticallAddress } from '../../server/power/index.js';

describe('voting power configuration', () => {
  it('defaults: the chain’s Multicall3, and 7 days of 2.5 s blocks as the oldest snapshot', () => {
    expect(loadConfig({})).toMatchObject({ multicallAddress: undefined, snapshotMaxAgeBlocks: 241_920 });
    expect(defaultMulticallAddress(4689)).toBe('0xcA11bde05977b3631167028862bE2a173976CA11');
    expect(defaultMulticallAddress(31337)).toBe('0xcA11bde05977b3631167028862bE2a173976CA11');
    expect(defaultMulticallAddress(4690)).toBe('0xb5cecD6894c6f473Ec726A176f1512399A2e355d');
  });

  it('reads MULTICALL_ADDRESS (checksummed) and SNAPSHOT_MAX_AGE_BLOCKS', () => {
    const config = loadConfig({
      MULTICALL_ADDRESS: '0x9c8b105c94282cdb0f3ecf27e3cfa96a35c07be6',
      SNAPSHOT_MAX_AGE_BLOCKS: '1000',
    });
    expect(config).toMatchObject({
      multicallAddress: '0x9c8B105c94282CDB0F3ecF27e3cfA96A35c07be6',
      snapshotMaxAgeBlocks: 1000,
    });
  });

  it.each([
    ['MULTICALL_ADDRESS', '0x1234', /MULTICALL_ADDRESS="0x1234": must be a 0x address/],
    ['SNAPSHOT_MAX_AGE_BLOCKS', 'week', /SNAPSHOT_MAX_AGE_BLOCKS="week": must be a number of blocks/],
    ['SNAPSHOT_MAX_AGE_BLOCKS', '0', /SNAPSHOT_MAX_AGE_BLOCKS="0": must be at least 1/],
    ['SNAPSHOT_MAX_AGE_BLOCKS', '1.5', /SNAPSHOT_MAX_AGE_BLOCKS="1.5": must be a whole number/],
  ])('names %s when it is %p', (variable, value, message) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(message);
  });
});
