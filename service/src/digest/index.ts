/**
 * The shared encodings of Shuquan (docs/digests.md): one function per encoding, used by the CLI, the indexer,
 * the API and the tests.
 */
export * from "./enums";
export * from "./hash";
export * from "./dataset";
export * from "./canonical";
export * from "./evidence";
export * from "./ids";
export * from "./registration-number";
export * from "./eip712";
export * from "./receipt";
