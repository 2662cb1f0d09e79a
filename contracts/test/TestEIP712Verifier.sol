// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.28;

import {EIP712Verifier} from "../eip712/EIP712Verifier.sol";

/// @title Test double: exposes EIP712Verifier's internals, with a settable clock
contract TestEIP712Verifier is EIP712Verifier {
    uint40 private _now;

    constructor() EIP712Verifier("Test Verifier", "1") {}

    function isValid(address signer, bytes32 structHash, bytes calldata sig) external view returns (bool) {
        return _isValidSignature(signer, structHash, sig);
    }

    function requireValid(address signer, bytes32 structHash, bytes calldata sig) external view {
        _requireValidSignature(signer, structHash, sig);
    }

    function setTime(uint40 t) external {
        _now = t;
    }

    function time() external view returns (uint40) {
        return _time();
    }

    function realTime() external view returns (uint40) {
        return super._time();
    }

    function _time() internal view override returns (uint40) {
        return _now == 0 ? super._time() : _now;
    }
}
