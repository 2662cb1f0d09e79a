import { expect } from "chai";
import { Writable } from "node:stream";
import { createLogger, prettyLine } from "../../service/src/logger";

function sink(isTTY: boolean): Writable & { isTTY: boolean; text(): string } {
  let out = "";
  const w = new Writable({
    write(chunk, _enc, cb) {
      out += chunk.toString();
      cb();
    },
  }) as Writable & { isTTY: boolean; text(): string };
  w.isTTY = isTTY;
  w.text = () => out;
  return w;
}

describe("logger", () => {
  it("should write readable lines to a terminal and JSON lines elsewhere, unless told", () => {
    const tty = sink(true);
    createLogger({ stream: tty }).warn({ block: 12, file: "a b.json" }, "rolled back");
    expect(tty.text()).to.match(/^\d\d:\d\d:\d\d WARN  rolled back block=12 file="a b\.json"\n$/);
    const pipe = sink(false);
    createLogger({ stream: pipe }).info({ block: 12 }, "indexing");
    expect(JSON.parse(pipe.text())).to.include({ level: 30, msg: "indexing", block: 12, name: "shuquan" });
    const forced = sink(true);
    createLogger({ stream: forced, format: "json" }).info("x");
    expect(() => JSON.parse(forced.text())).to.not.throw();
  });

  it("should keep a line that is not JSON as it is, and show an error by its message", () => {
    expect(prettyLine("not json")).to.equal("not json");
    const line = prettyLine(JSON.stringify({ level: 50, time: 0, msg: "failed", err: { type: "Error", message: "boom", stack: "…" } }));
    expect(line).to.equal('00:00:00 ERROR failed err="boom"');
  });
});
