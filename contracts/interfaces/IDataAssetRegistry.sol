// SPDX-License-Identifier: Apache-2.0
pragma solidity ^0.8.27;

import {AssetKind, AssetSource, DataLevel, Right, LicenceTerms, Licence} from "../common/Types.sol";

/// @title Data asset registry (数据资产登记) and licences (数据加工使用权, 数据产品经营权)
/// @notice Each asset is an ERC-721 token whose id is its content digest (uint256 of the SHA-256 of the data, or
/// of the dataset's Merkle root), so one digest is registered once across every exchange. Its owner holds the
/// holding right (数据资源持有权), which moves only through a recorded trade. Licences of the other rights are
/// granted by the holder (or, for product use, by a sub-licensing operator) and keyed by
/// keccak256(abi.encode(assetId, grantee, right)).
interface IDataAssetRegistry {
    /// @dev What an exchange submits to register an asset. The holder signs it as an EIP-712 `Application` (see
    /// DataAssetRegistry.APPLICATION_TYPEHASH) naming the registering exchange, so that no exchange can register, or
    /// squat, a digest in a merchant's name.
    struct Registration {
        bytes32 contentDigest; // SHA-256 of the data, or the Merkle root over a dataset's files; becomes the asset id
        address holder; // the merchant who will hold the asset; must be recognised at the registering exchange
        AssetKind kind; // resource, product, compute, model
        AssetSource source; // public, enterprise, personal
        DataLevel level; // general, important, core
        bytes32 metadataDigest; // SHA-256 of the metadata document (JSON, see docs/)
        string metadataCid; // IPFS CID of the metadata document
        bytes32 consentDigest; // SHA-256 of the consent proof; required for personal data, else may be zero
        uint256[] parents; // assets this one derives from (at most MAX_PARENTS); each needs holding or processing
        uint256 nonce; // the holder's application nonce (`applicationNonce`); `cancelApplications` voids older ones
        uint64 deadline; // the holder's application is void after this unix time
    }

    /// @dev An asset's record (stored in one slot; `exchange` is resolved from the stored exchange code).
    struct Asset {
        address exchange; // the registering exchange
        uint40 registeredAt; // unix time of registration
        uint32 sequence; // per-exchange registration sequence (starts at 1)
        AssetKind kind;
        AssetSource source;
        DataLevel level;
        uint8 status; // 1 registered, 2 notice, 3 objected, 4 refused, 5 cancelled (see DataAssetRegistry)
        bool frozen; // frozen by the regulator: cannot trade or license
        bool pledged; // pledged: holder cannot change, no exclusive licence
        bool personalLineage; // personal data, or derived from personal data not found de-identified
        bool deidentified; // the regulator recorded a de-identification finding: children do not inherit personal
        uint8 epoch; // registrations of this digest cancelled before this one (licences of earlier ones are void)
        uint64 stateNonce; // bumped on every change of rights (licence granted or revoked, pledge, reassignment)
        uint40 validUntil; // status 2-3: end of the notice; else end of validity; 0 = no end (unix time, midnight UTC)
    }

