// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IDataAssetRegistry} from "contracts/interfaces/IDataAssetRegistry.sol";
import {ITradeRecorder} from "contracts/interfaces/ITradeRecorder.sol";
import {IEvidenceAnchor} from "contracts/interfaces/IEvidenceAnchor.sol";
import {AssetKind, AssetSource, DataLevel, Right, Venue} from "contracts/common/Types.sol";

/// @notice Benchmark only: emits the Shuquan events (declared by the interfaces) in bulk, so that an indexer
/// benchmark can put 100k realistic logs on a local chain in a few hundred transactions.
contract BenchEmitter {
    /// @dev ERC-721 Transfer, as the registry emits it.
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);

    function emitMany(uint256 start, uint256 n) external {
        for (uint256 i = start; i < start + n; i++) {
            uint256 id = uint256(keccak256(abi.encode(i)));
            address who = address(uint160(0x1000 + (i % 97)));
            uint256 k = i % 5;
            if (k == 0) {
                uint256[] memory parents = new uint256[](i % 3);
                for (uint256 j = 0; j < parents.length; j++) parents[j] = uint256(keccak256(abi.encode(i, j)));
                emit IDataAssetRegistry.AssetRegistered(
                    id, who, address(this), bytes4("SHDE"), uint32(i + 1), AssetKind(i % 4), AssetSource(i % 3),
                    DataLevel(i % 2), bytes32(id), "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua",
                    bytes32(0), parents
                );
            } else if (k == 1) {
                emit Transfer(address(0), who, id);
            } else if (k == 2) {
                emit ITradeRecorder.TradeRecorded(
                    (uint256(uint160(address(this))) << 96) | i, id, address(this), who, address(uint160(who) + 1),
                    Right.Holding, bytes32(0), uint128(1_280_000 + i), bytes3("CNY"), bytes32(0), bytes32(id),
                    Venue.OnExchange, 0
                );
            } else if (k == 3) {
                emit IDataAssetRegistry.LicenceGranted(
                    bytes32(id), id, who, address(uint160(who) + 1), Right.Processing, bytes32(id), uint40(1_767_225_600),
                    uint40(1_798_761_600), false, true, true, 0
                );
            } else {
                emit IEvidenceAnchor.EvidenceAnchored(bytes32(id), address(this), 0, uint56(1 + (i % 100)), "bafkreiaik25br4i43dguxfnclnv5bfjwn5dguigdcmkb3zovgriht6msua");
            }
        }
    }
}
