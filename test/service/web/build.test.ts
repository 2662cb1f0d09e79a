/**
 * `npm start` rebuilds the web page when its build is missing or older than its sources, and only then.
 */
import { expect } from "chai";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { viteBin, webBuildStaleness } from "../../../service/src/web/build";
import { spawnSync } from "node:child_process";

describe("web build staleness", () => {
  let dir: string;
  let src: string;
  let dist: string;
  const at = (file: string, secondsAgo: number): void => {
    const t = new Date(Date.now() - secondsAgo * 1000);
    fs.utimesSync(file, t, t);
  };

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "shuquan-web-build-"));
    src = path.join(dir, "web");
    dist = path.join(src, "dist");
    fs.mkdirSync(path.join(src, "src"), { recursive: true });
    fs.writeFileSync(path.join(src, "src", "main.tsx"), "render()");
    at(path.join(src, "src", "main.tsx"), 100);
    at(path.join(src, "src"), 100);
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("should want a build when there is none", () => {
    expect(webBuildStaleness(dist, [src])).to.equal("no build yet");
  });

  it("should be current when the build is newer than every source, its own files not counted", () => {
    fs.mkdirSync(path.join(dist, "assets"), { recursive: true });
    fs.writeFileSync(path.join(dist, "index.html"), "<!doctype html>");
    fs.writeFileSync(path.join(dist, "assets", "late.js"), ""); // written after index.html: part of the build
    at(path.join(dist, "index.html"), 10);
    at(src, 100);
    expect(webBuildStaleness(dist, [src])).to.equal(null);
  });

  it("should want a rebuild when a source, however deep, changed after the build", () => {
    fs.mkdirSync(dist, { recursive: true });
    fs.writeFileSync(path.join(dist, "index.html"), "<!doctype html>");
    at(path.join(dist, "index.html"), 50);
    at(src, 100);
    fs.writeFileSync(path.join(src, "src", "main.tsx"), "render(changed)");
    at(path.join(src, "src"), 100);
    expect(webBuildStaleness(dist, [src])).to.equal("sources changed since the last build");
    // an input outside the source tree (the shared digest code, the lockfile) counts too
    at(path.join(src, "src", "main.tsx"), 100);
    const lock = path.join(dir, "package-lock.json");
    fs.writeFileSync(lock, "{}");
    expect(webBuildStaleness(dist, [src])).to.equal(null);
    expect(webBuildStaleness(dist, [src, lock])).to.equal("sources changed since the last build");
  });
});

describe("web build tool", () => {
  it("should find the installed Vite's command, which runs (npm start builds a missing page with it)", function () {
    this.timeout(30_000);
    const bin = viteBin();
    expect(fs.existsSync(bin), bin).to.equal(true);
    const r = spawnSync(process.execPath, [bin, "--version"], { encoding: "utf8" });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/vite\/\d+\.\d+/);
  });
});
