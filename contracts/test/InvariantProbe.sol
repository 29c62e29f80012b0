// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {LockstepEscrow} from "../LockstepEscrow.sol";

/// @notice Test fixture: everything the escrow's invariant suite compares with its model, read in one
///         call (balances of every holder in every token, every escrow with its owed refunds, the
///         operator), so a check after each step costs one round trip. Never deployed outside tests.
/// @dev Not a view: after reading, it tries, as a stranger, to refund each open escrow whose deadline
///      has passed, each attempt undone before the next (so one cannot help or hinder another). It is
///      only ever run with eth_call, so nothing it does is kept.
contract InvariantProbe {
    /// The revert that carries a successful attempt out while undoing it.
    error RefundWentThrough();

    struct EscrowView {
        LockstepEscrow.Status status;
        uint64 deadline;
        bytes32 termsHash;
        LockstepEscrow.Leg[] legs;
        bool[] refundOwed;
    }

    /// Any other view call the suite needs with the same read (a test token's counters).
    struct Read {
        address target;
        bytes data;
    }

    struct Observation {
        address operator;
        /// balances[t * holders.length + h] = tokens[t].balanceOf(holders[h])
        uint256[] balances;
        /// One per id, in the order given.
        EscrowView[] escrows;
        /// The return data of each read, in the order given.
        bytes[] results;
        /// Per id: open, past its deadline, and a stranger's refund reverts.
        bool[] refundBlocked;
    }

    function observe(
        LockstepEscrow escrow,
        address[] calldata tokens,
        address[] calldata holders,
        bytes32[] calldata ids,
        Read[] calldata reads
    ) external returns (Observation memory o) {
        o.operator = escrow.operator();
        o.balances = _balances(tokens, holders);
        o.escrows = _escrows(escrow, ids);
        o.results = _reads(reads);
        o.refundBlocked = _tryRefunds(escrow, ids, o.escrows);
    }

    function _balances(address[] calldata tokens, address[] calldata holders) private view returns (uint256[] memory balances) {
        balances = new uint256[](tokens.length * holders.length);
        for (uint256 t = 0; t < tokens.length; ++t) {
            for (uint256 h = 0; h < holders.length; ++h) {
                balances[t * holders.length + h] = IERC20(tokens[t]).balanceOf(holders[h]);
            }
        }
    }

    function _escrows(LockstepEscrow escrow, bytes32[] calldata ids) private view returns (EscrowView[] memory escrows) {
        escrows = new EscrowView[](ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            EscrowView memory v = escrows[i];
            (v.status, v.deadline, v.termsHash, v.legs) = escrow.getEscrow(ids[i]);
            v.refundOwed = new bool[](v.legs.length);
            for (uint256 l = 0; l < v.legs.length; ++l) {
                v.refundOwed[l] = escrow.refundOwed(ids[i], l);
            }
        }
    }

    function _reads(Read[] calldata reads) private view returns (bytes[] memory results) {
        results = new bytes[](reads.length);
        for (uint256 r = 0; r < reads.length; ++r) {
            (bool ok, bytes memory data) = reads[r].target.staticcall(reads[r].data);
            require(ok, "read failed");
            results[r] = data;
        }
    }

    function _tryRefunds(LockstepEscrow escrow, bytes32[] calldata ids, EscrowView[] memory escrows)
        private
        returns (bool[] memory blocked)
    {
        blocked = new bool[](ids.length);
        for (uint256 i = 0; i < ids.length; ++i) {
            if (escrows[i].status != LockstepEscrow.Status.Registered || block.timestamp <= escrows[i].deadline) continue;
            try this.refundAndUndo(escrow, ids[i]) {}
            catch (bytes memory reason) {
                blocked[i] = bytes4(reason) != RefundWentThrough.selector;
            }
        }
    }

    /// @dev External so that its revert undoes the refund; always reverts.
    function refundAndUndo(LockstepEscrow escrow, bytes32 id) external {
        escrow.refund(id);
        revert RefundWentThrough();
    }
}
