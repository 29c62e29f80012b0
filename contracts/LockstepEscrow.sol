// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";

/// @title LockstepEscrow
/// @notice Holds the legs of many DvP settlements on one chain. Each settlement either pays every
///         leg to its recipient at once or returns every deposited leg to its depositor.
/// @dev The engine (operator) registers terms and triggers settlement; after the deadline anyone may
///      refund, so deposited funds never depend on the engine staying alive.
contract LockstepEscrow is ReentrancyGuard {
    using SafeERC20 for IERC20;

    enum Status {
        None,
        Registered,
        Settled,
        Refunded
    }

    struct LegTerms {
        address token;
        address depositor;
        address recipient;
        uint256 amount;
    }

    struct Leg {
        address token;
        address depositor;
        address recipient;
        uint256 amount;
        bool deposited;
    }

    struct Escrow {
        Status status;
        uint64 deadline;
        bytes32 termsHash;
        Leg[] legs;
    }

    address public operator;
    mapping(bytes32 id => Escrow) private _escrows;
    /// Refunds whose token transfer failed (a paused or blocklisting token), claimable later.
    mapping(bytes32 id => mapping(uint256 legIndex => bool)) private _refundOwed;

    event OperatorChanged(address indexed previousOperator, address indexed newOperator);
    event EscrowRegistered(bytes32 indexed id, uint64 deadline, uint256 legCount);
    event Deposited(
        bytes32 indexed id, uint256 indexed legIndex, address indexed depositor, address token, uint256 amount
    );
    event Settled(bytes32 indexed id);
    event LegRefunded(
        bytes32 indexed id, uint256 indexed legIndex, address indexed depositor, address token, uint256 amount
    );
    event Refunded(bytes32 indexed id);
    event LegRefundFailed(
        bytes32 indexed id, uint256 indexed legIndex, address indexed depositor, address token, uint256 amount
    );

    error NotOperator();
    error InvalidOperator();
    error NotDepositor();
    error WrongStatus(Status status);
    error DeadlinePassed();
    error DeadlineNotPassed();
    error AlreadyDeposited();
    error NotAllDeposited();
    error InvalidTerms();
    error EscrowExists(bytes32 id);
    error UnexpectedAmount();
    error LegOutOfRange();
    error NothingOwed();

    modifier onlyOperator() {
        if (msg.sender != operator) revert NotOperator();
        _;
    }

    constructor(address operator_) {
        _setOperator(operator_);
    }

    function setOperator(address newOperator) external onlyOperator nonReentrant {
        _setOperator(newOperator);
    }

    /// @dev Idempotent so the engine can blindly retry after a crash or a dropped transaction:
    ///      identical terms are a silent no-op (whatever the escrow's current status), different
    ///      terms under the same id are rejected.
    function register(bytes32 id, LegTerms[] calldata legs, uint64 deadline) external onlyOperator nonReentrant {
        Escrow storage e = _escrows[id];
        bytes32 termsHash = keccak256(abi.encode(legs, deadline));
        if (e.status != Status.None) {
            if (e.termsHash == termsHash) return;
            revert EscrowExists(id);
        }
        if (legs.length == 0 || deadline <= block.timestamp) revert InvalidTerms();

        e.status = Status.Registered;
        e.deadline = deadline;
        e.termsHash = termsHash;
        for (uint256 i = 0; i < legs.length; ++i) {
            LegTerms calldata t = legs[i];
            if (t.amount == 0 || t.token == address(0) || t.depositor == address(0) || t.recipient == address(0)) {
                revert InvalidTerms();
            }
            e.legs.push(Leg(t.token, t.depositor, t.recipient, t.amount, false));
        }
        emit EscrowRegistered(id, deadline, legs.length);
    }

    function deposit(bytes32 id, uint256 legIndex) external nonReentrant {
        Escrow storage e = _escrows[id];
        if (e.status != Status.Registered) revert WrongStatus(e.status);
        if (block.timestamp > e.deadline) revert DeadlinePassed();
        if (legIndex >= e.legs.length) revert LegOutOfRange();
        Leg storage leg = e.legs[legIndex];
        if (msg.sender != leg.depositor) revert NotDepositor();
        if (leg.deposited) revert AlreadyDeposited();

        leg.deposited = true;
        IERC20 token = IERC20(leg.token);
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), leg.amount);
        // Balances of all escrows are pooled per token, so a fee-on-transfer token would let one
        // settlement pay out of another's deposits.
        if (token.balanceOf(address(this)) != balanceBefore + leg.amount) revert UnexpectedAmount();

        emit Deposited(id, legIndex, msg.sender, leg.token, leg.amount);
    }

    function settle(bytes32 id) external onlyOperator nonReentrant {
        Escrow storage e = _escrows[id];
        if (e.status != Status.Registered) revert WrongStatus(e.status);
        // Strictly at or before the deadline: after it the public refund path is open, and the two
        // must never both be possible.
        if (block.timestamp > e.deadline) revert DeadlinePassed();
        uint256 legCount = e.legs.length;
        for (uint256 i = 0; i < legCount; ++i) {
            if (!e.legs[i].deposited) revert NotAllDeposited();
        }

        e.status = Status.Settled;
        for (uint256 i = 0; i < legCount; ++i) {
            Leg storage leg = e.legs[i];
            IERC20(leg.token).safeTransfer(leg.recipient, leg.amount);
        }
        emit Settled(id);
    }

    function refund(bytes32 id) external nonReentrant {
        Escrow storage e = _escrows[id];
        if (e.status != Status.Registered) revert WrongStatus(e.status);
        if (msg.sender != operator && block.timestamp <= e.deadline) revert DeadlineNotPassed();

        e.status = Status.Refunded;
        uint256 legCount = e.legs.length;
        for (uint256 i = 0; i < legCount; ++i) {
            Leg storage leg = e.legs[i];
            if (!leg.deposited) continue;
            // One token refusing its transfer must not hold every other depositor's funds hostage.
            if (IERC20(leg.token).trySafeTransfer(leg.depositor, leg.amount)) {
                emit LegRefunded(id, i, leg.depositor, leg.token, leg.amount);
            } else {
                _refundOwed[id][i] = true;
                emit LegRefundFailed(id, i, leg.depositor, leg.token, leg.amount);
            }
        }
        emit Refunded(id);
    }

    /// @notice Retries a refund whose transfer failed. Anyone may call it; the funds go to the depositor.
    function claimRefund(bytes32 id, uint256 legIndex) external nonReentrant {
        if (!_refundOwed[id][legIndex]) revert NothingOwed();
        _refundOwed[id][legIndex] = false;
        Leg storage leg = _escrows[id].legs[legIndex];
        IERC20(leg.token).safeTransfer(leg.depositor, leg.amount);
        emit LegRefunded(id, legIndex, leg.depositor, leg.token, leg.amount);
    }

    function refundOwed(bytes32 id, uint256 legIndex) external view returns (bool) {
        return _refundOwed[id][legIndex];
    }

    function getEscrow(bytes32 id)
        external
        view
        returns (Status status, uint64 deadline, bytes32 termsHash, Leg[] memory legs)
    {
        Escrow storage e = _escrows[id];
        return (e.status, e.deadline, e.termsHash, e.legs);
    }

    function _setOperator(address newOperator) private {
        if (newOperator == address(0)) revert InvalidOperator();
        emit OperatorChanged(operator, newOperator);
        operator = newOperator;
    }
}
