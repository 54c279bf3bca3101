import { describe, expect, it } from '@jest/globals';
import { getAddress, hexlify, randomBytes } from 'ethers';
import * as server from '../../server/address.js';
import * as web from '../../web/src/address.js';

// The web app cannot load server/address.ts (its checksum uses a native keccak module), so it has a
// browser-safe twin (bech32 + ethers getAddress). Both must give the same answer for every input.

const STAKING_0X = '0x04C22AfaE6a03438b8FED74cb1Cf441168DF3F12';
const STAKING_IO = 'io1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r53';

const answer = (parse: (text: string) => string, text: string) => {
  try {
    return { ok: parse(text) };
  } catch (error) {
    return { error: (error as Error).name };
  }
};

describe('web/src/address.ts agrees with server/address.ts', () => {
  it('on the staking address as IoTeX publishes it', () => {
    expect(web.toIoAddress(STAKING_0X)).toBe(STAKING_IO);
    expect(web.parseAddress(STAKING_IO)).toBe(STAKING_0X);
    expect(web.bothForms(STAKING_IO.toUpperCase())).toEqual(server.bothForms(STAKING_IO));
  });

  it('on 300 random addresses, in every form', () => {
    for (let i = 0; i < 300; i++) {
      const address = getAddress(hexlify(randomBytes(20)));
      const io = server.toIoAddress(address);
      for (const form of [
        address,
        address.toLowerCase(),
        `0x${address.slice(2).toUpperCase()}`,
        io,
        io.toUpperCase(),
      ]) {
        expect(web.parseAddress(form)).toBe(server.parseAddress(form));
        expect(web.toIoAddress(form)).toBe(server.toIoAddress(form));
        expect(web.bothForms(form)).toEqual(server.bothForms(form));
      }
    }
  });

  it.each([
    ['a bad bech32 checksum', 'io1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r54'],
    ['another prefix', 'it1qnpz47hx5q6r3w876axtrn6yz95d70cjl35r53'],
    ['mixed-case io1', 'io1Qnpz47hx5q6r3w876axtrn6yz95d70cjl35r53'],
    ['a mixed-case 0x with a wrong checksum', '0x04c22AfaE6a03438b8FED74cb1Cf441168DF3F12'],
    ['no 0x prefix', '04C22AfaE6a03438b8FED74cb1Cf441168DF3F12'],
    ['0X prefix', '0X04C22AfaE6a03438b8FED74cb1Cf441168DF3F12'],
    ['too short', '0x1234'],
    ['spaces around', ` ${STAKING_0X} `],
    ['empty', ''],
  ])('on %s', (_label, text) => {
    expect(answer(web.parseAddress, text)).toEqual(answer(server.parseAddress, text));
    expect(web.isAddress(text)).toBe(answer(server.parseAddress, text).ok !== undefined);
  });
});
