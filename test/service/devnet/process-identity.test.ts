import { expect } from "chai";
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DataDirLockedError, lockDataDir } from "../../../service/src/devnet/lock";
import { formatIdentity, parseIdentity, processStartTime, selfIdentity, stillRunning } from "../../../service/src/devnet/process-identity";
import { createSilentLogger } from "../../../service/src/logger";

describe("devnet: who holds the data directory", () => {
  const logger = createSilentLogger();
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), "sq-lock-"))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("should tell this live process from a reused pid and from a dead one", async () => {
    const me = selfIdentity();
    expect(me.startTime).to.be.a("string");
    expect(stillRunning(me)).to.equal(true);
    expect(stillRunning({ pid: process.pid, startTime: String(Number(me.startTime) + 1) })).to.equal(false);
    const child = spawn(process.execPath, ["-e", "0"]);
    const pid = child.pid!;
    const started = processStartTime(pid);
    await new Promise((r) => child.once("exit", r));
    expect(stillRunning({ pid, startTime: started })).to.equal(false);
    expect(parseIdentity(formatIdentity(me, { url: "x" }))).to.deep.equal(me);
    expect(parseIdentity("1234\n")).to.deep.equal({ pid: 1234, startTime: null });
    expect(parseIdentity("garbage")).to.equal(undefined);
  });

  it("should refuse a live holder, take over a lock whose pid was reused, and release only its own lock", () => {
    const release = lockDataDir(dir, logger);
    expect(() => lockDataDir(dir, logger)).to.throw(DataDirLockedError, `pid ${process.pid}`);
    release();
    expect(fs.existsSync(path.join(dir, "shuquan.lock"))).to.equal(false);
    // a lock naming this (live) process with another start time: the pid was reused, the holder is gone
    fs.writeFileSync(path.join(dir, "shuquan.lock"), JSON.stringify({ pid: process.pid, startTime: "1" }));
    const lines: string[] = [];
    const spy = { ...logger, warn: (m: string) => lines.push(m) } as unknown as typeof logger;
    const again = lockDataDir(dir, spy);
    expect(lines).to.have.length(1);
    expect(lines[0]).to.match(/taking over .*shuquan\.lock: its holder \(pid \d+\) is gone/);
    // someone else's lock is not removed by our release
    fs.writeFileSync(path.join(dir, "shuquan.lock"), JSON.stringify({ pid: 999999999, startTime: null }));
    again();
    expect(fs.existsSync(path.join(dir, "shuquan.lock"))).to.equal(true);
  });
});
