// A contract's refusal of a call, as opposed to an RPC failure: what callers report or count.

import { BaseError, ContractFunctionRevertedError, parseAbi } from 'viem';

/**
 * OpenZeppelin's ERC-20 errors (IERC20Errors), which the demo tokens revert with and the escrow's
 * SafeERC20 passes on: added to an ABI, a refusal is decoded by name instead of a selector.
 */
export const erc20ErrorsAbi = parseAbi([
  'error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)',
  'error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)',
  'error ERC20InvalidSender(address sender)',
  'error ERC20InvalidReceiver(address receiver)',
  'error ERC20InvalidApprover(address approver)',
  'error ERC20InvalidSpender(address spender)',
]);

/** The contract's refusal in one line (its error's name, a reason string, or a selector), or undefined when `err` is no revert. */
export function revertReason(err: unknown): string | undefined {
  const revert = err instanceof BaseError ? err.walk((e) => e instanceof ContractFunctionRevertedError) : null;
  if (!(revert instanceof ContractFunctionRevertedError)) return undefined;
  return revert.data?.errorName ?? revert.reason ?? (revert.signature ? `error ${revert.signature}` : 'reverted');
}
