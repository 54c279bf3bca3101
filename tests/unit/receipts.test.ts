import { describe, expect, it } from '@jest/globals';
import { hexlify, randomBytes, TypedDataEncoder, Wallet } from 'ethers';
import { ReceiptSigner, receiptSigner } from '../../server/ingest/receipts.js';
import { governanceDomain, RECEIPT_TYPES } from '../../server/messages/types.js';

// Receipts are signed natively (libsecp256k1 over the service's own EIP-712 hashing): the signature
// must be exactly the one ethers makes (both RFC 6979, low s), so anyone verifies it with any library.

describe('receipt signatures', () => {
  it("equal ethers' signature of the receipt's EIP-712 digest, and recover to the service key", () => {
    for (let i = 0; i < 50; i++) {
      const key = Wallet.createRandom();
      const chainId = i % 2 === 0 ? 4689 : 31337;
      const fields = {
        id: hexlify(randomBytes(32)),
        cid: `bagaaiera${i}`.padEnd(59, 'x'),
        received: 1_764_000_000 + i * 977,
        sequence: 1 + i * 31,
        head: hexlify(randomBytes(32)),
      };
      const receipt = new ReceiptSigner(key.privateKey, chainId).sign(fields);
      const types = { Receipt: [...RECEIPT_TYPES.Receipt] };
      const expected = key.signingKey.sign(TypedDataEncoder.hash(governanceDomain(chainId), types, fields)).serialized;
      expect(receipt.signature).toBe(expected);
      expect(receipt.signer).toBe(key.address);
      expect(receiptSigner(receipt, chainId)).toBe(key.address);
    }
  });
});
