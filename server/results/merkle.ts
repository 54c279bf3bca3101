import { keccak256 } from '../keccak.js';

// The Merkle tree over a result's counted votes, exactly as OpenZeppelin's StandardMerkleTree builds
// it (@openzeppelin/merkle-tree: standardLeafHash, sorted leaves, makeMerkleTree, standardNodeHash)
// and its MerkleProof verifies it, on Buffers with WebAssembly keccak (server/keccak.ts), where the
// library's hex strings and BigInt comparisons take minutes for a million votes (the JavaScript tree
// took 230 s). Tests hold it to the library's root and proofs.

/** One leaf: abi.encode(address voter, uint8 choice, uint256 power, bytes32 voteId). */
export interface VoteLeaf {
  voter: string;
  choice: number;
  power: bigint;
  id: string;
}

export interface VoteTree {
  /** 0x hex. */
  root: string;
  /** The proof of the leaf at `index` in the order given, sibling hashes from the leaf up (0x hex). */
  proof(index: number): string[];
}

const ZEROS_12 = '0'.repeat(24);
const ZEROS_31 = '0'.repeat(62);

/** keccak256(keccak256(abi.encode(address, uint8, uint256, bytes32))): the leaf hash, hashed twice against second-preimage attacks. */
export function voteLeafHash(leaf: VoteLeaf): Buffer {
  // The 128-byte encoding as one hex string, decoded at once: each word is left-padded to 32 bytes.
  const hex =
    ZEROS_12 +
    leaf.voter.slice(2) +
    ZEROS_31 +
    (leaf.choice < 16 ? '0' : '') +
    leaf.choice.toString(16) +
    leaf.power.toString(16).padStart(64, '0') +
    leaf.id.slice(2);
  return keccak256(keccak256(Buffer.from(hex, 'hex')));
}

const left = (i: number) => 2 * i + 1;
const sibling = (i: number) => (i % 2 === 1 ? i + 1 : i - 1);
const parent = (i: number) => Math.floor((i - 1) / 2);

/**
 * Rule: leaves sorted by hash, laid out from the end of a 2n−1 array (the first leaf last), every
 * internal node keccak256 of its two children, the smaller first (OpenZeppelin's commutative hash);
 * the root is the first node. Nodes live in one buffer, 32 bytes each, so a million votes make a few
 * objects rather than millions.
 */
export function voteTree(leaves: VoteLeaf[]): VoteTree {
  if (leaves.length === 0) throw new Error('a Merkle tree needs at least one leaf');
  // Sorted by their first six bytes as a number, the rest only on a tie: the same order as comparing
  // whole hashes, without a call into Buffer.compare for each of the n log n comparisons.
  const hashed = leaves.map((leaf, index) => {
    const hash = voteLeafHash(leaf);
    return { hash, index, key: hash.readUIntBE(0, 6) };
  });
  hashed.sort((a, b) => a.key - b.key || Buffer.compare(a.hash, b.hash));
  const size = 2 * leaves.length - 1;
  const nodes = Buffer.allocUnsafe(32 * size);
  const position = new Uint32Array(leaves.length);
  hashed.forEach(({ hash, index }, i) => {
    hash.copy(nodes, 32 * (size - 1 - i));
    position[index] = size - 1 - i;
  });
  const pair = Buffer.allocUnsafe(64);
  for (let i = size - 1 - leaves.length; i >= 0; i--) {
    const a = 32 * left(i);
    const b = a + 32;
    const ordered = nodes.compare(nodes, b, b + 32, a, a + 32) <= 0;
    nodes.copy(pair, 0, ordered ? a : b, (ordered ? a : b) + 32);
    nodes.copy(pair, 32, ordered ? b : a, (ordered ? b : a) + 32);
    keccak256(pair).copy(nodes, 32 * i);
  }
  const hex = (i: number) => `0x${nodes.toString('hex', 32 * i, 32 * i + 32)}`;
  return {
    root: hex(0),
    proof(index) {
      const proof: string[] = [];
      for (let i = position[index]!; i > 0; i = parent(i)) proof.push(hex(sibling(i)));
      return proof;
    },
  };
}
