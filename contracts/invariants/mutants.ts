// Deliberately broken builds of the escrow, each one defect a careless edit could make, compiled
// by the same pipeline as the real one. The invariant suite's own test runs each and must catch it:
// a suite that passes a broken escrow proves nothing about a correct one.

import type { Hex } from 'viem';
import { compile, readSource } from '../compile.ts';

export interface Mutant {
  name: string;
  /** Text of contracts/LockstepEscrow.sol and what replaces it; each must occur exactly once. */
  edits: [from: string, to: string][];
}

export const MUTANTS: Mutant[] = [
  {
    name: 'refund forgets the last leg',
    edits: [['e.status = Status.Refunded;\n        uint256 legCount = e.legs.length;', 'e.status = Status.Refunded;\n        uint256 legCount = e.legs.length - 1;']],
  },
  {
    name: 'settle after the deadline',
    edits: [['// must never both be possible.\n        if (block.timestamp > e.deadline) revert DeadlinePassed();\n', '// must never both be possible.\n']],
  },
  {
    name: 'deposit without the received-amount check',
    edits: [['if (token.balanceOf(address(this)) != balanceBefore + leg.amount) revert UnexpectedAmount();', 'balanceBefore;']],
  },
  {
    name: 'refund and claimRefund without the reentrancy guard',
    edits: [
      ['function refund(bytes32 id) external nonReentrant {', 'function refund(bytes32 id) external {'],
      ['function claimRefund(bytes32 id, uint256 legIndex) external nonReentrant {', 'function claimRefund(bytes32 id, uint256 legIndex) external {'],
    ],
  },
];

const ESCROW_SOURCE = 'contracts/LockstepEscrow.sol';

/** Creation bytecode of each mutant, by name, from one compiler run. */
export function compileMutants(mutants: Mutant[] = MUTANTS): Map<string, Hex> {
  const original = readSource(ESCROW_SOURCE);
  const sources: Record<string, string> = {};
  mutants.forEach((mutant, i) => {
    let text = original;
    for (const [from, to] of mutant.edits) {
      const count = text.split(from).length - 1;
      if (count !== 1) throw new Error(`mutant "${mutant.name}": ${ESCROW_SOURCE} contains its text ${count} times, not once; update the mutant`);
      text = text.replace(from, to);
    }
    sources[`contracts/mutants/${i}.sol`] = text;
  });
  const compiled = compile(sources);
  return new Map(
    mutants.map((mutant, i) => {
      const build = compiled.find((c) => c.sourceName === `contracts/mutants/${i}.sol` && c.contractName === 'LockstepEscrow');
      if (!build) throw new Error(`mutant "${mutant.name}" produced no LockstepEscrow`);
      return [mutant.name, build.bytecode];
    }),
  );
}
