import { describe, expect, it } from '@jest/globals';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { hexlify, keccak256 as ethersKeccak, randomBytes, Wallet } from 'ethers';
import { keccak256 } from '../../server/keccak.js';
import { voteTree, type VoteLeaf } from '../../server/results/merkle.js';

// The native vote tree must be OpenZeppelin's StandardMerkleTree, root and proofs, for any number of
// leaves (odd ones and single leaves included), or the executor's verifyVote would refuse its proofs.

function randomVotes(n: number): VoteLeaf[] {
  return Array.from({ length: n }, (_, i) => ({
    voter: Wallet.createRandom().address,
    choice: (i % 3) + 1,
    // Powers from 0 to beyond 2^128, so the uint256 encoding is exercised in full.
    power: i % 4 === 0 ? 0n : BigInt(hexlify(randomBytes(1 + (i % 24)))),
    id: hexlify(randomBytes(32)),
  }));
}

const library = (votes: VoteLeaf[]) =>
  StandardMerkleTree.of(
    votes.map((v) => [v.voter, v.choice, v.power.toString(), v.id]),
    ['address', 'uint8', 'uint256', 'bytes32'],
  );

describe('native keccak256', () => {
  it("equals ethers' keccak256 for inputs of every length up to three blocks", () => {
    for (let length = 0; length <= 3 * 136 + 1; length++) {
      const data = Buffer.from(randomBytes(length));
      expect(`0x${keccak256(data).toString('hex')}`).toBe(ethersKeccak(data));
    }
  });
});

describe('vote Merkle tree', () => {
  it.each([1, 2, 3, 4, 5, 7, 8, 33, 200])("gives OpenZeppelin's root and proofs for %i votes", (n) => {
    const votes = randomVotes(n);
    const ours = voteTree(votes);
    const theirs = library(votes);
    expect(ours.root).toBe(theirs.root);
    votes.forEach((_, index) => expect(ours.proof(index)).toEqual(theirs.getProof(index)));
  });

  it('changes its root when any field of any vote changes', () => {
    const votes = randomVotes(9);
    const root = voteTree(votes).root;
    const changed = (i: number, field: Partial<VoteLeaf>) =>
      voteTree(votes.map((v, j) => (j === i ? { ...v, ...field } : v))).root;
    expect(changed(4, { power: votes[4]!.power + 1n })).not.toBe(root);
    expect(changed(0, { choice: votes[0]!.choice === 1 ? 2 : 1 })).not.toBe(root);
    expect(changed(8, { voter: Wallet.createRandom().address })).not.toBe(root);
    expect(changed(3, { id: hexlify(randomBytes(32)) })).not.toBe(root);
  });

  it('refuses an empty set', () => {
    expect(() => voteTree([])).toThrow('at least one leaf');
  });
});
