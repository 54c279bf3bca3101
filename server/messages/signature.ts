import { Interface, type JsonRpcProvider } from 'ethers';
import { checksumAddress } from '../checksum.js';
import secp256k1 from 'secp256k1';
import { keccak256 } from '../keccak.js';
import { MessageError } from './errors.js';

// ECDSA recovery runs natively (libsecp256k1): in JS it is the ingest bottleneck.

const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const EIP1271 = new Interface(['function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)']);
const EIP1271_MAGIC = '0x1626ba7e';

/** The address that signed `digest`, for a 65-byte (r, s, v) signature with a canonical low s. */
export function recoverSigner(digest: string, sig: string): string {
  const bytes = Buffer.from(sig.slice(2), 'hex');
  if (bytes.length !== 65)
    throw new MessageError(401, 'invalid_signature', 'an ECDSA signature is 65 bytes (r, s, v)', 'sig');
  const s = BigInt(`0x${bytes.subarray(32, 64).toString('hex')}`);
  // A high-s signature is the same signature in its malleable twin form; only one form is accepted.
  if (s > SECP256K1_HALF_N)
    throw new MessageError(
      401,
      'non_canonical_signature',
      'signature s must be in the lower half of the curve order (EIP-2)',
      'sig',
    );
  const v = bytes[64]!;
  const recovery = v >= 27 ? v - 27 : v;
  if (recovery !== 0 && recovery !== 1)
    throw new MessageError(401, 'invalid_signature', `signature v must be 27 or 28, got ${v}`, 'sig');
  let publicKey: Uint8Array;
  try {
    publicKey = secp256k1.ecdsaRecover(bytes.subarray(0, 64), recovery, Buffer.from(digest.slice(2), 'hex'), false);
  } catch {
    throw new MessageError(401, 'invalid_signature', 'no public key can be recovered from this signature', 'sig');
  }
  return checksumAddress(
    `0x${keccak256(Buffer.from(publicKey.subarray(1)))
      .subarray(12)
      .toString('hex')}`,
  )!;
}

/**
 * The form of an account's 65-byte signature that is stored: v as 27/28, lowercase hex. Wallets send
 * v as 0/1 or 27/28 for one signature; storing one form gives one document and one CID per message.
 */
export function canonicalSignature(sig: string): string {
  const bytes = Buffer.from(sig.slice(2), 'hex');
  if (bytes.length === 65 && bytes[64]! < 27) bytes[64] = bytes[64]! + 27;
  return `0x${bytes.toString('hex')}`;
}

/**
 * Checks that `from` signed `digest`: by ECDSA recovery for an account, or by EIP-1271
 * `isValidSignature` for a contract wallet, asked at `blockTag` (ingest: the latest block; the audit:
 * the block when the message was received, since a wallet may accept other signatures later). Throws a
 * 401 MessageError.
 */
export async function verifySigner(
  digest: string,
  sig: string,
  from: string,
  provider: JsonRpcProvider,
  blockTag = 'latest',
): Promise<'account' | 'contract'> {
  let recovered: string | undefined;
  let ecdsaError: MessageError | undefined;
  try {
    recovered = recoverSigner(digest, sig);
  } catch (error) {
    if (!(error instanceof MessageError)) throw error;
    ecdsaError = error;
  }
  if (recovered === from) return 'account';

  const code = (await provider.send('eth_getCode', [from, blockTag])) as string;
  if (code !== '0x') {
    let answer: string;
    try {
      answer = (await provider.send('eth_call', [
        { to: from, data: EIP1271.encodeFunctionData('isValidSignature', [digest, sig]) },
        blockTag,
      ])) as string;
    } catch {
      throw new MessageError(
        401,
        'bad_signature',
        `the contract wallet ${from} refused the signature (EIP-1271)`,
        'sig',
      );
    }
    if (answer.slice(0, 10).toLowerCase() === EIP1271_MAGIC) return 'contract';
    throw new MessageError(
      401,
      'bad_signature',
      `the contract wallet ${from} does not accept the signature (EIP-1271)`,
      'sig',
    );
  }
  if (ecdsaError) throw ecdsaError;
  throw new MessageError(401, 'bad_signature', `signed by ${recovered}, not by from (${from})`, 'sig');
}
