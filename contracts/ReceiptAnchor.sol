// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IReceiptAnchor} from "./interfaces/IReceiptAnchor.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";

/// @title Merkle-batched processing receipts (可用不可见, 行为留痕)
/// @notice One packed slot per batch, keyed by its Merkle root; the manifest CID lives in the event only. The
/// receipts themselves are judged off chain against their licences (docs/regulated-use.md): the chain fixes what was
/// claimed, when, and by whom, so a violation can be shown and never quietly dropped.
/// @dev Leaves are double-hashed (OpenZeppelin standard tree), so no 64-byte inner node passes for a leaf.
contract ReceiptAnchor is IReceiptAnchor {
    /// @notice The participants contract that says who is an active merchant or exchange.
    IParticipantRegistry private immutable _participants;

    // Anchored batches by Merkle root (= batch id): one packed slot {submitter, anchoredAt, leafCount}.
    mapping(bytes32 root => Batch batch) private _batches;
    // Operators each licensee has authorised to anchor its receipts.
    mapping(address licensee => mapping(address operator => bool authorised)) private _operators;

    /// @param participants_ The ParticipantRegistry.
    constructor(IParticipantRegistry participants_) {
        if (address(participants_) == address(0)) revert ReceiptZeroAddress();
        _participants = participants_;
    }

    /// @inheritdoc IReceiptAnchor
    function anchor(bytes32 root, uint56 leafCount, string calldata manifestCid) external {
        if (root == bytes32(0)) revert ReceiptZeroRoot();
        if (leafCount == 0) revert ReceiptEmptyBatch();
        if (bytes(manifestCid).length == 0) revert ReceiptMissingManifest();
        if (_batches[root].submitter != address(0)) revert ReceiptBatchExists(root);
        if (!_participants.isActiveMerchant(msg.sender) && !_participants.isActiveExchange(msg.sender)) {
            revert ReceiptUnauthorized(msg.sender);
        }

        _batches[root] = Batch({submitter: msg.sender, anchoredAt: uint40(block.timestamp), leafCount: leafCount});
        emit ReceiptsAnchored(root, msg.sender, leafCount, manifestCid);
    }

    /// @inheritdoc IReceiptAnchor
    function setOperator(address operator, bool authorised) external {
        if (operator == address(0)) revert ReceiptZeroAddress();
        if (_operators[msg.sender][operator] == authorised) {
            revert ReceiptOperatorUnchanged(msg.sender, operator, authorised);
        }
        _operators[msg.sender][operator] = authorised;
        emit ReceiptOperatorSet(msg.sender, operator, authorised);
    }

    /// @inheritdoc IReceiptAnchor
    function isOperator(address licensee, address operator) external view returns (bool) {
        return _operators[licensee][operator];
    }

    /// @inheritdoc IReceiptAnchor
    function verify(bytes32 batchId, bytes32 leaf, bytes32[] calldata proof) public view returns (bool) {
        _requireBatch(batchId);
        return MerkleProof.verifyCalldata(proof, batchId, leaf);
    }

    /// @inheritdoc IReceiptAnchor
    function verifyReceipt(bytes32 batchId, Receipt calldata receipt, bytes32[] calldata proof)
        external
        view
        returns (bool)
    {
        return verify(batchId, leafOf(receipt), proof);
    }

    /// @inheritdoc IReceiptAnchor
    function getBatch(bytes32 batchId) external view returns (Batch memory) {
        return _requireBatch(batchId);
    }

    /// @inheritdoc IReceiptAnchor
    function leafOf(Receipt calldata receipt) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(receipt))));
    }

    /// @inheritdoc IReceiptAnchor
    function participants() external view returns (address) {
        return address(_participants);
    }

    /// @inheritdoc IReceiptAnchor
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _requireBatch(bytes32 batchId) private view returns (Batch memory batch) {
        batch = _batches[batchId];
        if (batch.submitter == address(0)) revert ReceiptBatchNotFound(batchId);
    }
}
