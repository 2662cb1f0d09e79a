import { HardhatUserConfig, subtask, task } from "hardhat/config";
import { TASK_COMPILE, TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD, TASK_TEST_GET_TEST_FILES } from "hardhat/builtin-tasks/task-names";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import "@nomicfoundation/hardhat-toolbox";
import { writeAbiBundle } from "./scripts/abi-bundle";
import { EVM_TARGET } from "./service/src/contracts/evm-target";

// Hardhat 2 downloads its compiler list, which fails offline: compile with the npm `solc` package (solcjs).
// SOLC_VERSION must equal the installed npm `solc` version.
const SOLC_VERSION = "0.8.28";

subtask(TASK_COMPILE_SOLIDITY_GET_SOLC_BUILD).setAction(
  async (args: { solcVersion: string }, _hre, runSuper) => {
    if (args.solcVersion !== SOLC_VERSION) return runSuper();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const solc = require("solc") as { version(): string };
    return {
      compilerPath: require.resolve("solc/soljson.js"),
      isSolcJs: true,
      version: args.solcVersion,
      longVersion: solc.version().replace(/\.Emscripten.*$/, ""),
    };
  },
);

// Every compile also bundles the interfaces' ABIs into service/src/contracts/abi.json (what the service and the CLI
// load at run time, with no artifacts/ needed), rewritten only when they change.
task(TASK_COMPILE).setAction(async (args, hre, runSuper) => {
  const result: unknown = await runSuper(args);
  writeAbiBundle((name) => {
    try {
      return hre.artifacts.readArtifactSync(name).abi as object[];
    } catch {
      // OpenZeppelin interfaces the project does not compile itself come from the package's own build
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      return (require(`@openzeppelin/contracts/build/contracts/${name}.json`) as { abi: object[] }).abi;
    }
  });
  return result;
});

// `hardhat test` runs only *.test.ts / *.test.js files: test/ also holds helpers and child-process scripts that
// must not be loaded as tests. `hardhat test <dir>` runs every test file under <dir> (Hardhat 2 only accepts
// files), so that e.g. `REPORT_GAS=1 GAS_REPORT_FILE=bench/results/gas-reporter.txt npx hardhat test test/contracts`
// works.
subtask(TASK_TEST_GET_TEST_FILES).setAction(async (args: { testFiles: string[] }, hre, runSuper) => {
  const walk = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : /\.test\.(ts|js)$/.test(e.name) ? [path.join(dir, e.name)] : [],
    );
  const requested = args.testFiles.length > 0 ? args.testFiles : [hre.config.paths.tests];
  const expanded = requested.flatMap((f) => {
    const abs = path.resolve(process.cwd(), f);
    return statSync(abs, { throwIfNoEntry: false })?.isDirectory() ? walk(abs).sort() : [f];
  });
  return runSuper({ testFiles: expanded });
});

const config: HardhatUserConfig = {
  solidity: {
    version: SOLC_VERSION,
    settings: { optimizer: { enabled: true, runs: 200 }, viaIR: true, evmVersion: EVM_TARGET },
  },
  networks: {
    hardhat: { chainId: 31337 },
    localhost: { url: process.env.RPC_URL ?? "http://127.0.0.1:8545" },
  },
  paths: { sources: "./contracts", tests: "./test", cache: "./cache", artifacts: "./artifacts" },
  typechain: { outDir: "typechain-types", target: "ethers-v6" },
  gasReporter: {
    enabled: process.env.REPORT_GAS === "1",
    offline: true,
    outputFile: process.env.GAS_REPORT_FILE,
    noColors: Boolean(process.env.GAS_REPORT_FILE),
  },
  mocha: { timeout: 120_000 },
};

export default config;
