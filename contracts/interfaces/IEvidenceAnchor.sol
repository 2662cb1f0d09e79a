// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title Merkle-batched evidence (存证, 行为留痕)
/// @notice An accredited exchange anchors a batch of evidence items as one Merkle root, with the leaf count and
/// the CID of the manifest that lists the leaves. Gas does not depend on the batch size. A batch is identified by
/// (anchoring exchange, root): one exchange anchoring a root first cannot take another exchange's anchoring of it.
/// Leaves use the OpenZeppelin standard Merkle tree format over (bytes32 itemDigest, uint256 assetId):
/// leaf = keccak256(bytes.concat(keccak256(abi.encode(itemDigest, assetId)))) — see docs/merkle-leaf.md.
interface IEvidenceAnchor {
    /// @dev A stored batch (one slot).
    struct Batch {
        address exchange; // the anchoring exchange
        uint40 anchoredAt; // unix time anchored
        uint56 leafCount; // number of leaves in the tree
    }

    error EvidenceUnauthorized(address account); // caller is not an active exchange
    error EvidenceZeroAddress(); // a constructor dependency is the zero address
    error EvidenceZeroRoot(); // root is zero
    error EvidenceEmptyBatch(); // leaf count is zero
    error EvidenceMissingManifest(); // manifest CID is empty
    error EvidenceBatchExists(address exchange, bytes32 root); // this exchange anchored this root already
    error EvidenceBatchNotFound(address exchange, bytes32 root); // that exchange never anchored this root

    /// @notice Emitted when an exchange anchors a batch.
    event EvidenceAnchored(
        bytes32 indexed root,
        address indexed exchange,
        uint256 indexed assetId,
        uint56 leafCount,
        string manifestCid
    );

    /// @notice Anchors a batch. Caller: an active exchange.
    /// @param root Merkle root (OpenZeppelin standard tree) of the batch; with the caller, its id.
    /// @param leafCount Number of leaves.
    /// @param manifestCid IPFS CID of the manifest listing the leaves.
    /// @param assetId An asset the whole batch concerns, or 0. Not checked against the registry: evidence may be
    /// deposited before the asset is registered.
    function anchor(bytes32 root, uint56 leafCount, string calldata manifestCid, uint256 assetId) external;

    /// @notice True when `leaf` is in the batch `root` anchored by `exchange`, by `proof`.
    /// @param leaf The double-hashed leaf: keccak256(bytes.concat(keccak256(abi.encode(itemDigest, assetId)))).
    function verify(address exchange, bytes32 root, bytes32 leaf, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice True when the item (its SHA-256 digest and referenced asset or 0) is in the batch `root` anchored by
    /// `exchange`.
    function verifyItem(
        address exchange,
        bytes32 root,
        bytes32 itemDigest,
        uint256 assetId,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice The batch `root` anchored by `exchange`; reverts with EvidenceBatchNotFound if there is none.
    function getBatch(address exchange, bytes32 root) external view returns (Batch memory);

    /// @notice The leaf hash for an item, as `verify` expects it.
    function leafOf(bytes32 itemDigest, uint256 assetId) external pure returns (bytes32);

    // ----- additive (v1.0.0): configuration views -----

    /// @notice The participant registry this contract asks which exchanges are active.
    function participants() external view returns (address);

    /// @notice The data asset registry whose asset ids batches reference.
    function registry() external view returns (address);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);
}
