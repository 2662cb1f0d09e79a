// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

/// @title Processing receipts (可用不可见, 行为留痕), Merkle-batched
/// @notice A licensee, or an operating domain it has named as its operator, anchors a batch of processing receipts
/// as one Merkle root with the leaf count and the CID of the manifest that lists them. Anchoring costs the same for
/// one receipt or a million. The contract does not judge a receipt: the indexer checks each against its licence
/// (window, purpose, revocation, licensee, submitter) and records what falls outside as a violation.
/// Leaves are OpenZeppelin standard-tree leaves over
/// (bytes32 licenceId, address licensee, bytes32 purposeDigest, bytes32 inputsRoot, bytes32 outputDigest,
///  bytes32 parametersDigest, uint64 start, uint64 end) — see docs/regulated-use.md.
interface IReceiptAnchor {
    /// @dev One processing receipt (the leaf's values).
    struct Receipt {
        bytes32 licenceId; // the licence used: keccak256(abi.encode(assetId, licensee, right)) in the registry
        address licensee; // who processed the data (the licence's grantee)
        bytes32 purposeDigest; // SHA-256 of the purpose document the job served; must be the licence's scope digest
        bytes32 inputsRoot; // root of the standard tree over ["bytes32"] of the input digests (assets or parts)
        bytes32 outputDigest; // SHA-256 of the output
        bytes32 parametersDigest; // SHA-256 of the job's parameters (canonical JSON)
        uint64 start; // unix time the job started
        uint64 end; // unix time the job ended (>= start)
    }

    /// @dev A stored batch (one slot).
    struct Batch {
        address submitter; // the licensee or operator that anchored it
        uint40 anchoredAt; // unix time anchored
        uint56 leafCount; // number of receipts
    }

    error ReceiptUnauthorized(address account); // caller is neither an active merchant nor an active exchange
    error ReceiptZeroAddress(); // a constructor dependency or operator is the zero address
    error ReceiptZeroRoot(); // root is zero
    error ReceiptEmptyBatch(); // leaf count is zero
    error ReceiptMissingManifest(); // manifest CID is empty
    error ReceiptBatchExists(bytes32 root); // this root is anchored already
    error ReceiptBatchNotFound(bytes32 root); // unknown batch
    error ReceiptOperatorUnchanged(address licensee, address operator, bool authorised); // nothing to change

    /// @notice Emitted when a licensee or operator anchors a batch of receipts.
    event ReceiptsAnchored(bytes32 indexed root, address indexed submitter, uint56 leafCount, string manifestCid);
    /// @notice Emitted when a licensee names (or stops naming) an operator that may anchor its receipts.
    event ReceiptOperatorSet(address indexed licensee, address indexed operator, bool authorised);

    /// @notice Anchors a batch. Caller: an active merchant (a licensee anchoring its own receipts, or an operating
    /// domain onboarded as a merchant) or an active exchange running an operating domain. Whose receipts the caller
    /// may anchor is checked per receipt by the indexer against `ReceiptOperatorSet` (a receipt anchored by someone
    /// who is neither its licensee nor its operator at that time is a violation).
    /// @param root Merkle root (OpenZeppelin standard tree) of the receipts; becomes the batch id.
    /// @param leafCount Number of receipts.
    /// @param manifestCid IPFS CID of the manifest listing the receipts.
    function anchor(bytes32 root, uint56 leafCount, string calldata manifestCid) external;

    /// @notice The caller (a licensee) authorises or de-authorises `operator` to anchor receipts for it.
    function setOperator(address operator, bool authorised) external;

    /// @notice True when `licensee` has authorised `operator`.
    function isOperator(address licensee, address operator) external view returns (bool);

    /// @notice True when `leaf` is in batch `batchId` by `proof`; reverts with ReceiptBatchNotFound if unknown.
    function verify(bytes32 batchId, bytes32 leaf, bytes32[] calldata proof) external view returns (bool);

    /// @notice True when `receipt` is in batch `batchId` by `proof`; reverts with ReceiptBatchNotFound if unknown.
    function verifyReceipt(bytes32 batchId, Receipt calldata receipt, bytes32[] calldata proof)
        external
        view
        returns (bool);

    /// @notice The stored batch; reverts with ReceiptBatchNotFound if unknown.
    function getBatch(bytes32 batchId) external view returns (Batch memory);

    /// @notice The double-hashed standard-tree leaf of `receipt`.
    function leafOf(Receipt calldata receipt) external pure returns (bytes32);

    /// @notice The participant registry this contract asks who is active.
    function participants() external view returns (address);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);
}