    error RegistryUnauthorized(address account); // caller may not do this
    error RegistryZeroAddress(); // an address argument is zero
    error RegistryAlreadyWired(); // modules were wired already
    error RegistryInvalidDigest(); // a required digest is zero
    error RegistryDuplicateDigest(uint256 assetId); // this content digest is already registered
    error RegistryAssetNotFound(uint256 assetId); // unknown asset
    error RegistryConsentRequired(uint256 assetId); // personal data without a consent-proof digest
    error RegistryTooManyParents(uint256 count, uint256 max); // more parents than MAX_PARENTS
    error RegistryParentUnauthorized(uint256 parentId, address holder); // neither holds nor may process parent
    error RegistrySelfParent(uint256 assetId); // an asset cannot derive from itself
    error RegistryAssetFrozen(uint256 assetId); // frozen assets cannot trade, license or be derived from
    error RegistryAssetNotFrozen(uint256 assetId); // unfreezing an asset that is not frozen
    error RegistryAssetPledged(uint256 assetId); // pledged assets cannot change holder or license exclusively
    error RegistryAssetNotPledged(uint256 assetId); // releasing a lock that is not there
    error RegistryCoreData(uint256 assetId); // core-level data never trades or is licensed
    error RegistryTransferOutsideTrade(); // the holding right moves only with a trade proof
    error RegistryInvalidRight(Right right); // Holding is not a licence; product use only via an operator
    error RegistryInvalidLicenceTerms(); // zero scope, or start >= end, or end in the past
    error RegistryNotGrantor(uint256 assetId, address account, Right right); // may not grant this right
    error RegistryLicenceActive(bytes32 licenceId); // a licence for this grantee and right is still in force
    error RegistryLicenceNotFound(bytes32 licenceId); // no such licence
    error RegistryLicenceNotRevocable(bytes32 licenceId); // the grantor cannot revoke an irrevocable licence
    error RegistryLicenceNotInForce(bytes32 licenceId); // already expired or revoked
    error RegistryExclusiveConflict(uint256 assetId, Right right); // an exclusive licence would overlap another
    error RegistryNotHolder(uint256 assetId, address account); // the account does not hold the asset
    error RegistryParticipantInactive(address account); // grantor or grantee is not an active merchant
    error RegistryDuplicateParent(uint256 parentId); // a parent listed twice (additive, v1.0.0)
    /// @dev An instant before a licence that replaced an earlier one: only the latest is kept (ask the indexer).
    error RegistryLicenceHistoryNotKept(bytes32 licenceId, uint256 timestamp);
    error RegistryInvalidSignature(address holder); // not the holder's signature over the application
    error RegistryApplicationExpired(uint64 deadline); // the holder's application has expired
    error RegistryInvalidNonce(address holder, uint256 nonce); // application for a cancelled (or future) nonce
    error RegistryApplicationMismatch(uint256 assetId); // reassignment: the application does not describe this asset
    error RegistryLevelBelowParent(uint256 parentId, DataLevel parentLevel); // a child below its parent's level
    error RegistryNotPersonalLineage(uint256 assetId); // de-identifying an asset with no personal lineage
    error RegistryAlreadyDeidentified(uint256 assetId); // a finding is recorded already
    error RegistryCancellationsExhausted(uint256 assetId); // a digest can be cancelled at most 255 times
    error RegistryStateChanged(uint256 assetId, uint64 expected, uint64 actual); // the rights changed since signing
    error RegistryAssetNotInForce(uint256 assetId, uint8 status); // under notice or objection, refused or cancelled
    error RegistryRegistrationExpired(uint256 assetId, uint40 validUntil); // validity ended: renew first
    error RegistryInvalidStatusChange(uint256 assetId, uint8 from, uint8 to); // final status, or no such status
    error RegistryAccountAlreadyOpen(address account); // the account's slot is non-zero already (v1.2.0)

    /// @notice Emitted when an exchange registers an asset (the ERC-721 Transfer from zero follows it).
    event AssetRegistered(
        uint256 indexed assetId,
        address indexed holder,
        address indexed exchange,
        bytes4 exchangeCode,
        uint32 sequence,
        AssetKind kind,
        AssetSource source,
        DataLevel level,
        bytes32 metadataDigest,
        string metadataCid,
        bytes32 consentDigest,
        uint256[] parents
    );
    /// @notice Emitted when the regulator freezes an asset.
    event AssetFrozen(uint256 indexed assetId, address indexed regulator, string reason);
    /// @notice Emitted when the regulator unfreezes an asset.
    event AssetUnfrozen(uint256 indexed assetId, address indexed regulator, string reason);
    /// @notice Emitted when the holding right moves by a recorded trade (the ERC-721 Transfer accompanies it).
    event HoldingTransferred(uint256 indexed assetId, address indexed from, address indexed to, uint256 tradeId);
    /// @notice Emitted when a licence is granted, directly (tradeId 0) or by a recorded trade.
    event LicenceGranted(
        bytes32 indexed licenceId,
        uint256 indexed assetId,
        address indexed grantee,
        address grantor,
        Right right,
        bytes32 scopeDigest,
        uint40 start,
        uint40 end,
        bool exclusive,
        bool sublicensable,
        bool revocable,
        uint256 tradeId
    );
    /// @notice Emitted when a licence is revoked; it confers nothing from `revokedAt` on.
    event LicenceRevoked(
        bytes32 indexed licenceId,
        uint256 indexed assetId,
        address indexed by,
        bool byRegulator,
        uint40 revokedAt,
        string reason
    );
    /// @notice Emitted when the pledge registry locks or unlocks an asset.
    event AssetPledgeLockChanged(uint256 indexed assetId, bool pledged, uint256 pledgeId);
    /// @notice Emitted when a holder voids every application it signed with a nonce below `nonce`.
    event ApplicationsCancelled(address indexed holder, uint256 nonce);
    /// @notice Emitted when the regulator cancels a registration (the ERC-721 Transfer to zero accompanies it). The
    /// digest is free again; a later registration of it gets `epoch` + 1 and none of the cancelled one's licences.
    event RegistrationCancelled(
        uint256 indexed assetId, address indexed holder, address indexed regulator, uint8 epoch, bytes32 reasonDigest
    );
    /// @notice Emitted when the regulator moves a registration to another holder who applied for it (the ERC-721
    /// Transfer accompanies it).
    event RegistrationReassigned(
        uint256 indexed assetId, address indexed from, address indexed to, address regulator, bytes32 reasonDigest
    );
    /// @notice Emitted when the regulator records a de-identification finding on an asset of personal lineage: its
    /// children no longer inherit the consent requirement.
    event AssetDeidentified(uint256 indexed assetId, address indexed regulator, bytes32 findingDigest);
    /// @notice Emitted once, when the deployer wires the trade recorder and pledge registry.
    event ModulesWired(address tradeRecorder, address pledgeRegistry);
    /// @notice Emitted at every lifecycle transition, and at registration unless the asset starts in force with no
    /// end (status 1, no validity term): the new status and the end of the notice (status 2, 3) or of the validity
    /// (status 1), 0 for none.
    event AssetStatusChanged(uint256 indexed assetId, uint8 status, uint40 validUntil);
    /// @notice Emitted once, when the deployer wires the registration lifecycle module.
    event LifecycleWired(address lifecycle);
    /// @notice Emitted when someone pays, ahead of time, for the first write of an account's holding slot (v1.2.0):
    /// no right, balance or nonce changes.
    event AccountOpened(address indexed account, address indexed by);

