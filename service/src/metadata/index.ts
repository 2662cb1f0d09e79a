export * from "./schema";
export * from "./example";
