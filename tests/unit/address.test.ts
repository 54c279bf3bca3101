import { describe, expect, it } from '@jest/globals';
import { AddressError, bothForms, parseAddress, toIoAddress } from '../../server/address.js';

// The staking protocol's address in both forms, as IoTeX publishes it (../shared/IOTEX.md).
const STAKING_0X = '0x04C22AfaE6a03438b8FED74cb1Cf441168DF3F12';
const STAKING_IO = 'io1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r53';

describe('addresses', () => {
  it('converts between the 0x and io1 forms as IoTeX does', () => {
    expect(toIoAddress(STAKING_0X)).toBe(STAKING_IO);
    expect(parseAddress(STAKING_IO)).toBe(STAKING_0X);
    expect(parseAddress(STAKING_IO.toUpperCase())).toBe(STAKING_0X);
    expect(bothForms(STAKING_0X.toLowerCase())).toEqual({ address: STAKING_0X, ioAddress: STAKING_IO });
  });

  it.each([
    ['a bad checksum', 'io1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r54'],
    ['another prefix', 'it1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r53'],
    ['a mixed-case 0x with a wrong checksum', '0x04c22AfaE6a03438b8FED74cb1Cf441168DF3F12'],
    ['too short', '0x1234'],
    ['empty', ''],
  ])('refuses %s', (_label, text) => {
    expect(() => parseAddress(text)).toThrow(AddressError);
  });
});

describe('EIP-55 checksums (native keccak)', () => {
  it('agree with ethers getAddress on many addresses, and refuse a wrong mixed-case checksum', async () => {
    const { getAddress, Wallet } = await import('ethers');
    const { checksumAddress } = await import('../../server/checksum.js');
    for (let i = 0; i < 200; i++) {
      const address = Wallet.createRandom().address;
      expect(checksumAddress(address.toLowerCase())).toBe(getAddress(address.toLowerCase()));
      expect(checksumAddress(`0x${address.slice(2).toUpperCase()}`)).toBe(address);
    }
    expect(checksumAddress('0x04c22AfaE6a03438b8FED74cb1Cf441168DF3F12')).toBeUndefined();
    expect(checksumAddress('0x04C22AfaE6a03438b8FED74cb1Cf441168DF3F1')).toBeUndefined();
  });
});