    /// @notice Registers an asset. Caller: an active exchange at which `r.holder` is recognised, holding the
    /// holder's signed application (EIP-712 `Application`, ECDSA or ERC-1271) that names this exchange.
    /// @dev Lineage: for each parent, `r.holder` must hold it or hold a processing licence in force now; the level is
    /// at least each parent's; personal lineage (a personal parent not found de-identified) needs a consent digest.
    /// @return assetId uint256(r.contentDigest)
    function register(Registration calldata r, bytes calldata holderSignature) external returns (uint256 assetId);

    /// @notice Voids every application the caller signed with its current nonce. Emits ApplicationsCancelled.
    function cancelApplications() external;

    /// @notice The holder's current application nonce.
    function applicationNonce(address holder) external view returns (uint256);

    /// @notice The EIP-712 digest the holder signs for `r` registered by `exchange`.
    function hashApplication(Registration calldata r, address exchange) external view returns (bytes32);

    /// @notice Cancels a registration made in bad faith. Regulator only; not while pledged. The token is burnt, the
    /// holder's application nonce advances (its old applications are void) and the digest is free again.
    function cancelRegistration(uint256 assetId, bytes32 reasonDigest) external;

    /// @notice Moves a registration to `r.holder`, who signed an application for it (same digest, the asset's
    /// registering exchange, kind, source and level). Regulator only; not while pledged or frozen.
    function reassignRegistration(
        uint256 assetId,
        Registration calldata r,
        bytes calldata holderSignature,
        bytes32 reasonDigest
    ) external;

    /// @notice Records the regulator's de-identification finding on an asset of personal lineage. Regulator only.
    function recordDeidentification(uint256 assetId, bytes32 findingDigest) external;

    /// @notice Freezes an asset (no trade, no licence, no derivation). Regulator only.
    function freeze(uint256 assetId, string calldata reason) external;

    /// @notice Unfreezes a frozen asset. Regulator only.
    function unfreeze(uint256 assetId, string calldata reason) external;

    /// @notice Grants a licence. Processing and Operating: by the holder. ProductUse: by the holder, or by a
    /// grantee of an Operating licence in force with the sublicensable flag.
    /// @return licenceId keccak256(abi.encode(assetId, grantee, right))
    function grantLicence(uint256 assetId, address grantee, Right right, LicenceTerms calldata terms)
        external
        returns (bytes32 licenceId);

    /// @notice Revokes a licence in force: by its grantor if revocable, by the regulator always.
    function revokeLicence(uint256 assetId, address grantee, Right right, string calldata reason) external;

    /// @notice Moves the holding right. Trade recorder only, after it has checked the seller's authorisation and the
    /// buyer's acceptance, which both name the asset's state nonce `expectedStateNonce` (RegistryStateChanged if a
    /// licence, revocation or pledge changed the rights since).
    function transferByTrade(uint256 assetId, address from, address to, uint256 tradeId, uint64 expectedStateNonce)
        external;

    /// @notice Grants a licence on the seller's behalf. Trade recorder only.
    function grantLicenceByTrade(
        uint256 assetId,
        address grantor,
        address grantee,
        Right right,
        LicenceTerms calldata terms,
        uint256 tradeId
    ) external returns (bytes32 licenceId);

