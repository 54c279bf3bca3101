import { describe, expect, it } from '@jest/globals';
import { feeCeiling, replacementFees, type Fees } from '../../server/execution/fees.js';

// The rule for replacing a relayer transaction that is not mined: 20% more on every fee (nodes
// refuse a replacement for less than 10% more, go-ethereum's txpool; iotex-core for no more at all),
// or the network's price if higher, never beyond ten times the first fees, and none at all when the
// ceiling leaves less than 10%.

const eip1559 = (maxFeePerGas: bigint, maxPriorityFeePerGas: bigint): Fees => ({
  maxFeePerGas: maxFeePerGas.toString(),
  maxPriorityFeePerGas: maxPriorityFeePerGas.toString(),
});

describe('replacement fees', () => {
  const first = eip1559(100n, 10n);
  const ceiling = feeCeiling(first);

  it('raises the fee cap and the tip by 20% (rounded up)', () => {
    expect(replacementFees(first, eip1559(50n, 1n), ceiling)).toEqual(eip1559(120n, 12n));
    expect(replacementFees(eip1559(101n, 11n), eip1559(50n, 1n), ceiling)).toEqual(eip1559(122n, 14n));
  });

  it("takes the network's fees when they are higher than the bump", () => {
    expect(replacementFees(first, eip1559(300n, 30n), ceiling)).toEqual(eip1559(300n, 30n));
  });

  it('stops at ten times the first fees, and says when there is nothing left to raise', () => {
    expect(ceiling).toEqual(eip1559(1000n, 100n));
    expect(replacementFees(eip1559(900n, 90n), eip1559(50n, 1n), ceiling)).toEqual(eip1559(1000n, 100n));
    expect(replacementFees(eip1559(1000n, 100n), eip1559(5000n, 500n), ceiling)).toBeUndefined();
  });

  it('gives no replacement when the ceiling leaves less than 10% more (a node would refuse it)', () => {
    // go-ethereum's txpool asks 10% more on fee cap and tip; iotex-core any higher fee cap.
    expect(replacementFees(eip1559(950n, 95n), eip1559(50n, 1n), ceiling)).toBeUndefined();
    expect(replacementFees(eip1559(909n, 90n), eip1559(50n, 1n), ceiling)).toEqual(eip1559(1000n, 100n));
  });

  it('never lets the tip exceed the fee cap', () => {
    const tight = eip1559(100n, 100n);
    expect(replacementFees(tight, eip1559(50n, 500n), feeCeiling(tight))).toEqual(eip1559(120n, 120n));
  });

  it('raises a legacy gas price the same way', () => {
    const legacy: Fees = { gasPrice: '1000000000000' };
    expect(replacementFees(legacy, { gasPrice: '1' }, feeCeiling(legacy))).toEqual({ gasPrice: '1200000000000' });
    expect(replacementFees({ gasPrice: '10000000000000' }, { gasPrice: '1' }, feeCeiling(legacy))).toBeUndefined();
  });
});
