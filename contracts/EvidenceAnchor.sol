// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {IEvidenceAnchor} from "./interfaces/IEvidenceAnchor.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";

/// @title Merkle-batched evidence (存证, 行为留痕)
/// @notice Stores one packed slot per batch, keyed by (anchoring exchange, Merkle root), so that no exchange can
/// squat another's root by anchoring it first; the manifest CID and the referenced asset
/// live in the `EvidenceAnchored` event only. Anchoring costs the same for one leaf or a million.
/// @dev Leaves are OpenZeppelin standard-tree leaves over (bytes32 itemDigest, uint256 assetId), double-hashed so
/// that no inner node (64 bytes) can pass for a leaf when items are checked with `verifyItem`. `verify` takes a
/// leaf hash as given: callers that hash their own leaves must double-hash them the same way (`leafOf`).
contract EvidenceAnchor is IEvidenceAnchor {
    /// @notice The participants contract that says which exchanges are active.
    IParticipantRegistry private immutable _participants;
    /// @notice The asset registry whose asset ids batches reference. A reference is not checked on chain: evidence
    /// is deposited before registration (存证 precedes 登记), so the asset may not exist yet; the indexer reports
    /// whether it does.
    IDataAssetRegistry private immutable _registry;

    // Anchored batches by exchange and Merkle root: one packed slot {exchange, anchoredAt, leafCount}.
    mapping(address exchange => mapping(bytes32 root => Batch batch)) private _batches;

    /// @param participants_ The ParticipantRegistry.
    /// @param registry_ The DataAssetRegistry.
    constructor(IParticipantRegistry participants_, IDataAssetRegistry registry_) {
        if (address(participants_) == address(0) || address(registry_) == address(0)) revert EvidenceZeroAddress();
        _participants = participants_;
        _registry = registry_;
    }

    /// @inheritdoc IEvidenceAnchor
    function anchor(bytes32 root, uint56 leafCount, string calldata manifestCid, uint256 assetId) external {
        if (root == bytes32(0)) revert EvidenceZeroRoot();
        if (leafCount == 0) revert EvidenceEmptyBatch();
        if (bytes(manifestCid).length == 0) revert EvidenceMissingManifest();
        if (_batches[msg.sender][root].exchange != address(0)) revert EvidenceBatchExists(msg.sender, root);
        if (!_participants.isActiveExchange(msg.sender)) revert EvidenceUnauthorized(msg.sender);

        _batches[msg.sender][root] =
            Batch({exchange: msg.sender, anchoredAt: uint40(block.timestamp), leafCount: leafCount});
        emit EvidenceAnchored(root, msg.sender, assetId, leafCount, manifestCid);
    }

    /// @inheritdoc IEvidenceAnchor
    /// @dev Reverts with EvidenceBatchNotFound for an unknown batch, so "not anchored" and "not in the batch"
    /// cannot be confused.
    function verify(address exchange, bytes32 root, bytes32 leaf, bytes32[] calldata proof)
        public
        view
        returns (bool)
    {
        _requireBatch(exchange, root);
        return MerkleProof.verifyCalldata(proof, root, leaf);
    }

    /// @inheritdoc IEvidenceAnchor
    /// @dev Reverts with EvidenceBatchNotFound for an unknown batch.
    function verifyItem(
        address exchange,
        bytes32 root,
        bytes32 itemDigest,
        uint256 assetId,
        bytes32[] calldata proof
    ) external view returns (bool) {
        return verify(exchange, root, leafOf(itemDigest, assetId), proof);
    }

    /// @inheritdoc IEvidenceAnchor
    function getBatch(address exchange, bytes32 root) external view returns (Batch memory) {
        return _requireBatch(exchange, root);
    }

    /// @inheritdoc IEvidenceAnchor
    function leafOf(bytes32 itemDigest, uint256 assetId) public pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(itemDigest, assetId))));
    }

    /// @inheritdoc IEvidenceAnchor
    function participants() external view returns (address) {
        return address(_participants);
    }

    /// @inheritdoc IEvidenceAnchor
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc IEvidenceAnchor
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _requireBatch(address exchange, bytes32 root) private view returns (Batch memory batch) {
        batch = _batches[exchange][root];
        if (batch.exchange == address(0)) revert EvidenceBatchNotFound(exchange, root);
    }
}