    /// @notice Locks (`pledged` true, until the term's end `pledgeEnd`) or unlocks an asset. Pledge registry only.
    /// While locked: no change of holder, no exclusive or irrevocable licence, none ending after `pledgeEnd`, and no
    /// derivation the lender has not approved.
    function setPledgeLock(uint256 assetId, bool pledged, uint256 pledgeId, uint40 pledgeEnd) external;

    /// @notice Does `account` hold a licence of `right` on `assetId` in force at unix time `timestamp`? Answers from
    /// the latest licence of (asset, account, right); for an instant before it started, when it replaced an earlier
    /// one, reverts with RegistryLicenceHistoryNotKept: history is the indexer's (API rights-at).
    function isLicensed(uint256 assetId, address account, Right right, uint256 timestamp)
        external
        view
        returns (bool);

    /// @notice The stored licence for (assetId, grantee, right); zeroed if none.
    function getLicence(uint256 assetId, address grantee, Right right) external view returns (Licence memory);

    /// @notice The id of the licence for (assetId, grantee, right).
    function licenceIdOf(uint256 assetId, address grantee, Right right) external pure returns (bytes32);

    /// @notice The stored record of an asset; reverts with RegistryAssetNotFound if unknown.
    function getAsset(uint256 assetId) external view returns (Asset memory);

    /// @notice True when the asset is registered.
    function exists(uint256 assetId) external view returns (bool);

    /// @notice The human-readable registration number, e.g. "SHDE-2026-RE-00000012-M"
    /// (see docs/registration-number.md).
    function registrationNumber(uint256 assetId) external view returns (string memory);

    // ----- additive (v1.0.0): wiring and configuration views -----

    /// @notice Wires the trade recorder and the pledge registry, once. Deployer only. Emits ModulesWired.
    function wireModules(address tradeRecorder, address pledgeRegistry) external;

    /// @notice The participant registry this registry asks about roles and recognition.
    function participants() external view returns (address);

    /// @notice The wired trade recorder (zero before wiring).
    function tradeRecorder() external view returns (address);

    /// @notice The wired pledge registry (zero before wiring).
    function pledgeRegistry() external view returns (address);

    // ----- additive (v1.1.0): the registration lifecycle -----

    /// @notice Wires the registration lifecycle module (the lifecycle role), once. Deployer only.
    function wireLifecycle(address lifecycle) external;

    /// @notice Sets an asset's status and notice/validity end (UTC day number, 0 = none). Lifecycle module only;
    /// refused (4) and cancelled (5) are final. Emits AssetStatusChanged.
    function setStatus(uint256 assetId, uint8 status, uint16 untilDay) external;

    /// @notice Sets the notice length and validity term (days) applied to an exchange's next registrations.
    /// Lifecycle module only (which emits the event).
    function setExchangeTerms(address exchange, uint16 noticeDays, uint16 termDays) external;

    /// @notice The wired lifecycle module (zero before wiring).
    function lifecycle() external view returns (address);

    /// @notice An exchange's last registration sequence and its notice length and validity term in days.
    function exchangeTerms(address exchange)
        external
        view
        returns (uint32 lastSequence, uint16 noticeDays, uint16 termDays);

    // ----- additive (v1.2.0): gas -----

    /// @notice Pays, once, for the first write of `account`'s holding slot (its ERC-721 balance and application
    /// nonce), so that its first registration or purchase costs what any later one does (about 17k less). Anyone may
    /// call it for any non-zero account (an exchange when it onboards a merchant, the merchant itself); nothing else
    /// changes. An opened slot stays non-zero for good: selling the last asset then earns no 4.8k refund. Reverts with
    /// RegistryAccountAlreadyOpen when the slot is non-zero already (opened, holding, or a cancelled application).
    /// Emits AccountOpened.
    function openAccount(address account) external;

    /// @notice True when `account`'s holding slot is non-zero (opened, holding an asset, or a cancelled application):
    /// receiving an asset then pays no zero-to-non-zero write.
    function isAccountOpen(address account) external view returns (bool);

    /// @notice An asset's kind, source and level, without the registering exchange's address lookup of `getAsset`
    /// (what the cross-border check needs). Reverts with RegistryAssetNotFound if unknown.
    function assetClass(uint256 assetId) external view returns (AssetKind kind, AssetSource source, DataLevel level);

    /// @notice The most parents a registration may name.
    function MAX_PARENTS() external view returns (uint256);

    /// @notice The implementation version, "1.0.0".
    function version() external pure returns (string memory);
}
