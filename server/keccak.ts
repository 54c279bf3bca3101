import { createKeccak } from 'hash-wasm';

// keccak256 for hot paths (every message's digest and signer, every Merkle node): hash-wasm's
// WebAssembly Keccak, one hasher reused for every hash. It costs about 1 µs for a short input, where
// the `keccak` package's native binding spends twice that crossing into C and its stream wrapper six
// times; ethers' JavaScript keccak is slower still.

const hasher = await createKeccak(256);

/** keccak256 of `data`, 32 bytes. */
export function keccak256(data: Uint8Array): Buffer {
  hasher.init();
  hasher.update(data);
  const digest = hasher.digest('binary');
  return Buffer.from(digest.buffer, digest.byteOffset, digest.byteLength);
}
