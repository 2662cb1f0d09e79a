/** Browser stand-in for `node:fs`: the shared digest code's file functions are never called in the page. */
const unavailable = (): never => {
  throw new Error("no file system in the browser");
};
export const createReadStream = unavailable;
export const promises = { stat: unavailable, readdir: unavailable };
