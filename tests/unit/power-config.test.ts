import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from '../../server/config.js';
import { defaultMulticallAddress } from '../../server/power/index.js';

describe('voting power configuration', () => {
  it('defaults: the chain’s Multicall3', () => {
    expect(loadConfig({})).toMatchObject({ multicallAddress: undefined });
    expect(defaultMulticallAddress(4689)).toBe('0xcA11bde05977b3631167028862bE2a173976CA11');
    expect(defaultMulticallAddress(31337)).toBe('0xcA11bde05977b3631167028862bE2a173976CA11');
    expect(defaultMulticallAddress(4690)).toBe('0xb5cecD6894c6f473Ec726A176f1512399A2e355d');
  });

  it('reads MULTICALL_ADDRESS (checksummed)', () => {
    const config = loadConfig({ MULTICALL_ADDRESS: '0x9c8b105c94282cdb0f3ecf27e3cfa96a35c07be6' });
    expect(config).toMatchObject({ multicallAddress: '0x9c8B105c94282CDB0F3ecF27e3cfA96A35c07be6' });
  });

  it.each([['MULTICALL_ADDRESS', '0x1234', /MULTICALL_ADDRESS="0x1234": must be a 0x address/]])(
    'names %s when it is %p',
    (variable, value, message) => {
      expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [variable]: value })).toThrow(message);
    },
  );
});
