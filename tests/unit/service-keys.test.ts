import { describe, expect, it } from '@jest/globals';
import { serviceHeldWarning, type ServiceKey } from '../../server/keys.js';

// The start warning: an executor whose attestors include enough of the service's own keys (any of
// them, not only the attestation key) to reach its threshold would queue on the service's word alone.

const executor = (threshold: bigint) => ({ address: '0xE0', space: 'main', threshold });
const attestations: ServiceKey = { role: 'attestations', address: '0xA1' };
const relayer: ServiceKey = { role: 'relayer', address: '0xB2' };
const receipts: ServiceKey = { role: 'receipts', address: '0xC3' };

describe('the warning that an executor is in the service hands', () => {
  it('names the attestation key when it alone reaches the threshold', () => {
    expect(serviceHeldWarning(executor(1n), [attestations])).toBe(
      'executor: WARNING: 0xE0 (space "main") queues an outcome on the service\'s attestation alone (0xA1 (attestations), threshold 1): run independent attestors at a threshold of at least 2, none of them a key of this service',
    );
  });

  it('counts the relayer and receipt keys too', () => {
    expect(serviceHeldWarning(executor(1n), [relayer])).toContain(
      "on the service's own keys alone (0xB2 (relayer), threshold 1)",
    );
    expect(serviceHeldWarning(executor(2n), [attestations, receipts])).toContain(
      "on the service's own keys alone (0xA1 (attestations), 0xC3 (receipts), threshold 2)",
    );
  });

  it('counts a key given two jobs once', () => {
    const shared = { ...relayer, address: attestations.address.toLowerCase() };
    expect(serviceHeldWarning(executor(2n), [attestations, shared])).toBeUndefined();
    expect(serviceHeldWarning(executor(1n), [attestations, shared])).toContain(
      "on the service's own keys alone (0xA1 (attestations, relayer), threshold 1)",
    );
  });

  it('says nothing when the service keys listed stay below the threshold', () => {
    expect(serviceHeldWarning(executor(2n), [attestations])).toBeUndefined();
    expect(serviceHeldWarning(executor(3n), [attestations, relayer])).toBeUndefined();
    expect(serviceHeldWarning(executor(1n), [])).toBeUndefined();
  });
});
