// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712Verifier} from "./eip712/EIP712Verifier.sol";
import {ITradeRecorder} from "./interfaces/ITradeRecorder.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {
    Right,
    Venue,
    LicenceTerms,
    EnforcementSale,
    CrossBorderMechanism,
    CrossBorderTerms,
    AssetSource,
    DataLevel
} from "./common/Types.sol";

/// @title Shuquan trade recorder (交易凭证): seller-authorised trades that apply the right they move
/// @notice An active exchange records a trade it owns the id of; the seller's EIP-712 signature (ECDSA or ERC-1271)
/// covers every term, the recording exchange and a deadline. The holding right moves with
/// `DataAssetRegistry.transferByTrade`; the other rights become licences granted by the seller through
/// `grantLicenceByTrade`, in the same transaction.
/// @dev Nonces: the trade id is the signature's nonce, and an id can be recorded once. Used ids are kept in one
/// anti-replay window per exchange (as IPsec's, RFC 4303): one slot `base << 160 | bits`, bit i = serial base + i
/// used. Recording serial s: s < base reverts TradeIdTooOld (closed: recorded or abandoned); s >= base + 160 first
/// slides the window up so that s is its top (the oldest bits drop; a jump of 160 or more clears them all); a set
/// bit reverts TradeIdUsed; otherwise the bit is set and the one slot stored. After an exchange's first trade the
/// slot is never zero again, so every later trade pays a non-zero → non-zero write (~5k) instead of a fresh word
/// (~22.1k) every 256 ids, as a bitmap would. The price: an exchange can have at most 160 ids outstanding (signed,
/// not recorded) at once, recorded in any order; an authorisation that falls below the window must be signed again
/// with a new id — its `deadline` already bounds how long it stays outstanding — and the recorder no longer knows
/// whether an id below the window was recorded (`tradeIdStatus` says Closed; the TradeRecorded events say which).
/// There is no on-chain cancellation: a seller withdraws a signed authorisation by letting its `deadline` pass (sign
/// short deadlines), or, before that, by asking the exchange not to submit it (or to move its window past it).
/// Core-level, frozen and pledged assets never trade: the registry refuses them. The participant registry's
/// `ParticipantsExchangeNotActive` and `ParticipantsNotRecognised` bubble up unchanged when the caller is not an
/// active exchange or a party is not recognised there.
contract TradeRecorder is EIP712Verifier, ITradeRecorder {
    /// @notice EIP-712 type of the licence terms inside a trade:
    /// LicenceTerms(bytes32 scopeDigest,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)
    bytes32 public constant LICENCE_TERMS_TYPEHASH = keccak256(
        "LicenceTerms(bytes32 scopeDigest,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)"
    );

    /// @notice EIP-712 type the seller signs (enums as uint8; `exchange` is the recording exchange):
    /// Trade(uint256 tradeId,address exchange,uint256 assetId,address seller,address buyer,uint8 right,
    /// LicenceTerms licence,uint128 price,bytes3 currency,bytes32 priceCommitment,bytes32 contractDigest,
    /// uint8 venue,uint256 linkedTradeId,uint64 deadline,uint64 stateNonce)LicenceTerms(bytes32 scopeDigest,
    /// uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)
    /// The buyer signs the same digest.
    bytes32 public constant TRADE_TYPEHASH = keccak256(
        "Trade(uint256 tradeId,address exchange,uint256 assetId,address seller,address buyer,uint8 right,"
        "LicenceTerms licence,uint128 price,bytes3 currency,bytes32 priceCommitment,bytes32 contractDigest,"
        "uint8 venue,uint256 linkedTradeId,uint64 deadline,uint64 stateNonce)"
        "LicenceTerms(bytes32 scopeDigest,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)"
    );

    /// @notice EIP-712 type the seller and the buyer both sign for a cross-border trade (enums as uint8; the Trade
    /// carries the state nonce, as in `recordTrade`):
    /// CrossBorderTrade(Trade trade,uint8 mechanism,bytes32 filingDigest,bytes2 destination)LicenceTerms(…)Trade(…)
    bytes32 public constant CROSS_BORDER_TRADE_TYPEHASH = keccak256(
        "CrossBorderTrade(Trade trade,uint8 mechanism,bytes32 filingDigest,bytes2 destination)"
        "LicenceTerms(bytes32 scopeDigest,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)"
        "Trade(uint256 tradeId,address exchange,uint256 assetId,address seller,address buyer,uint8 right,"
        "LicenceTerms licence,uint128 price,bytes3 currency,bytes32 priceCommitment,bytes32 contractDigest,"
        "uint8 venue,uint256 linkedTradeId,uint64 deadline,uint64 stateNonce)"
    );

    /// @dev Roles and recognition.
    IParticipantRegistry private immutable _participants;
    /// @dev The registry whose rights the trades move.
    IDataAssetRegistry private immutable _registry;
    /// @dev Window size: serials [base, base + 160) of an exchange are tracked one bit each.
    uint256 private constant _WINDOW = 160;
    /// @dev Each exchange's anti-replay window, one slot: `base` (uint96) in bits 160-255, and in bits 0-159 bit i set
    /// when serial base + i has been recorded.
    mapping(address exchange => uint256 window) private _windows;

    /// @param participants_ The participant registry; must not be zero.
    /// @param registry_ The data asset registry (which must then wire this contract); must not be zero.
    constructor(IParticipantRegistry participants_, IDataAssetRegistry registry_)
        EIP712Verifier("Shuquan TradeRecorder", "1")
    {
        if (address(participants_) == address(0) || address(registry_) == address(0)) revert TradeZeroAddress();
        _participants = participants_;
        _registry = registry_;
    }

    /// @inheritdoc ITradeRecorder
    /// @dev Checks, in order: the id's prefix is the caller; seller and buyer are non-zero and distinct; the caller
    /// is an active exchange at which both are recognised; the deadline has not passed; the id's serial is not below
    /// the caller's window (TradeIdTooOld) and, after any slide, not used (TradeIdUsed); price, contract digest,
    /// linked trade and (for Holding) empty licence terms; the seller's signature; the buyer's signature of the same
    /// digest. Then stores the window with the id marked used (slid if the serial was above it), applies the right
    /// in the registry (for Holding, at the state nonce both signed), and emits TradeRecorded.
    function recordTrade(Trade calldata trade, bytes calldata sellerSignature, bytes calldata buyerSignature)
        external
        returns (bytes32 licenceId)
    {
        licenceId = _record(trade, sellerSignature, buyerSignature, _structHash(trade));
    }

    /// @inheritdoc ITradeRecorder
    /// @dev The cross-border checks (`_checkCrossBorder`) come first, then everything `recordTrade` checks, with both
    /// the seller's and the buyer's signature over `CrossBorderTrade` (whose Trade carries the state nonce);
    /// CrossBorderTradeRecorded follows TradeRecorded.
    function recordCrossBorderTrade(
        Trade calldata trade,
        CrossBorderTerms calldata crossBorder,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature
    ) external returns (bytes32 licenceId) {
        _checkCrossBorder(trade.assetId, crossBorder);
        licenceId =
            _record(trade, sellerSignature, buyerSignature, _crossBorderHash(_structHash(trade), crossBorder));
        emit CrossBorderTradeRecorded(
            trade.tradeId, trade.assetId, crossBorder.mechanism, crossBorder.filingDigest, crossBorder.destination
        );
    }

    /// @dev Records `trade` (see `recordTrade`); seller and buyer both signed `signedHash` (the Trade's struct hash,
    /// or the CrossBorderTrade's).
    function _record(
        Trade calldata trade,
        bytes calldata sellerSignature,
        bytes calldata buyerSignature,
        bytes32 signedHash
    )
        private
        returns (bytes32 licenceId)
    {
        _checkParties(trade);
        uint256 tradeId = trade.tradeId;
        uint256 window = _windows[msg.sender]; // msg.sender is the id's prefix (checked above)
        uint256 base = window >> 160;
        uint256 serial = uint96(tradeId);
        if (serial < base) revert TradeIdTooOld(tradeId, uint96(base));
        uint256 used;
        assembly ("memory-safe") {
            let offset := sub(serial, base)
            if gt(offset, 159) {
                // Slide up so that `serial` is the top: new base = serial - 159 (< 2^96); the bits move down by
                // offset - 159, dropping the oldest (all of them when that is 160 or more).
                let bits := shr(sub(offset, 159), and(window, 0xffffffffffffffffffffffffffffffffffffffff))
                window := or(shl(160, sub(serial, 159)), bits)
                offset := 159
            }
            let bit := shl(offset, 1)
            used := and(window, bit)
            window := or(window, bit)
        }
        if (used != 0) revert TradeIdUsed(tradeId);
        _checkTerms(trade);
        _requireValidSignature(trade.seller, signedHash, sellerSignature);
        _requireValidSignature(trade.buyer, signedHash, buyerSignature);

        _windows[msg.sender] = window;
        licenceId = _apply(trade);
        _emitRecorded(trade, licenceId);
    }

    /// @inheritdoc ITradeRecorder
    /// @dev Enforcement trade ids live outside every exchange's window (their prefix is the pledge registry, which
    /// enforces a pledge once), so `tradeIdStatus` does not track them; the TradeRecorded event is their record.
    function recordEnforcement(uint256 assetId, address holder, uint256 pledgeId, EnforcementSale calldata sale)
        external
        returns (uint256 tradeId)
    {
        if (msg.sender != _registry.pledgeRegistry()) revert TradeUnauthorized(msg.sender);
        tradeId = (uint256(uint160(msg.sender)) << 96) | uint96(pledgeId);
        _registry.transferByTrade(assetId, holder, sale.to, tradeId, _registry.getAsset(assetId).stateNonce);
        emit TradeRecorded(
            tradeId,
            assetId,
            msg.sender,
            holder,
            sale.to,
            Right.Holding,
            bytes32(0),
            sale.price,
            sale.currency,
            bytes32(0),
            sale.contractDigest,
            Venue.OffExchange,
            0
        );
    }

    /// @inheritdoc ITradeRecorder
    /// @dev Equivalent to `tradeIdStatus(tradeId) == TradeIdStatus.Recorded`.
    function isRecorded(uint256 tradeId) external view returns (bool) {
        return tradeIdStatus(tradeId) == TradeIdStatus.Recorded;
    }

    /// @inheritdoc ITradeRecorder
    function tradeIdStatus(uint256 tradeId) public view returns (TradeIdStatus) {
        uint256 window = _windows[address(uint160(tradeId >> 96))];
        uint256 base = window >> 160;
        uint256 serial = uint96(tradeId);
        if (serial < base) return TradeIdStatus.Closed;
        uint256 offset = serial - base;
        if (offset < _WINDOW && (window >> offset) & 1 != 0) return TradeIdStatus.Recorded;
        return TradeIdStatus.Unused;
    }

    /// @inheritdoc ITradeRecorder
    function closeTradeIds(uint96 below) external {
        if (!_participants.isActiveExchange(msg.sender)) revert TradeUnauthorized(msg.sender);
        uint256 window = _windows[msg.sender];
        uint256 base = window >> 160;
        if (below <= base) revert TradeWindowNotAdvanced(below, uint96(base));
        uint256 shift = below - base;
        uint256 bits = shift < _WINDOW ? uint160(window) >> shift : 0;
        _windows[msg.sender] = (uint256(below) << 160) | bits;
        emit TradeIdsClosed(msg.sender, below);
    }

    /// @inheritdoc ITradeRecorder
    function tradeWindow(address exchange) external view returns (uint96 base, uint160 bits) {
        uint256 window = _windows[exchange];
        return (uint96(window >> 160), uint160(window));
    }

    /// @inheritdoc ITradeRecorder
    /// @dev The `exchange` field of the signed struct is the trade id's prefix, which `recordTrade` requires to be
    /// the recording exchange.
    function hashTrade(Trade calldata trade) external view returns (bytes32) {
        return _hashTypedDataV4(_structHash(trade));
    }

    /// @inheritdoc ITradeRecorder
    function hashCrossBorderTrade(Trade calldata trade, CrossBorderTerms calldata crossBorder)
        external
        view
        returns (bytes32)
    {
        return _hashTypedDataV4(_crossBorderHash(_structHash(trade), crossBorder));
    }

    /// @inheritdoc ITradeRecorder
    function tradeIdOf(address exchange, uint96 serial) external pure returns (uint256) {
        return (uint256(uint160(exchange)) << 96) | serial;
    }

    /// @inheritdoc ITradeRecorder
    function participants() external view returns (address) {
        return address(_participants);
    }

    /// @inheritdoc ITradeRecorder
    function registry() external view returns (address) {
        return address(_registry);
    }

    /// @inheritdoc ITradeRecorder
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @dev The id's prefix is the caller; seller and buyer are non-zero and distinct; the caller is an active
    /// exchange at which both are recognised; the deadline has not passed.
    function _checkParties(Trade calldata trade) private view {
        if (trade.tradeId >> 96 != uint160(msg.sender)) revert TradeIdNotOwnedByExchange(trade.tradeId, msg.sender);
        address seller = trade.seller;
        address buyer = trade.buyer;
        if (seller == address(0) || buyer == address(0)) revert TradeZeroAddress();
        if (seller == buyer) revert TradeSameParty(seller);
        // _participants.requireRecognised(msg.sender, [seller, buyer]), ABI-encoded by hand in scratch memory past
        // the free memory pointer: the same staticcall and calldata as the high-level call, ~790 gas cheaper (no
        // array allocation, no generic encoder). Its reverts bubble up unchanged; a return shorter than the bytes4
        // code reverts, as the high-level call's decoder would (the code itself is not needed here).
        IParticipantRegistry participants_ = _participants;
        bytes4 selector = IParticipantRegistry.requireRecognised.selector;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, selector)
            mstore(add(m, 0x04), caller())
            mstore(add(m, 0x24), 0x40) // offset of parties
            mstore(add(m, 0x44), 2) // parties.length
            mstore(add(m, 0x64), seller)
            mstore(add(m, 0x84), buyer)
            if iszero(staticcall(gas(), participants_, m, 0xa4, 0x00, 0x20)) {
                returndatacopy(m, 0, returndatasize())
                revert(m, returndatasize())
            }
            if lt(returndatasize(), 0x20) { revert(0, 0) }
        }
        if (_time() > trade.deadline) revert TradeExpired(trade.deadline);
    }

    /// @dev Moves the right in the registry: the holding by transfer, any other right as a licence from the seller.
    function _apply(Trade calldata trade) private returns (bytes32 licenceId) {
        if (trade.right == Right.Holding) {
            _registry.transferByTrade(trade.assetId, trade.seller, trade.buyer, trade.tradeId, trade.stateNonce);
        } else {
            licenceId = _registry.grantLicenceByTrade(
                trade.assetId, trade.seller, trade.buyer, trade.right, trade.licence, trade.tradeId
            );
        }
    }

    /// @dev Term checks that need no storage but the trade-id windows: exactly one of (price > 0 with a currency)
    /// and (a price commitment); a contract digest; a linked trade, if any, not Unused: Recorded when it is inside
    /// its exchange's window (exact), or Closed when below it — accepted, since the recorder no longer knows whether
    /// a closed id was recorded; the indexer, which sees every TradeRecorded, flags a link to an id never recorded.
    /// The windows are read before this trade's is stored, so a trade cannot link to itself. For Holding, all-zero
    /// licence terms.
    function _checkTerms(Trade calldata trade) private view {
        bool hasPrice = trade.price != 0;
        bool hasCurrency = trade.currency != bytes3(0);
        if (hasPrice != hasCurrency || hasPrice == (trade.priceCommitment != bytes32(0))) revert TradeInvalidPrice();
        if (trade.contractDigest == bytes32(0)) revert TradeMissingContractDigest();
        uint256 linked = trade.linkedTradeId;
        if (linked != 0 && tradeIdStatus(linked) == TradeIdStatus.Unused) revert TradeLinkedTradeNotFound(linked);
        if (trade.right == Right.Holding) {
            LicenceTerms calldata terms = trade.licence;
            if (
                terms.scopeDigest != 0 || terms.start != 0 || terms.end != 0 || terms.exclusive || terms.sublicensable
                    || terms.revocable
            ) {
                revert TradeHoldingTermsNotEmpty();
            }
        }
    }

    /// @dev The EIP-712 struct hash of `trade`, with `exchange` = the trade id's prefix:
    /// keccak256(abi.encode(TRADE_TYPEHASH, tradeId, exchange, assetId, seller, buyer, right,
    /// keccak256(abi.encode(LICENCE_TERMS_TYPEHASH, licence...)), price, currency, priceCommitment, contractDigest,
    /// venue, linkedTradeId, deadline, stateNonce)).
    /// Built by copying the calldata words of the static `Trade` struct (offsets: tradeId 0x00, assetId 0x20,
    /// seller 0x40, buyer 0x60, right 0x80, licence 0xa0-0x15f, price 0x160, currency 0x180, priceCommitment 0x1a0,
    /// contractDigest 0x1c0, venue 0x1e0, linkedTradeId 0x200, deadline 0x220, stateNonce 0x240), which saves
    /// several thousand gas
    /// over `abi.encode` of the members. Raw words are hashed as given: a word with dirty high bits cannot match
    /// what the seller signed (EIP-712 encodes clean values), and `recordTrade` reads every member through the ABI
    /// decoder, which rejects dirty or out-of-range values, before or after hashing.
    function _structHash(Trade calldata trade) private pure returns (bytes32 structHash) {
        bytes32 tradeTypehash = TRADE_TYPEHASH;
        bytes32 licenceTypehash = LICENCE_TERMS_TYPEHASH;
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, licenceTypehash)
            calldatacopy(add(m, 0x20), add(trade, 0xa0), 0xc0) // the six LicenceTerms words
            let licenceHash := keccak256(m, 0xe0)
            let tradeId := calldataload(trade)
            mstore(m, tradeTypehash)
            mstore(add(m, 0x20), tradeId)
            mstore(add(m, 0x40), shr(96, tradeId)) // exchange = the id's top 160 bits
            calldatacopy(add(m, 0x60), add(trade, 0x20), 0x80) // assetId, seller, buyer, right
            mstore(add(m, 0xe0), licenceHash)
            calldatacopy(add(m, 0x100), add(trade, 0x160), 0x100) // price .. stateNonce
            structHash := keccak256(m, 0x200)
        }
    }

    /// @dev Emits TradeRecorded(tradeId, assetId, exchange = caller, seller, buyer, right, licenceId, price,
    /// currency, priceCommitment, contractDigest, venue, linkedTradeId), copying calldata words of `trade` (layout
    /// as in `_structHash`). The log is byte-for-byte what `emit TradeRecorded(...)` produces: every copied member
    /// has been read through the ABI decoder (which rejects dirty or out-of-range values) by the checks, and
    /// `venue` is read through it here.
    function _emitRecorded(Trade calldata trade, bytes32 licenceId) private {
        bytes32 topic0 = TradeRecorded.selector;
        Venue venue = trade.venue;
        assembly ("memory-safe") {
            let m := mload(0x40)
            calldatacopy(m, add(trade, 0x40), 0x60) // seller, buyer, right
            mstore(add(m, 0x60), licenceId)
            calldatacopy(add(m, 0x80), add(trade, 0x160), 0x80) // price, currency, priceCommitment, contractDigest
            mstore(add(m, 0x100), venue)
            mstore(add(m, 0x120), calldataload(add(trade, 0x200))) // linkedTradeId
            log4(m, 0x140, topic0, calldataload(trade), calldataload(add(trade, 0x20)), caller())
        }
    }

    /// @dev Core-level data never leaves; important-level data needs a security assessment or an exemption;
    /// personal-source data needs a mechanism. A destination is required and is not CN; a filing digest comes with
    /// a mechanism and only with one.
    function _checkCrossBorder(uint256 assetId, CrossBorderTerms calldata crossBorder) private view {
        bytes2 destination = crossBorder.destination;
        CrossBorderMechanism mechanism = crossBorder.mechanism;
        bool none = mechanism == CrossBorderMechanism.None;
        bool noFiling = crossBorder.filingDigest == bytes32(0);
        if (destination == bytes2(0) || destination == bytes2("CN") || none != noFiling) {
            revert TradeCrossBorderInvalidTerms();
        }
        // assetClass, not getAsset: the class alone, without getAsset's lookup of the registering exchange (~3k)
        (, AssetSource source, DataLevel level) = _registry.assetClass(assetId);
        if (level == DataLevel.Core) revert TradeCrossBorderCoreData(assetId);
        if (
            (level == DataLevel.Important && mechanism != CrossBorderMechanism.SecurityAssessment
                    && mechanism != CrossBorderMechanism.Exemption) || (source == AssetSource.Personal && none)
        ) revert TradeCrossBorderMechanismRequired(assetId, mechanism);
    }

    /// @dev keccak256(abi.encode(CROSS_BORDER_TRADE_TYPEHASH, tradeHash, mechanism, filingDigest, destination)).
    function _crossBorderHash(bytes32 tradeHash, CrossBorderTerms calldata crossBorder) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                CROSS_BORDER_TRADE_TYPEHASH,
                tradeHash,
                crossBorder.mechanism,
                crossBorder.filingDigest,
                crossBorder.destination
            )
        );
    }

    /// @dev Invalid signatures revert with this contract's interface error.
    function _revertInvalidSignature(address signer) internal pure override {
        revert TradeInvalidSignature(signer);
    }
}
