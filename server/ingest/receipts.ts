import { Signature, TypedDataEncoder, Wallet, verifyTypedData, type TypedDataField } from 'ethers';
import { governanceDomain, RECEIPT_TYPES } from '../messages/types.js';

// The service signs a receipt for every accepted message: proof, for the sender, that the message
// was accepted at that place in the log. Signing is deterministic (RFC 6979), so a resubmission gets
// the same receipt.

export interface ReceiptFields {
  id: string;
  cid: string;
  received: number;
  sequence: number;
  head: string;
}

export interface Receipt extends ReceiptFields {
  signer: string;
  signature: string;
}

const receiptTypes = { Receipt: [...RECEIPT_TYPES.Receipt] } as Record<string, TypedDataField[]>;

export class ReceiptSigner {
  private readonly wallet: Wallet;
  constructor(
    privateKey: string,
    private readonly chainId: number,
  ) {
    this.wallet = new Wallet(privateKey);
  }

  get address(): string {
    return this.wallet.address;
  }

  sign(fields: ReceiptFields): Receipt {
    const digest = TypedDataEncoder.hash(governanceDomain(this.chainId), receiptTypes, fields);
    return { ...fields, signer: this.wallet.address, signature: this.wallet.signingKey.sign(digest).serialized };
  }
}

/** Who signed a receipt (anyone can check one with this and the service's published address). */
export function receiptSigner(receipt: Receipt, chainId: number): string {
  const { signer: _signer, signature, ...fields } = receipt;
  return verifyTypedData(governanceDomain(chainId), receiptTypes, fields, Signature.from(signature));
}
