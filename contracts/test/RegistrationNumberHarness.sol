// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {AssetKind, AssetSource} from "../common/Types.sol";
import {RegistrationNumber} from "../libraries/RegistrationNumber.sol";

/// @title Test double: exposes the RegistrationNumber library's internal functions
contract RegistrationNumberHarness {
    /// @notice RegistrationNumber.format.
    function format(bytes4 code, uint256 registeredAt, AssetKind kind, AssetSource source, uint256 sequence)
        external
        pure
        returns (string memory)
    {
        return RegistrationNumber.format(code, registeredAt, kind, source, sequence);
    }

    /// @notice RegistrationNumber.checkCharacter over the whole of `text`.
    function checkCharacter(string calldata text) external pure returns (bytes1) {
        bytes memory b = bytes(text);
        return RegistrationNumber.checkCharacter(b, b.length);
    }

    /// @notice RegistrationNumber.utcYear.
    function utcYear(uint256 timestamp) external pure returns (uint256) {
        return RegistrationNumber.utcYear(timestamp);
    }
}
