/**
 * What the page is told about the chain (GET /v1/config): the embedded chain's URL, or PUBLIC_RPC_URL — never
 * RPC_URL, whose provider URL may hold a key.
 */
import { expect } from "chai";
import { webOptions } from "../../../service/src/web";

describe("web options", () => {
  const deployment = { chainId: 31337, contracts: [{ name: "EvidenceAnchor", address: "0xDc64a140Aa3E981100a9becA4E685f962f0cF6C9" }] };
  const base = { deployment, webRoot: "/srv/web" };

  it("should tell the embedded chain's URL, with contract addresses in lower case, and pass CORS on", () => {
    const o = webOptions({ ...base, config: { corsOrigins: "*", publicRpcUrl: undefined }, chainUrl: "http://127.0.0.1:8545" });
    expect(o.publicChains).to.deep.equal([{ chainId: 31337, rpcUrl: "http://127.0.0.1:8545", contracts: [{ name: "EvidenceAnchor", address: "0xdc64a140aa3e981100a9beca4e685f962f0cf6c9" }] }]);
    expect(o.corsOrigins).to.equal("*");
    expect(o.webRoot).to.equal("/srv/web");
  });

  it("should prefer PUBLIC_RPC_URL, and tell no URL on a network without it", () => {
    expect(webOptions({ ...base, config: { corsOrigins: [], publicRpcUrl: "https://rpc.example" }, chainUrl: "http://127.0.0.1:8545" }).publicChains?.[0]?.rpcUrl).to.equal("https://rpc.example");
    expect(webOptions({ ...base, config: { corsOrigins: ["https://a.example"], publicRpcUrl: undefined } }).publicChains?.[0]?.rpcUrl).to.equal(null);
  });
});
