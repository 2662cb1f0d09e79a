// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {EIP712Verifier} from "./eip712/EIP712Verifier.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {IPledgeRegistry} from "./interfaces/IPledgeRegistry.sol";
import {AssetKind, AssetSource, DataLevel, Right, LicenceTerms, Licence} from "./common/Types.sol";
import {RegistrationNumber} from "./libraries/RegistrationNumber.sol";

/// @title Shuquan data asset registry (数据资产登记) with licences (数据加工使用权, 数据产品经营权)
/// @notice An ERC-721 ("Shuquan Data Asset", "SQDA") whose token id is the asset's content digest. The owner holds
/// the holding right; it moves only through `transferByTrade` (plain ERC-721 transfers and approvals revert).
/// Registration needs the holder's EIP-712 `Application` naming the registering exchange (ECDSA or ERC-1271); the
/// regulator can cancel (the digest is free again) or reassign a registration made in bad faith.
/// @dev Storage per asset, chosen for gas (see docs/gas.md):
/// - `_assets`: one packed slot {exchange code, registeredAt, sequence, class bits, status, flags, epoch, pledge end,
///   state nonce, until day} (the exchange's address is resolved from its code by the views);
/// - `_holdings`: one packed slot {holder, latest end of the non-exclusive licences of each right}. It replaces
///   OpenZeppelin's private `_owners` (overrides of `_ownerOf`, `_update` and `balanceOf`), so a non-exclusive
///   grant updates a slot it has already read instead of paying for a fresh one;
/// - `_exclusiveWindows`: one slot with the exclusive window of each licence right, read only on assets that have
///   ever had an exclusive licence (flag in `_assets`).
/// Metadata digest and CID, consent digest, parents and licence scopes live in events only.
///
/// Status (the registration lifecycle, driven by the wired RegistrationLifecycle, which holds the lifecycle role):
/// 1 registered and in force, 2 under public notice (公示), 3 under objection (异议), 4 refused (objection upheld),
/// 5 cancelled (注销). A registration whose validity end has passed stays 1 but is lapsed until renewed (续展).
/// Changes and corrections (变更、更正) keep the status; RegistrationLifecycle announces them. Status 0 is also what a
/// registration the regulator cancelled for bad faith (`cancelRegistration`) leaves: the digest is free again.
/// Every status and validity check lives in `_requireInForce`, which trade, licence, pledge and lineage all pass.
contract DataAssetRegistry is ERC721, EIP712Verifier, IDataAssetRegistry {
    /// @inheritdoc IDataAssetRegistry
    uint256 public constant MAX_PARENTS = 8;
    /// @notice EIP-712 type the holder signs (enums as uint8; `exchange` is the registering exchange):
    /// Application(bytes32 contentDigest,address holder,address exchange,uint8 kind,uint8 source,uint8 level,
    /// bytes32 metadataDigest,bytes32 consentDigest,uint256[] parents,uint256 nonce,uint64 deadline)
    bytes32 public constant APPLICATION_TYPEHASH = keccak256(
        "Application(bytes32 contentDigest,address holder,address exchange,uint8 kind,uint8 source,uint8 level,"
        "bytes32 metadataDigest,bytes32 consentDigest,uint256[] parents,uint256 nonce,uint64 deadline)"
    );
    /// @notice Status of a registered asset in force (unless its validity end has passed).
    uint8 public constant STATUS_REGISTERED = 1;
    /// @notice Status during the public notice (公示): not yet tradeable.
    uint8 public constant STATUS_NOTICE = 2;
    /// @notice Status during the notice while an objection (异议) is open.
    uint8 public constant STATUS_OBJECTED = 3;
    /// @notice Final status: an objection was upheld, the registration refused.
    uint8 public constant STATUS_REFUSED = 4;
    /// @notice Final status: cancelled (注销); the digest stays reserved.
    uint8 public constant STATUS_CANCELLED = 5;

    // Asset flags.
    uint8 private constant _FROZEN = 1;
    uint8 private constant _PLEDGED = 2;
    uint8 private constant _HAD_EXCLUSIVE = 4; // some exclusive licence was granted: consult _exclusiveWindows
    uint8 private constant _PERSONAL_LINEAGE = 8; // personal data, or derived from it: consent digest required
    uint8 private constant _DEIDENTIFIED = 16; // the regulator found it de-identified: children do not inherit 8

    // Licence flags (Types.sol: bit 0 exclusive, bit 1 sublicensable, bit 2 revocable, bit 3 revoked).
    uint8 private constant _LICENCE_EXCLUSIVE = 1;
    uint8 private constant _LICENCE_SUBLICENSABLE = 2;
    uint8 private constant _LICENCE_REVOCABLE = 4;
    uint8 private constant _LICENCE_REVOKED = 8;
    uint8 private constant _LICENCE_REGRANTED = 16; // an earlier licence of this id was overwritten

    // `_accounts` word: bit 127 marks an opened slot (it never returns to zero), bits 0-126 count the assets held.
    uint256 private constant _ACCOUNT_OPEN = 1 << 127;
    uint256 private constant _BALANCE_MASK = _ACCOUNT_OPEN - 1;

    /// @dev The stored asset record: exactly one slot (4 + 5 + 4 + 1 + 1 + 1 + 1 + 5 + 8 + 2 = 32 bytes).
    struct AssetRecord {
        bytes4 exchangeCode; // registering exchange's code (unique for the participant registry's life)
        uint40 registeredAt; // unix time of registration
        uint32 sequence; // per-exchange registration sequence, from 1
        uint8 class; // bits 0-1 kind, 2-3 source, 4-5 level
        uint8 status; // 0 none (never registered, or cancelled for bad faith), else STATUS_*
        uint8 flags; // _FROZEN | _PLEDGED | _HAD_EXCLUSIVE | _PERSONAL_LINEAGE | _DEIDENTIFIED
        uint8 epoch; // registrations of this digest cancelled so far; kept when the record is cleared
        uint40 pledgeEnd; // end of the term of the active pledge (0 when not pledged)
        uint64 stateNonce; // bumped on every change of rights; named by holding trades and pledge consents
        uint16 untilDay; // UTC day number (days since 1970-01-01) at whose start the notice (status 2, 3) or the
        // validity (status 1) ends; 0 = no end (an exchange without a validity term)
    }

    /// @dev Per exchange, one slot read and written by every registration: its last sequence and the terms the
    /// lifecycle module set for it (days; 0 = no notice / no validity term).
    struct ExchangeTerms {
        uint32 lastSequence;
        uint16 noticeDays;
        uint16 termDays;
    }

    /// @dev The holder and, per licence right r (1..3), the latest end (saturated to uint32) of the non-exclusive
    /// licences of r granted on the asset, in bits 32*(r-1) .. 32*r-1 of `nonExclusiveEnds`. One slot.
    struct Holding {
        address holder; // ERC-721 owner
        uint96 nonExclusiveEnds; // see above
    }

    /// @dev The participant registry (roles, recognition, exchange codes).
    IParticipantRegistry private immutable _participants;
    /// @dev The only account allowed to wire the modules.
    address private immutable _deployer;

    /// @dev The trade recorder: the only caller of transferByTrade and grantLicenceByTrade.
    address private _tradeRecorder;
    /// @dev The pledge registry: the only caller of setPledgeLock.
    address private _pledgeRegistry;
    /// @dev Asset records by asset id (uint256 content digest).
    mapping(uint256 assetId => AssetRecord record) private _assets;
    /// @dev Holder and non-exclusive licence ends by asset id.
    mapping(uint256 assetId => Holding holding) private _holdings;
    /// @dev Per account, one slot: the ERC-721 balance in bits 0-126 (replaces OpenZeppelin's private `_balances`, with
    /// `_holdings`), the "open" mark in bit 127 and the application nonce in bits 128-255, so that checking a new
    /// holder's nonce and counting its first asset touch one slot. The mark, set by `openAccount`, keeps the slot
    /// non-zero when the balance and nonce are zero: the zero-to-non-zero write (20k) is paid once, ahead, outside a
    /// registration or trade, and the slot is never cleared (so selling the last asset earns no refund). Without it the
    /// slot behaves as OpenZeppelin's balance: 0→1 costs 20k, 1→0 refunds 4.8k.
    mapping(address account => uint256 countAndNonce) private _accounts;
    /// @dev Exclusive windows by asset: right r (1..3) has start at bits 80*(r-1), end at 80*(r-1)+40 (uint40s).
    mapping(uint256 assetId => uint256 windows) private _exclusiveWindows;
    /// @dev Licences by licence id keccak256(abi.encode(assetId, grantee, uint8(right))).
    mapping(bytes32 licenceId => Licence licence) private _licences;
    /// @dev Last registration sequence and lifecycle terms of each exchange.
    mapping(address exchange => ExchangeTerms terms) private _exchangeTerms;
    /// @dev The registration lifecycle module: the only holder of the lifecycle role (setStatus, setExchangeTerms).
    address private _lifecycle;

    /// @param participants_ The participant registry; must not be zero.
    constructor(IParticipantRegistry participants_)
        ERC721("Shuquan Data Asset", "SQDA")
        EIP712Verifier("Shuquan DataAssetRegistry", "1")
    {
        if (address(participants_) == address(0)) revert RegistryZeroAddress();
        _participants = participants_;
        _deployer = msg.sender;
    }

    // ------------------------------------------------------------------ wiring

    /// @inheritdoc IDataAssetRegistry
    function wireModules(address tradeRecorder_, address pledgeRegistry_) external {
        if (msg.sender != _deployer) revert RegistryUnauthorized(msg.sender);
        if (_tradeRecorder != address(0)) revert RegistryAlreadyWired();
        if (tradeRecorder_ == address(0) || pledgeRegistry_ == address(0)) revert RegistryZeroAddress();
        _tradeRecorder = tradeRecorder_;
        _pledgeRegistry = pledgeRegistry_;
        emit ModulesWired(tradeRecorder_, pledgeRegistry_);
    }

    /// @inheritdoc IDataAssetRegistry
    function wireLifecycle(address lifecycle_) external {
        if (msg.sender != _deployer) revert RegistryUnauthorized(msg.sender);
        if (_lifecycle != address(0)) revert RegistryAlreadyWired();
        if (lifecycle_ == address(0)) revert RegistryZeroAddress();
        _lifecycle = lifecycle_;
        emit LifecycleWired(lifecycle_);
    }

    // ------------------------------------------------------------------ registration

    /// @inheritdoc IDataAssetRegistry
    /// @dev Order: the caller must be an active exchange at which the holder is recognised (the participant
    /// registry's `ParticipantsExchangeNotActive` / `ParticipantsNotRecognised` bubble up); then the digests, the
    /// duplicate check, the holder's application (deadline, nonce, signature), and lineage (each parent: not the
    /// asset itself, listed once, registered, not frozen, in force, held by the holder or licensed to it for
    /// processing at this moment, at a level no higher than the child's), and consent (personal source or personal
    /// lineage). The exchange's notice length and validity term come from the slot that holds its sequence: no extra
    /// read. With a notice the asset starts in STATUS_NOTICE until the notice ends; without one it is in force at
    /// once, for the validity term.
    function register(Registration calldata r, bytes calldata holderSignature) external returns (uint256 assetId) {
        address holder = r.holder;
        if (holder == address(0)) revert RegistryZeroAddress();
        bytes4 code = _requireRecognised(msg.sender, holder);

        if (r.contentDigest == 0 || r.metadataDigest == 0) revert RegistryInvalidDigest();
        assetId = uint256(r.contentDigest);
        AssetRecord storage record = _assets[assetId];
        uint40 now_ = _time();
        uint256 word;
        {
            uint8 epoch = record.epoch;
            if (record.status != 0) revert RegistryDuplicateDigest(assetId);
            _checkApplication(r, msg.sender, holderSignature);
            word = _recordWord(r, code, now_, _checkLineage(assetId, r, now_), epoch);
        }
        (uint32 sequence, uint8 status, uint16 untilDay) = _nextRegistration(now_);
        word |= (uint256(sequence) << 72) | (uint256(status) << 112) | (uint256(untilDay) << 240);
        // One SSTORE of the whole record (assigning the ten-field struct costs one SSTORE per field).
        assembly ("memory-safe") {
            sstore(record.slot, word)
        }
        _emitRegistered(r, assetId, code, sequence);
        // Without notice or term (an exchange that does not practise the lifecycle) the asset is simply in force:
        // AssetRegistered says so, and the status event is saved.
        if (untilDay != 0) emit AssetStatusChanged(assetId, status, uint40(untilDay) * 1 days);
        _mint(holder, assetId);
    }

    /// @inheritdoc IDataAssetRegistry
    function cancelApplications() external {
        uint256 nonce = (_accounts[msg.sender] >> 128) + 1;
        _accounts[msg.sender] += 1 << 128;
        emit ApplicationsCancelled(msg.sender, nonce);
    }

    /// @inheritdoc IDataAssetRegistry
    function openAccount(address account) external {
        if (account == address(0)) revert RegistryZeroAddress();
        if (_accounts[account] != 0) revert RegistryAccountAlreadyOpen(account);
        _accounts[account] = _ACCOUNT_OPEN;
        emit AccountOpened(account, msg.sender);
    }

    /// @inheritdoc IDataAssetRegistry
    function isAccountOpen(address account) external view returns (bool) {
        return _accounts[account] != 0;
    }

    /// @inheritdoc IDataAssetRegistry
    /// @dev The slot is cleared but for its epoch, which goes up by one: a later registration of the digest reuses
    /// the asset id, and every licence stored under the old epoch confers nothing. The holder's application nonce
    /// advances, so the application behind the cancelled registration cannot be replayed.
    function cancelRegistration(uint256 assetId, bytes32 reasonDigest) external {
        _onlyRegulator();
        AssetRecord memory a = _requireAsset(assetId);
        if (a.flags & _PLEDGED != 0) revert RegistryAssetPledged(assetId);
        if (a.epoch == type(uint8).max) revert RegistryCancellationsExhausted(assetId);
        address holder = _holdings[assetId].holder;
        _update(address(0), assetId, address(0));
        _accounts[holder] += 1 << 128;
        delete _holdings[assetId];
        delete _exclusiveWindows[assetId];
        uint8 epoch = a.epoch + 1;
        delete _assets[assetId];
        _assets[assetId].epoch = epoch;
        emit RegistrationCancelled(assetId, holder, msg.sender, epoch, reasonDigest);
    }

    /// @inheritdoc IDataAssetRegistry
    /// @dev Allowed on a frozen asset (a dispute often freezes it first). The new holder must be an active merchant;
    /// its application must name the asset's registering exchange and the asset's kind, source and level. Licences
    /// granted by the former holder stay in force; the regulator revokes those it must.
    function reassignRegistration(
        uint256 assetId,
        Registration calldata r,
        bytes calldata holderSignature,
        bytes32 reasonDigest
    ) external {
        _onlyRegulator();
        AssetRecord memory a = _requireAsset(assetId);
        if (a.flags & _PLEDGED != 0) revert RegistryAssetPledged(assetId);
        uint8 class = uint8(r.kind) | (uint8(r.source) << 2) | (uint8(r.level) << 4);
        address from = _holdings[assetId].holder;
        address to = r.holder;
        if (uint256(r.contentDigest) != assetId || class != a.class || to == from) {
            revert RegistryApplicationMismatch(assetId);
        }
        if (!_participants.isActiveMerchant(to)) revert RegistryParticipantInactive(to);
        _checkApplication(r, _participants.exchangeOfCode(a.exchangeCode), holderSignature);
        _update(to, assetId, address(0));
        _assets[assetId].stateNonce = a.stateNonce + 1;
        emit RegistrationReassigned(assetId, from, to, msg.sender, reasonDigest);
    }

    /// @inheritdoc IDataAssetRegistry
    function recordDeidentification(uint256 assetId, bytes32 findingDigest) external {
        _onlyRegulator();
        uint8 flags = _requireAsset(assetId).flags;
        if (flags & _PERSONAL_LINEAGE == 0) revert RegistryNotPersonalLineage(assetId);
        if (flags & _DEIDENTIFIED != 0) revert RegistryAlreadyDeidentified(assetId);
        if (findingDigest == 0) revert RegistryInvalidDigest();
        _assets[assetId].flags = flags | _DEIDENTIFIED;
        emit AssetDeidentified(assetId, msg.sender, findingDigest);
    }

    // ------------------------------------------------------------------ lifecycle role

    /// @inheritdoc IDataAssetRegistry
    /// @dev Refused and cancelled are final. The module checks who may ask for which transition.
    function setStatus(uint256 assetId, uint8 status, uint16 untilDay) external {
        if (msg.sender != _lifecycle) revert RegistryUnauthorized(msg.sender);
        uint8 current = _requireAsset(assetId).status;
        if (current >= STATUS_REFUSED || status == 0 || status > STATUS_CANCELLED) {
            revert RegistryInvalidStatusChange(assetId, current, status);
        }
        AssetRecord storage a = _assets[assetId];
        a.status = status;
        a.untilDay = untilDay;
        emit AssetStatusChanged(assetId, status, uint40(untilDay) * 1 days);
    }

    /// @inheritdoc IDataAssetRegistry
    function setExchangeTerms(address exchange, uint16 noticeDays, uint16 termDays) external {
        if (msg.sender != _lifecycle) revert RegistryUnauthorized(msg.sender);
        ExchangeTerms storage t = _exchangeTerms[exchange];
        t.noticeDays = noticeDays;
        t.termDays = termDays;
    }

    /// @inheritdoc IDataAssetRegistry
    function freeze(uint256 assetId, string calldata reason) external {
        _onlyRegulator();
        uint8 flags = _requireAsset(assetId).flags;
        if (flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
        _assets[assetId].flags = flags | _FROZEN;
        emit AssetFrozen(assetId, msg.sender, reason);
    }

    /// @inheritdoc IDataAssetRegistry
    function unfreeze(uint256 assetId, string calldata reason) external {
        _onlyRegulator();
        uint8 flags = _requireAsset(assetId).flags;
        if (flags & _FROZEN == 0) revert RegistryAssetNotFrozen(assetId);
        _assets[assetId].flags = flags & ~_FROZEN;
        emit AssetUnfrozen(assetId, msg.sender, reason);
    }

    // ------------------------------------------------------------------ licences

    /// @inheritdoc IDataAssetRegistry
    /// @dev Grantor (the caller) and grantee must be active merchants. See `_grantLicence` for the rules.
    function grantLicence(uint256 assetId, address grantee, Right right, LicenceTerms calldata terms)
        external
        returns (bytes32 licenceId)
    {
        if (!_participants.isActiveMerchant(msg.sender)) revert RegistryParticipantInactive(msg.sender);
        if (grantee == address(0)) revert RegistryZeroAddress();
        if (!_participants.isActiveMerchant(grantee)) revert RegistryParticipantInactive(grantee);
        return _grantLicence(assetId, msg.sender, grantee, right, terms, 0);
    }

    /// @inheritdoc IDataAssetRegistry
    /// @dev The trade recorder has checked that both parties are recognised (hence active) at the recording exchange.
    function grantLicenceByTrade(
        uint256 assetId,
        address grantor,
        address grantee,
        Right right,
        LicenceTerms calldata terms,
        uint256 tradeId
    ) external returns (bytes32 licenceId) {
        if (msg.sender != _tradeRecorder) revert RegistryUnauthorized(msg.sender);
        return _grantLicence(assetId, grantor, grantee, right, terms, tradeId);
    }

    /// @inheritdoc IDataAssetRegistry
    /// @dev Revocation sets `end` to now and the revoked flag, so `isLicensed` stays true for earlier instants.
    /// The grantor must be an active merchant (a suspended one acts nowhere); the regulator revokes regardless.
    /// A licence that has not started yet can be revoked too (its `end` then precedes its `start`). The grantor is
    /// the account that granted the licence, even after the holding right has moved. Revoking a non-exclusive
    /// licence does not shorten the recorded latest end of non-exclusive licences (see `_grantLicence`).
    function revokeLicence(uint256 assetId, address grantee, Right right, string calldata reason) external {
        bytes32 licenceId = _licenceId(assetId, grantee, right);
        Licence memory lic = _licences[licenceId];
        AssetRecord storage asset = _assets[assetId];
        if (lic.grantor == address(0) || lic.epoch != asset.epoch) revert RegistryLicenceNotFound(licenceId);
        bool byRegulator;
        if (msg.sender != lic.grantor || lic.flags & _LICENCE_REVOCABLE == 0) {
            if (!_participants.isRegulator(msg.sender)) {
                if (msg.sender == lic.grantor) revert RegistryLicenceNotRevocable(licenceId);
                revert RegistryUnauthorized(msg.sender);
            }
            byRegulator = true;
        } else if (!_participants.isActiveMerchant(msg.sender)) {
            revert RegistryParticipantInactive(msg.sender); // a suspended grantor acts nowhere; the regulator can
        }
        uint40 now_ = _time();
        if (lic.end <= now_) revert RegistryLicenceNotInForce(licenceId);

        if (lic.flags & _LICENCE_EXCLUSIVE != 0) {
            // Exclusive licences of a right never overlap; the one whose end is the window's end is the latest,
            // and every earlier one ends at or before its start, so the window may shrink to max(now, start).
            uint256 windows = _exclusiveWindows[assetId];
            (uint40 exStart, uint40 exEnd) = _window(windows, right);
            if (exEnd == lic.end) {
                _exclusiveWindows[assetId] = _setWindow(windows, right, exStart, lic.start > now_ ? lic.start : now_);
            }
        }
        lic.end = now_;
        lic.flags |= _LICENCE_REVOKED;
        _licences[licenceId] = lic;
        ++asset.stateNonce;
        emit LicenceRevoked(licenceId, assetId, msg.sender, byRegulator, now_, reason);
    }

    // ------------------------------------------------------------------ trade and pledge hooks

    /// @inheritdoc IDataAssetRegistry
    /// @dev Refuses unknown, frozen, core-level and pledged assets, a state nonce other than the asset's, and a `from`
    /// that is not the holder. A change of holder does not advance the state nonce: every consent that could be
    /// replayed names its signer, who is the holder it was given for.
    function transferByTrade(uint256 assetId, address from, address to, uint256 tradeId, uint64 expectedStateNonce)
        external
    {
        if (msg.sender != _tradeRecorder) revert RegistryUnauthorized(msg.sender);
        AssetRecord memory a = _requireTradeable(assetId);
        if (a.flags & _PLEDGED != 0) revert RegistryAssetPledged(assetId);
        if (a.stateNonce != expectedStateNonce) revert RegistryStateChanged(assetId, expectedStateNonce, a.stateNonce);
        if (to == address(0)) revert RegistryZeroAddress();
        if (_holdings[assetId].holder != from) revert RegistryNotHolder(assetId, from);
        _update(to, assetId, address(0));
        emit HoldingTransferred(assetId, from, to, tradeId);
    }

    /// @inheritdoc IDataAssetRegistry
    /// @dev Locking refuses unknown, already pledged, frozen and core-level assets (none of them may be pledged:
    /// a pledge is security that may have to change hands). Unlocking refuses an asset that is not locked.
    function setPledgeLock(uint256 assetId, bool pledged, uint256 pledgeId, uint40 pledgeEnd) external {
        if (msg.sender != _pledgeRegistry) revert RegistryUnauthorized(msg.sender);
        AssetRecord memory a;
        if (pledged) {
            a = _requireTradeable(assetId);
            if (a.flags & _PLEDGED != 0) revert RegistryAssetPledged(assetId);
            a.flags |= _PLEDGED;
            a.pledgeEnd = pledgeEnd;
        } else {
            a = _requireAsset(assetId);
            if (a.flags & _PLEDGED == 0) revert RegistryAssetNotPledged(assetId);
            a.flags &= ~_PLEDGED;
            a.pledgeEnd = 0;
        }
        AssetRecord storage record = _assets[assetId];
        record.flags = a.flags;
        record.pledgeEnd = a.pledgeEnd;
        record.stateNonce = a.stateNonce + 1;
        emit AssetPledgeLockChanged(assetId, pledged, pledgeId);
    }

    // ------------------------------------------------------------------ views

    /// @inheritdoc IDataAssetRegistry
    /// @dev Holding is not a licence: always false for `Right.Holding` (ask `ownerOf`). Only the latest licence per
    /// (asset, grantee, right) is stored: for an instant before its start, when it replaced an earlier licence, the
    /// answer is not known here and the call reverts with RegistryLicenceHistoryNotKept (the indexer, which keeps
    /// every LicenceGranted and LicenceRevoked, answers history: API `/v1/assets/{id}/rights-at`).
    function isLicensed(uint256 assetId, address account, Right right, uint256 timestamp)
        external
        view
        returns (bool)
    {
        if (right == Right.Holding) return false;
        bytes32 licenceId = _licenceId(assetId, account, right);
        Licence storage lic = _licences[licenceId];
        if (lic.grantor == address(0)) return false;
        AssetRecord storage a = _assets[assetId];
        if (lic.epoch != a.epoch) {
            // a licence of a cancelled registration: nothing under the current one; before it, not kept here
            if (timestamp < a.registeredAt || a.status == 0) revert RegistryLicenceHistoryNotKept(licenceId, timestamp);
            return false;
        }
        if (timestamp < lic.start && lic.flags & _LICENCE_REGRANTED != 0) {
            revert RegistryLicenceHistoryNotKept(licenceId, timestamp);
        }
        return lic.start <= timestamp && timestamp < lic.end;
    }

    /// @inheritdoc IDataAssetRegistry
    /// @dev Only the latest licence per (asset, grantee, right) is stored; earlier ones are in the events.
    function getLicence(uint256 assetId, address grantee, Right right) external view returns (Licence memory) {
        return _licences[_licenceId(assetId, grantee, right)];
    }

    /// @inheritdoc IDataAssetRegistry
    function licenceIdOf(uint256 assetId, address grantee, Right right) external pure returns (bytes32) {
        return _licenceId(assetId, grantee, right);
    }

    /// @inheritdoc IDataAssetRegistry
    function getAsset(uint256 assetId) external view returns (Asset memory) {
        AssetRecord memory a = _requireAsset(assetId);
        return Asset({
            exchange: _participants.exchangeOfCode(a.exchangeCode),
            registeredAt: a.registeredAt,
            sequence: a.sequence,
            kind: AssetKind(a.class & 3),
            source: AssetSource((a.class >> 2) & 3),
            level: DataLevel((a.class >> 4) & 3),
            status: a.status,
            frozen: a.flags & _FROZEN != 0,
            pledged: a.flags & _PLEDGED != 0,
            personalLineage: a.flags & _PERSONAL_LINEAGE != 0,
            deidentified: a.flags & _DEIDENTIFIED != 0,
            epoch: a.epoch,
            stateNonce: a.stateNonce,
            validUntil: uint40(a.untilDay) * 1 days
        });
    }

    /// @inheritdoc IDataAssetRegistry
    function assetClass(uint256 assetId) external view returns (AssetKind kind, AssetSource source, DataLevel level) {
        uint8 class = _requireAsset(assetId).class;
        return (AssetKind(class & 3), AssetSource((class >> 2) & 3), DataLevel((class >> 4) & 3));
    }

    /// @inheritdoc IDataAssetRegistry
    function exists(uint256 assetId) external view returns (bool) {
        return _assets[assetId].status != 0;
    }

    /// @inheritdoc IDataAssetRegistry
    /// @dev Reverts with RegistryAssetNotFound for an unknown asset. Format and check character: see
    /// RegistrationNumber and docs/registration-number.md.
    function registrationNumber(uint256 assetId) external view returns (string memory) {
        AssetRecord memory a = _requireAsset(assetId);
        return RegistrationNumber.format(
            a.exchangeCode, a.registeredAt, AssetKind(a.class & 3), AssetSource((a.class >> 2) & 3), a.sequence
        );
    }

    /// @inheritdoc IDataAssetRegistry
    function applicationNonce(address holder) external view returns (uint256) {
        return _accounts[holder] >> 128;
    }

    /// @inheritdoc IDataAssetRegistry
    function hashApplication(Registration calldata r, address exchange) external view returns (bytes32) {
        return _hashTypedDataV4(_applicationHash(r, exchange));
    }

    /// @inheritdoc IDataAssetRegistry
    function participants() external view returns (address) {
        return address(_participants);
    }

    /// @inheritdoc IDataAssetRegistry
    function tradeRecorder() external view returns (address) {
        return _tradeRecorder;
    }

    /// @inheritdoc IDataAssetRegistry
    function pledgeRegistry() external view returns (address) {
        return _pledgeRegistry;
    }

    /// @inheritdoc IDataAssetRegistry
    function lifecycle() external view returns (address) {
        return _lifecycle;
    }

    /// @inheritdoc IDataAssetRegistry
    function exchangeTerms(address exchange)
        external
        view
        returns (uint32 lastSequence, uint16 noticeDays, uint16 termDays)
    {
        ExchangeTerms memory t = _exchangeTerms[exchange];
        return (t.lastSequence, t.noticeDays, t.termDays);
    }

    /// @inheritdoc IDataAssetRegistry
    function version() external pure returns (string memory) {
        return "1.2.0";
    }

    /// @inheritdoc ERC721
    function supportsInterface(bytes4 interfaceId) public view override(ERC721) returns (bool) {
        return interfaceId == type(IDataAssetRegistry).interfaceId || super.supportsInterface(interfaceId);
    }

    /// @inheritdoc ERC721
    function balanceOf(address owner) public view override returns (uint256) {
        if (owner == address(0)) revert ERC721InvalidOwner(address(0));
        return _accounts[owner] & _BALANCE_MASK;
    }

    // ------------------------------------------------------------------ ERC-721 transfers are closed
    // transferFrom, safeTransferFrom, approve and setApprovalForAll reach `_update` with a non-zero `auth`,
    // `_approve` or `_setApprovalForAll`, which all revert with RegistryTransferOutsideTrade (a transfer to the
    // zero address fails earlier with OpenZeppelin's ERC721InvalidReceiver).

    /// @dev Approvals are closed: the holding right moves only with a recorded trade. Clearing an approval
    /// internally (zero `to`, zero `auth`) is a no-op, as none is ever set.
    function _approve(address to, uint256, address auth, bool) internal pure override {
        if (to != address(0) || auth != address(0)) revert RegistryTransferOutsideTrade();
    }

    /// @dev Operator approvals are closed: the holding right moves only with a recorded trade.
    function _setApprovalForAll(address, address, bool) internal pure override {
        revert RegistryTransferOutsideTrade();
    }

    // ------------------------------------------------------------------ internals

    /// @dev The single choke point for licence grants (direct and by trade): authority → checks → store → emit.
    /// Rules: Holding is not a licence; the asset exists, is not frozen and is not core-level; a scope is given,
    /// start < end and end is in the future (a start in the past is raised to now: a licence never confers a right
    /// before it was granted); Processing and Operating are granted by the holder; ProductUse by the holder or by
    /// the grantee of an Operating licence in force now with the sublicensable flag, and then it cannot outlast that
    /// Operating licence; a pledged asset cannot be licensed exclusively, irrevocably or beyond the pledge's term (and
    /// every grant advances the asset's state nonce); the grantee's previous licence of this
    /// right must have expired or been revoked.
    ///
    /// Exclusivity, with O(1) bookkeeping per (asset, right):
    /// - the exclusive window is the envelope [min start, max end) of the exclusive licences granted since the
    ///   window last lay wholly in the past; any grant overlapping it is refused. Exclusive licences therefore never
    ///   overlap one another; a gap between two of them stays blocked for non-exclusive grants (conservative);
    /// - the latest end of the non-exclusive licences: an exclusive grant must start at or after it. Conservative
    ///   edges: a revoked non-exclusive licence keeps blocking exclusive grants until its original end, and a
    ///   non-exclusive licence that starts after the proposed exclusive one ends blocks it too. Ends are stored
    ///   saturated at 2^32-1 (year 2106), and a saturated end counts as forever: no exclusive licence of that right
    ///   can start while it is recorded.
    function _grantLicence(
        uint256 assetId,
        address grantor,
        address grantee,
        Right right,
        LicenceTerms calldata terms,
        uint256 tradeId
    ) private returns (bytes32 licenceId) {
        if (right == Right.Holding) revert RegistryInvalidRight(right);
        if (grantee == address(0)) revert RegistryZeroAddress();
        AssetRecord memory a = _requireTradeable(assetId);
        uint40 now_ = _time();
        uint40 end = terms.end;
        if (terms.scopeDigest == 0 || end <= terms.start || end <= now_) revert RegistryInvalidLicenceTerms();
        uint40 start = terms.start < now_ ? now_ : terms.start;

        _checkGrantor(assetId, grantor, right, end, now_, a.epoch);
        _checkPledgeAndAdvance(assetId, a, terms);

        licenceId = _licenceId(assetId, grantee, right);
        uint8 flags = _replacedFlag(licenceId, now_, a.epoch);
        _bookExclusivity(assetId, a.flags, right, start, end, terms.exclusive, now_);

        flags |= (terms.exclusive ? _LICENCE_EXCLUSIVE : 0) | (terms.sublicensable ? _LICENCE_SUBLICENSABLE : 0)
            | (terms.revocable ? _LICENCE_REVOCABLE : 0);
        _licences[licenceId] = Licence({grantor: grantor, start: start, end: terms.end, flags: flags, epoch: a.epoch});
        _emitGranted(licenceId, assetId, grantee, grantor, right, terms, start, tradeId);
    }

    /// @dev While pledged, refuses what would drain the lender's security: an exclusive or irrevocable licence, or one
    /// ending after the pledge's term. Then advances the asset's state nonce (a licence changes its rights).
    function _checkPledgeAndAdvance(uint256 assetId, AssetRecord memory a, LicenceTerms calldata terms) private {
        if (a.flags & _PLEDGED != 0 && (terms.exclusive || !terms.revocable || terms.end > a.pledgeEnd)) {
            revert RegistryAssetPledged(assetId);
        }
        _assets[assetId].stateNonce = a.stateNonce + 1;
    }

    /// @dev Reverts if the licence `licenceId` is still in force (or not started); returns _LICENCE_REGRANTED when a
    /// licence of this id existed (the new grant overwrites it, and `isLicensed` stops answering for earlier instants).
    /// A licence of an earlier registration epoch (the registration was cancelled) is never active.
    function _replacedFlag(bytes32 licenceId, uint40 now_, uint8 epoch) private view returns (uint8) {
        Licence storage previous = _licences[licenceId];
        if (previous.end > now_ && previous.epoch == epoch) revert RegistryLicenceActive(licenceId);
        return previous.grantor != address(0) ? _LICENCE_REGRANTED : 0;
    }

    /// @dev Reverts unless `grantor` may grant `right` on the asset: the holder for any licence right; for
    /// ProductUse also the grantee of an Operating licence in force now with the sublicensable flag, whose licence
    /// must last at least until `end`.
    function _checkGrantor(uint256 assetId, address grantor, Right right, uint40 end, uint40 now_, uint8 epoch)
        private
        view
    {
        if (grantor == _holdings[assetId].holder) return;
        if (right != Right.ProductUse) revert RegistryNotGrantor(assetId, grantor, right);
        Licence storage op = _licences[_licenceId(assetId, grantor, Right.Operating)];
        if (op.flags & _LICENCE_SUBLICENSABLE == 0 || op.start > now_ || op.end <= now_ || op.epoch != epoch) {
            revert RegistryNotGrantor(assetId, grantor, right);
        }
        if (end > op.end) revert RegistryInvalidLicenceTerms();
    }

    /// @dev Applies the exclusivity rules of `_grantLicence` to a grant of [start, end) and records it.
    function _bookExclusivity(
        uint256 assetId,
        uint8 assetFlags,
        Right right,
        uint40 start,
        uint40 end,
        bool exclusive,
        uint40 now_
    ) private {
        Holding storage h = _holdings[assetId];
        uint8 shift = (uint8(right) - 1) * 32;
        uint40 nonExclusiveEnd = uint40((h.nonExclusiveEnds >> shift) & type(uint32).max);
        if (exclusive) {
            _checkWindow(assetId, right, start, end, now_, true);
            // A saturated end (2^32-1) means "at or beyond 2106": treat it as forever.
            if (nonExclusiveEnd > start || nonExclusiveEnd == type(uint32).max) {
                revert RegistryExclusiveConflict(assetId, right);
            }
            if (assetFlags & _HAD_EXCLUSIVE == 0) _assets[assetId].flags = assetFlags | _HAD_EXCLUSIVE;
            return;
        }
        if (assetFlags & _HAD_EXCLUSIVE != 0) _checkWindow(assetId, right, start, end, now_, false);
        uint40 capped = end > type(uint32).max ? type(uint32).max : end;
        if (capped > nonExclusiveEnd) {
            uint96 mask = uint96(type(uint32).max) << shift;
            h.nonExclusiveEnds = (h.nonExclusiveEnds & ~mask) | (uint96(capped) << shift);
        }
    }

    /// @dev Reverts if [start, end) overlaps the live exclusive window of `right`; with `extend`, widens the window to
    /// the envelope of itself and [start, end) (a window wholly in the past is replaced).
    function _checkWindow(uint256 assetId, Right right, uint40 start, uint40 end, uint40 now_, bool extend) private {
        uint256 windows = _exclusiveWindows[assetId];
        (uint40 exStart, uint40 exEnd) = _window(windows, right);
        bool live = exEnd > now_;
        if (live && start < exEnd && exStart < end) revert RegistryExclusiveConflict(assetId, right);
        if (!extend) return;
        if (!live || exStart > start) exStart = start;
        if (!live || exEnd < end) exEnd = end;
        _exclusiveWindows[assetId] = _setWindow(windows, right, exStart, exEnd);
    }

    /// @dev Lineage and class check: at most MAX_PARENTS parents; each is not the asset itself, appears once, is
    /// registered and not frozen, `r.holder` holds it or holds a processing licence on it in force at `now_` (of the
    /// parent's current registration epoch), and its level is not above `r.level` (derived data keeps its class).
    /// Personal lineage: personal source, or a parent of personal lineage without a de-identification finding; it
    /// needs a consent digest. Returns the new asset's flags (_PERSONAL_LINEAGE or 0).
    function _checkLineage(uint256 assetId, Registration calldata r, uint40 now_) private view returns (uint8) {
        uint256[] calldata parents = r.parents;
        uint256 n = parents.length;
        if (n > MAX_PARENTS) revert RegistryTooManyParents(n, MAX_PARENTS);
        bool personal = r.source == AssetSource.Personal;
        for (uint256 i; i < n; ++i) {
            uint256 parentId = parents[i];
            if (parentId == assetId) revert RegistrySelfParent(assetId);
            for (uint256 j; j < i; ++j) {
                if (parents[j] == parentId) revert RegistryDuplicateParent(parentId);
            }
            AssetRecord memory p = _assets[parentId];
            if (p.status == 0) revert RegistryAssetNotFound(parentId);
            if (p.flags & _FROZEN != 0) revert RegistryAssetFrozen(parentId);
            _requireInForce(parentId, p.status, p.untilDay, now_);
            if (p.flags & _PLEDGED != 0) _requireDerivationApproved(parentId, r.contentDigest);
            uint8 parentLevel = (p.class >> 4) & 3;
            if (parentLevel > uint8(r.level)) revert RegistryLevelBelowParent(parentId, DataLevel(parentLevel));
            if (p.flags & (_PERSONAL_LINEAGE | _DEIDENTIFIED) == _PERSONAL_LINEAGE) personal = true;
            if (_holdings[parentId].holder != r.holder) {
                Licence storage lic = _licences[_licenceId(parentId, r.holder, Right.Processing)];
                if (lic.start > now_ || lic.end <= now_ || lic.epoch != p.epoch) {
                    revert RegistryParentUnauthorized(parentId, r.holder);
                }
            }
        }
        if (!personal) return 0;
        if (r.consentDigest == 0) revert RegistryConsentRequired(assetId);
        return _PERSONAL_LINEAGE;
    }

    /// @dev A pledged parent: the lender must have approved this child (PledgeRegistry.approveDerivation).
    function _requireDerivationApproved(uint256 parentId, bytes32 childDigest) private view {
        if (!IPledgeRegistry(_pledgeRegistry).isDerivationApproved(parentId, childDigest)) {
            revert RegistryAssetPledged(parentId);
        }
    }

    /// @dev Reverts unless `r` carries its holder's live application for registration by `exchange`: deadline not
    /// passed, the holder's current nonce, and the holder's signature (ECDSA or ERC-1271).
    function _checkApplication(Registration calldata r, address exchange, bytes calldata holderSignature)
        private
        view
    {
        if (_time() > r.deadline) revert RegistryApplicationExpired(r.deadline);
        if (r.nonce != _accounts[r.holder] >> 128) revert RegistryInvalidNonce(r.holder, r.nonce);
        _requireValidSignature(r.holder, _applicationHash(r, exchange), holderSignature);
    }

    /// @dev The EIP-712 struct hash of the application `r` for registration by `exchange` (two abi.encode halves: the
    /// same bytes as one encoding of the thirteen static words, within the stack).
    function _applicationHash(Registration calldata r, address exchange) private pure returns (bytes32) {
        return keccak256(
            bytes.concat(
                abi.encode(APPLICATION_TYPEHASH, r.contentDigest, r.holder, exchange, r.kind, r.source, r.level),
                abi.encode(
                    r.metadataDigest, r.consentDigest, keccak256(abi.encodePacked(r.parents)), r.nonce, r.deadline
                )
            )
        );
    }

    /// @dev `_participants.requireRecognised(exchange, [party])`, ABI-encoded by hand in scratch memory past the free
    /// memory pointer (no array allocation, no generic encoder; as TradeRecorder does). Reverts bubble up unchanged.
    function _requireRecognised(address exchange, address party) private view returns (bytes4 code) {
        IParticipantRegistry participants_ = _participants;
        bytes4 selector = IParticipantRegistry.requireRecognised.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), exchange)
            mstore(add(m, 0x24), 0x40) // offset of parties
            mstore(add(m, 0x44), 1) // parties.length
            mstore(add(m, 0x64), party)
            if iszero(staticcall(gas(), participants_, m, 0x84, 0x00, 0x20)) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            if lt(returndatasize(), 0x20) { revert(0, 0) }
            code := and(mload(0x00), shl(224, 0xffffffff))
        }
    }

    /// @dev Invalid application signatures revert with this contract's interface error.
    function _revertInvalidSignature(address signer) internal pure override {
        revert RegistryInvalidSignature(signer);
    }

    /// @dev ERC-721 state change, replacing OpenZeppelin's storage with `_holdings` and `_accounts`. `_mint`
    /// (registration) and `transferByTrade` call it with `auth` zero; ERC-721 transfers (non-zero `auth`) revert.
    function _update(address to, uint256 tokenId, address auth) internal override returns (address from) {
        if (auth != address(0)) revert RegistryTransferOutsideTrade();
        Holding storage h = _holdings[tokenId];
        from = h.holder;
        // Cannot overflow or underflow: at most one token per id, and `from` holds `tokenId`.
        unchecked {
            if (from != address(0)) --_accounts[from]; // the count is the low 128 bits, never 0 here: no borrow
            if (to != address(0)) ++_accounts[to]; // the count stays below 2^127: the open mark is never carried into
        }
        h.holder = to;
        emit Transfer(from, to, tokenId);
    }

    /// @dev The holder, from `_holdings`.
    function _ownerOf(uint256 tokenId) internal view override returns (address) {
        return _holdings[tokenId].holder;
    }

    /// @dev Reverts unless the caller is the regulator.
    function _onlyRegulator() private view {
        if (!_participants.isRegulator(msg.sender)) revert RegistryUnauthorized(msg.sender);
    }

    /// @dev The record of a registered asset, or RegistryAssetNotFound.
    function _requireAsset(uint256 assetId) private view returns (AssetRecord memory a) {
        a = _assets[assetId];
        if (a.status == 0) revert RegistryAssetNotFound(assetId);
    }

    /// @dev The record of an asset that may trade, license or be pledged: registered, not frozen, not core, and
    /// in force (`_requireInForce`).
    function _requireTradeable(uint256 assetId) private view returns (AssetRecord memory a) {
        a = _requireAsset(assetId);
        if (a.flags & _FROZEN != 0) revert RegistryAssetFrozen(assetId);
        if ((a.class >> 4) & 3 == uint8(DataLevel.Core)) revert RegistryCoreData(assetId);
        _requireInForce(assetId, a.status, a.untilDay, _time());
    }

    /// @dev The lifecycle gate, shared by `_requireTradeable` (trade, licence, pledge) and the lineage check: the
    /// registration is in force (not under notice or objection, not refused or cancelled) and its validity end,
    /// if any, has not passed.
    function _requireInForce(uint256 assetId, uint8 status, uint16 untilDay, uint40 now_) private pure {
        if (status != STATUS_REGISTERED) revert RegistryAssetNotInForce(assetId, status);
        if (untilDay != 0 && now_ >= uint40(untilDay) * 1 days) {
            revert RegistryRegistrationExpired(assetId, uint40(untilDay) * 1 days);
        }
    }

    /// @dev The packed AssetRecord of a new registration without its sequence, status and until day (bit offsets:
    /// exchangeCode 0, registeredAt 32, sequence 72, class 104, status 112, flags 120, epoch 128, pledgeEnd 136,
    /// stateNonce 176, untilDay 240 — the order of the struct's fields; pledge end and state nonce start at 0).
    function _recordWord(Registration calldata r, bytes4 code, uint40 now_, uint8 flags, uint8 epoch)
        private
        pure
        returns (uint256)
    {
        uint256 class = uint8(r.kind) | (uint256(uint8(r.source)) << 2) | (uint256(uint8(r.level)) << 4);
        return uint256(uint32(code)) | (uint256(now_) << 32) | (class << 104) | (uint256(flags) << 120)
            | (uint256(epoch) << 128);
    }

    /// @dev The caller's next registration sequence (stored), and the status and notice/validity end its terms give a
    /// registration made at `now_`: under notice until the notice ends, else in force for the validity term.
    function _nextRegistration(uint40 now_) private returns (uint32 sequence, uint8 status, uint16 untilDay) {
        ExchangeTerms storage t = _exchangeTerms[msg.sender];
        sequence = ++t.lastSequence;
        uint16 noticeDays = t.noticeDays;
        status = noticeDays != 0 ? STATUS_NOTICE : STATUS_REGISTERED;
        untilDay = _dayAfter(now_, noticeDays != 0 ? noticeDays : t.termDays);
    }

    /// @dev The UTC day number of the first midnight at or after `now_` + `days_` days; 0 when `days_` is 0. Saturates
    /// at day 65,535 (2149-06-06), the last the record can hold.
    function _dayAfter(uint40 now_, uint16 days_) private pure returns (uint16) {
        if (days_ == 0) return 0;
        uint256 day = (uint256(now_) + uint256(days_) * 1 days + 1 days - 1) / 1 days;
        return day > type(uint16).max ? type(uint16).max : uint16(day);
    }

    /// @dev keccak256(abi.encode(assetId, grantee, uint8(right))).
    function _licenceId(uint256 assetId, address grantee, Right right) private pure returns (bytes32) {
        return keccak256(abi.encode(assetId, grantee, uint8(right)));
    }

    /// @dev The exclusive window [start, end) of `right` in a packed `windows` word.
    function _window(uint256 windows, Right right) private pure returns (uint40 start, uint40 end) {
        uint256 shift = (uint256(uint8(right)) - 1) * 80;
        start = uint40(windows >> shift);
        end = uint40(windows >> (shift + 40));
    }

    /// @dev `windows` with the exclusive window of `right` replaced by [start, end).
    function _setWindow(uint256 windows, Right right, uint40 start, uint40 end) private pure returns (uint256) {
        uint256 shift = (uint256(uint8(right)) - 1) * 80;
        windows &= ~(uint256(type(uint80).max) << shift);
        return windows | (uint256(start) << shift) | (uint256(end) << (shift + 40));
    }

    /// @dev Emits AssetRegistered. Its twelve fields (two of them dynamic) exceed the legacy code generator's
    /// stack, so the data part is ABI-encoded in `_registeredData` and logged here with the three indexed topics;
    /// the log is byte-for-byte what `emit AssetRegistered(...)` would produce.
    function _emitRegistered(Registration calldata r, uint256 assetId, bytes4 code, uint32 sequence) private {
        bytes memory data = _registeredData(r, code, sequence);
        bytes32 topic0 = AssetRegistered.selector;
        address holder = r.holder;
        assembly ("memory-safe") {
            log4(add(data, 32), mload(data), topic0, assetId, holder, caller())
        }
    }

    /// @dev The non-indexed fields of AssetRegistered, ABI-encoded.
    function _registeredData(Registration calldata r, bytes4 code, uint32 sequence)
        private
        pure
        returns (bytes memory)
    {
        return abi.encode(
            code, sequence, r.kind, r.source, r.level, r.metadataDigest, r.metadataCid, r.consentDigest, r.parents
        );
    }

    /// @dev Emits LicenceGranted (kept apart from `_grantLicence` to bound its stack).
    function _emitGranted(
        bytes32 licenceId,
        uint256 assetId,
        address grantee,
        address grantor,
        Right right,
        LicenceTerms calldata terms,
        uint40 start,
        uint256 tradeId
    ) private {
        emit LicenceGranted(
            licenceId,
            assetId,
            grantee,
            grantor,
            right,
            terms.scopeDigest,
            start,
            terms.end,
            terms.exclusive,
            terms.sublicensable,
            terms.revocable,
            tradeId
        );
    }
}
