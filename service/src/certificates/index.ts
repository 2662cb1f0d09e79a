/** Registration and trade certificates: their content and number, the printable page, and the check against the chain. */
export * from "./model";
export * from "./html";
export * from "./assess";
