// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {IDataAssetRegistry} from "../interfaces/IDataAssetRegistry.sol";

/// @title Test double: the slice of DataAssetRegistry that EvidenceAnchor and PledgeRegistry call
/// @notice `exists`, `getAsset`, `ownerOf` and `setPledgeLock`, with setters to arrange assets. Lets those
/// contracts be unit-tested without the full registry; integration tests use the real one.
contract MockAssetRegistry {
    event AssetPledgeLockChanged(uint256 indexed assetId, bool pledged, uint256 pledgeId);

    mapping(uint256 assetId => IDataAssetRegistry.Asset asset) private _assets;
    mapping(uint256 assetId => address holder) private _owners;
    address private _pledgeRegistry;
    address private _tradeRecorder;

    /// @notice Names the trade recorder the pledge registry asks for (enforcement).
    function setTradeRecorder(address tradeRecorder_) external {
        _tradeRecorder = tradeRecorder_;
    }

    function tradeRecorder() external view returns (address) {
        return _tradeRecorder;
    }

    function pledgeRegistry() external view returns (address) {
        return _pledgeRegistry;
    }

    /// @notice Arranges an asset registered at `exchange` and held by `holder`.
    function setAsset(uint256 assetId, address exchange, address holder) external {
        _assets[assetId].exchange = exchange;
        _assets[assetId].status = 1;
        _owners[assetId] = holder;
    }

    /// @notice Marks an asset frozen or not.
    function setFrozen(uint256 assetId, bool frozen) external {
        _assets[assetId].frozen = frozen;
    }

    /// @notice Names the only caller allowed to `setPledgeLock`.
    function setPledgeRegistry(address pledgeRegistry_) external {
        _pledgeRegistry = pledgeRegistry_;
    }

    function exists(uint256 assetId) external view returns (bool) {
        return _assets[assetId].exchange != address(0);
    }

    function getAsset(uint256 assetId) external view returns (IDataAssetRegistry.Asset memory) {
        if (_assets[assetId].exchange == address(0)) revert IDataAssetRegistry.RegistryAssetNotFound(assetId);
        return _assets[assetId];
    }

    function ownerOf(uint256 assetId) external view returns (address) {
        return _owners[assetId];
    }

    function setPledgeLock(uint256 assetId, bool pledged, uint256 pledgeId, uint40) external {
        if (msg.sender != _pledgeRegistry) revert IDataAssetRegistry.RegistryUnauthorized(msg.sender);
        if (_assets[assetId].pledged == pledged) {
            if (pledged) revert IDataAssetRegistry.RegistryAssetPledged(assetId);
            revert IDataAssetRegistry.RegistryAssetNotPledged(assetId);
        }
        _assets[assetId].pledged = pledged;
        emit AssetPledgeLockChanged(assetId, pledged, pledgeId);
    }
}
