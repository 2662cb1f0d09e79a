// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712Verifier} from "./eip712/EIP712Verifier.sol";
import {ITradeRecorder} from "./interfaces/ITradeRecorder.sol";
import {IDataAssetRegistry} from "./interfaces/IDataAssetRegistry.sol";
import {IParticipantRegistry} from "./interfaces/IParticipantRegistry.sol";
import {Right, LicenceTerms} from "./common/Types.sol";

/// @title Shuquan trade recorder (交易凭证): seller-authorised trades that apply the right they move
/// @notice An active exchange records a trade it owns the id of; the seller's EIP-712 signature (ECDSA or ERC-1271)
/// covers every term, the recording exchange and a deadline. The holding right moves with
/// `DataAssetRegistry.transferByTrade`; the other rights become licences granted by the seller through
/// `grantLicenceByTrade`, in the same transaction.
/// @dev Nonces: the trade id is the signature's nonce. Used ids are kept in a bitmap (256 ids a slot, so an
/// exchange's serials 0-255 share one slot), and an id can be recorded once. There is no on-chain cancellation: a
/// seller withdraws a signed authorisation by letting its `deadline` pass (sign short deadlines), or, before that,
/// by asking the exchange not to submit it. Core-level, frozen and pledged assets never trade: the registry
/// refuses them. The participant registry's `ParticipantsExchangeNotActive` and `ParticipantsNotRecognised`
/// bubble up unchanged when the caller is not an active exchange or a party is not recognised there.
contract TradeRecorder is EIP712Verifier, ITradeRecorder {
    /// @notice EIP-712 type of the licence terms inside a trade:
    /// LicenceTerms(bytes32 scopeDigest,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)
    bytes32 public constant LICENCE_TERMS_TYPEHASH = keccak256(
        "LicenceTerms(bytes32 scopeDigest,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)"
    );

    /// @notice EIP-712 type the seller signs (enums as uint8; `exchange` is the recording exchange):
    /// Trade(uint256 tradeId,address exchange,uint256 assetId,address seller,address buyer,uint8 right,
    /// LicenceTerms licence,uint128 price,bytes3 currency,bytes32 priceCommitment,bytes32 contractDigest,
    /// uint8 venue,uint256 linkedTradeId,uint64 deadline)LicenceTerms(bytes32 scopeDigest,uint40 start,
    /// uint40 end,bool exclusive,bool sublicensable,bool revocable)
    bytes32 public constant TRADE_TYPEHASH = keccak256(
        "Trade(uint256 tradeId,address exchange,uint256 assetId,address seller,address buyer,uint8 right,"
        "LicenceTerms licence,uint128 price,bytes3 currency,bytes32 priceCommitment,bytes32 contractDigest,"
        "uint8 venue,uint256 linkedTradeId,uint64 deadline)"
        "LicenceTerms(bytes32 scopeDigest,uint40 start,uint40 end,bool exclusive,bool sublicensable,bool revocable)"
    );

    /// @dev Roles and recognition.
    IParticipantRegistry private immutable _participants;
    /// @dev The registry whose rights the trades move.
    IDataAssetRegistry private immutable _registry;
    /// @dev Used trade ids: bit (id & 255) of word (id >> 8).
    mapping(uint256 word => uint256 bits) private _usedTradeIds;

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
    /// is an active exchange at which both are recognised; the deadline has not passed; the id is unused; price,
    /// contract digest, linked trade and (for Holding) empty licence terms; the seller's signature. Then marks the
    /// id used and applies the right in the registry, and emits TradeRecorded.
    function recordTrade(Trade calldata trade, bytes calldata sellerSignature) external returns (bytes32 licenceId) {
        _checkParties(trade);
        uint256 tradeId = trade.tradeId;
        uint256 word = tradeId >> 8;
        uint256 bit = 1 << (tradeId & 0xff);
        uint256 used = _usedTradeIds[word];
        if (used & bit != 0) revert TradeIdUsed(tradeId);
        _checkTerms(trade);
        _requireValidSignature(trade.seller, _structHash(trade), sellerSignature);

        _usedTradeIds[word] = used | bit;
        licenceId = _apply(trade);
        _emitRecorded(trade, licenceId);
    }

    /// @inheritdoc ITradeRecorder
    function isRecorded(uint256 tradeId) public view returns (bool) {
        return _usedTradeIds[tradeId >> 8] & (1 << (tradeId & 0xff)) != 0;
    }

    /// @inheritdoc ITradeRecorder
    /// @dev The `exchange` field of the signed struct is the trade id's prefix, which `recordTrade` requires to be
    /// the recording exchange.
    function hashTrade(Trade calldata trade) external view returns (bytes32) {
        return _hashTypedDataV4(_structHash(trade));
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
        address[] memory parties = new address[](2);
        parties[0] = seller;
        parties[1] = buyer;
        _participants.requireRecognised(msg.sender, parties);
        if (_time() > trade.deadline) revert TradeExpired(trade.deadline);
    }

    /// @dev Moves the right in the registry: the holding by transfer, any other right as a licence from the seller.
    function _apply(Trade calldata trade) private returns (bytes32 licenceId) {
        if (trade.right == Right.Holding) {
            _registry.transferByTrade(trade.assetId, trade.seller, trade.buyer, trade.tradeId);
        } else {
            licenceId = _registry.grantLicenceByTrade(
                trade.assetId, trade.seller, trade.buyer, trade.right, trade.licence, trade.tradeId
            );
        }
    }

    /// @dev Term checks that need no storage but the used-id bitmap: exactly one of (price > 0 with a currency)
    /// and (a price commitment); a contract digest; a linked trade, if any, recorded already; for Holding, all-zero
    /// licence terms.
    function _checkTerms(Trade calldata trade) private view {
        bool hasPrice = trade.price != 0;
        bool hasCurrency = trade.currency != bytes3(0);
        if (hasPrice != hasCurrency || hasPrice == (trade.priceCommitment != bytes32(0))) revert TradeInvalidPrice();
        if (trade.contractDigest == bytes32(0)) revert TradeMissingContractDigest();
        uint256 linked = trade.linkedTradeId;
        if (linked != 0 && !isRecorded(linked)) revert TradeLinkedTradeNotFound(linked);
        if (trade.right == Right.Holding) {
            LicenceTerms calldata l = trade.licence;
            if (l.scopeDigest != 0 || l.start != 0 || l.end != 0 || l.exclusive || l.sublicensable || l.revocable) {
                revert TradeHoldingTermsNotEmpty();
            }
        }
    }

    /// @dev The EIP-712 struct hash of `trade`, with `exchange` = the trade id's prefix.
    function _structHash(Trade calldata trade) private pure returns (bytes32) {
        return keccak256(bytes.concat(_encodeHead(trade), _encodeTail(trade)));
    }

    /// @dev Fields tradeId .. licence of the Trade encoding (split in two to bound the stack).
    function _encodeHead(Trade calldata trade) private pure returns (bytes memory) {
        LicenceTerms calldata l = trade.licence;
        bytes32 licenceHash = keccak256(
            abi.encode(LICENCE_TERMS_TYPEHASH, l.scopeDigest, l.start, l.end, l.exclusive, l.sublicensable, l.revocable)
        );
        return abi.encode(
            TRADE_TYPEHASH,
            trade.tradeId,
            address(uint160(trade.tradeId >> 96)),
            trade.assetId,
            trade.seller,
            trade.buyer,
            trade.right,
            licenceHash
        );
    }

    /// @dev Fields price .. deadline of the Trade encoding.
    function _encodeTail(Trade calldata trade) private pure returns (bytes memory) {
        return abi.encode(
            trade.price,
            trade.currency,
            trade.priceCommitment,
            trade.contractDigest,
            trade.venue,
            trade.linkedTradeId,
            trade.deadline
        );
    }

    /// @dev Emits TradeRecorded.
    function _emitRecorded(Trade calldata trade, bytes32 licenceId) private {
        emit TradeRecorded(
            trade.tradeId,
            trade.assetId,
            msg.sender,
            trade.seller,
            trade.buyer,
            trade.right,
            licenceId,
            trade.price,
            trade.currency,
            trade.priceCommitment,
            trade.contractDigest,
            trade.venue,
            trade.linkedTradeId
        );
    }

    /// @dev Invalid signatures revert with this contract's interface error.
    function _revertInvalidSignature(address signer) internal pure override {
        revert TradeInvalidSignature(signer);
    }
}
