/**
 * Drop to verify (lazily loaded): a file, a folder (a dataset) or a pasted evidence record is hashed in this
 * browser — nothing is uploaded — and checked against the chain.
 */
import { useState } from "preact/hooks";
import { ChainSettings } from "../components/chain-settings";
import { Addr, AssetLink, Time, short } from "../format";
import { t, useLang } from "../i18n";
import { verifyDataset, verifyFile, verifyPasted, type Verdict } from "../verify/engine";
import { readDrop, readFolderInput, type Dropped } from "../verify/folder";
import { useTitle } from "./common";

type Job = { state: "idle" } | { state: "hashing"; done: number; total: number; name: string } | { state: "checking" } | { state: "done"; verdicts: Verdict[] } | { state: "error"; message: string };

function bytes(n: number): string {
  return n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : n < 1024 ** 3 ? `${(n / 1024 ** 2).toFixed(1)} MiB` : `${(n / 1024 ** 3).toFixed(2)} GiB`;
}

function VerdictCard({ v }: { v: Verdict }) {
  const chainOk = "chainId" in v.chain;
  return (
    <section class={`verdict ${v.outcome}`} data-testid="verdict" data-outcome={v.outcome} data-chain={chainOk ? "checked" : "api-only"} aria-labelledby={`v-${v.digest}`}>
      <h2 id={`v-${v.digest}`}>
        {v.outcome === "registered" ? "✔ " : v.outcome === "anchored" ? "✔ " : "✘ "}
        {t(`verdict.${v.outcome}`)}
      </h2>
      <p>
        {t(`subject.${v.subject.kind}`)} <strong>{v.subject.name}</strong>
        {v.subject.size !== undefined ? ` (${bytes(v.subject.size)})` : ""} · {t("verify.digest")} <code class="wrap" data-testid="digest">{v.digest}</code>
      </p>
      {chainOk ? (
        <p class="ok small" data-testid="chain-note">
          {t("verify.chainChecked", { url: v.chain.url, head: (v.chain as { head: number }).head })}
        </p>
      ) : (
        <p class="bad" role="alert" data-testid="chain-note">
          {t("verify.restsOnApi", { url: v.chain.url || "—", error: (v.chain as { error: string }).error })}
        </p>
      )}
      {v.outcome === "registered" ? (
        <dl class="facts">
          <div>
            <dt>{t("asset.number")}</dt>
            <dd>
              <AssetLink id={v.digest} label={v.chainAsset?.registrationNumber ?? v.apiAsset?.registrationNumber} />
            </dd>
          </div>
          <div>
            <dt>{t("asset.exchange")}</dt>
            <dd>{v.chainAsset?.exchange ?? v.apiAsset?.exchange ? <Addr a={(v.chainAsset?.exchange ?? v.apiAsset?.exchange) as string} /> : "—"}</dd>
          </div>
          <div>
            <dt>{t("asset.registered")}</dt>
            <dd>{v.chainAsset?.registeredAt ? <Time unix={v.chainAsset.registeredAt} /> : v.apiAsset ? <Time unix={v.apiAsset.registered.blockTime} /> : "—"}</dd>
          </div>
          <div>
            <dt>{t("asset.holder")}</dt>
            <dd>{v.chainAsset?.holder ?? v.apiAsset?.holder ? <Addr a={(v.chainAsset?.holder ?? v.apiAsset?.holder) as string} /> : "—"}</dd>
          </div>
        </dl>
      ) : null}
      {v.evidence.length > 0 ? (
        <ul class="events">
          {v.evidence.map((e) => (
            <li key={e.occurrence.batch.root + e.occurrence.leafIndex} data-testid="evidence-check">
              {t("verify.inBatch")}{" "}
              <a href={`/batch/${e.occurrence.batch.root}`}>
                <code>{short(e.occurrence.batch.root)}</code>
              </a>{" "}
              · {t("evidence.anchoredBy")} <Addr a={e.chainBatch?.exchange ?? e.occurrence.batch.exchange} /> ·{" "}
              <Time unix={e.chainBatch?.anchoredAt ?? e.occurrence.batch.anchored.blockTime} />
              {e.occurrence.label ? ` · ${e.occurrence.label}` : ""}
              <ul class="checks">
                <li class={e.leafMatches ? "ok" : "bad"}>{t(e.leafMatches ? "check.leafOk" : "check.leafBad")}</li>
                <li class={e.proofValid ? "ok" : "bad"}>{t(e.proofValid ? "check.proofOk" : "check.proofBad")}</li>
                {e.chainBatch !== undefined ? (
                  <li class={e.chainBatch && e.chainVerified ? "ok" : "bad"}>{t(e.chainBatch && e.chainVerified ? "check.rootOk" : "check.rootBad")}</li>
                ) : null}
              </ul>
            </li>
          ))}
        </ul>
      ) : null}
      {v.outcome === "not-found" ? <p>{t(chainOk ? "verify.notFoundChain" : "verify.notFoundApi")}</p> : null}
      {v.conflicts.length ? (
        <ul class="bad" role="alert">
          {v.conflicts.map((c) => (
            <li key={c}>{c}</li>
          ))}
        </ul>
      ) : null}
      {v.subject.files ? (
        <details>
          <summary>{t("verify.files", { n: v.subject.files.length })}</summary>
          <ul class="small">
            {v.subject.files.map((f) => (
              <li key={f.path}>
                <code>{f.path}</code> {bytes(f.size)} <code>{short(f.digest, 8)}</code>
              </li>
            ))}
          </ul>
        </details>
      ) : null}
    </section>
  );
}

export function VerifyPage() {
  useLang();
  useTitle(t("verify.title"));
  const [job, setJob] = useState<Job>({ state: "idle" });
  const [over, setOver] = useState(false);
  const [pasted, setPasted] = useState("");
  const progress = (name: string) => (done: number, total: number) => setJob({ state: "hashing", done, total, name });
  const run = async (d: Dropped): Promise<void> => {
    try {
      const verdicts: Verdict[] = [];
      if (d.kind === "folder") verdicts.push(await verifyDataset(d.name, d.entries, progress(d.name)));
      else for (const f of d.files) verdicts.push(await verifyFile(f, progress(f.name)));
      setJob(verdicts.length ? { state: "done", verdicts } : { state: "idle" });
    } catch (e) {
      setJob({ state: "error", message: (e as Error).message });
    }
  };
  return (
    <>
      <h1>{t("verify.title")}</h1>
      <p>{t("verify.lead")}</p>
      <ChainSettings />
      <div
        class={`dropzone ${over ? "over" : ""}`}
        role="region"
        aria-label={t("verify.dropLabel")}
        data-testid="dropzone"
        onDragOver={(e) => (e.preventDefault(), setOver(true))}
        onDragLeave={() => setOver(false)}
        onDrop={(e) => {
          e.preventDefault();
          setOver(false);
          if (e.dataTransfer) void readDrop(e.dataTransfer).then(run);
        }}
      >
        <p>{t("verify.drop")}</p>
        <div class="pickers">
          <label class="button">
            {t("verify.chooseFile")}
            <input
              type="file"
              multiple
              data-testid="file-input"
              onChange={(e) => {
                const input = e.target as HTMLInputElement;
                const files = input.files ? [...input.files] : [];
                input.value = ""; // so choosing the same file again checks it again
                if (files.length) void run({ kind: "files", files });
              }}
            />
          </label>
          <label class="button">
            {t("verify.chooseFolder")}
            <input
              type="file"
              data-testid="folder-input"
              {...{ webkitdirectory: true }}
              onChange={(e) => {
                const input = e.target as HTMLInputElement;
                const files = input.files;
                if (files?.length) void run(readFolderInput(files)).finally(() => (input.value = ""));
              }}
            />
          </label>
        </div>
      </div>
      <form
        class="paste"
        onSubmit={(e) => {
          e.preventDefault();
          setJob({ state: "checking" });
          verifyPasted(pasted).then(
            (v) => setJob({ state: "done", verdicts: [v] }),
            (err: Error) => setJob({ state: "error", message: err.message }),
          );
        }}
      >
        <label for="paste">{t("verify.pasteLabel")}</label>
        <textarea id="paste" rows={4} value={pasted} onInput={(e) => setPasted((e.target as HTMLTextAreaElement).value)} placeholder='{"type":"delivery-receipt", …}' />
        <button type="submit" disabled={!pasted.trim()}>
          {t("verify.check")}
        </button>
      </form>
      <div aria-live="polite">
        {job.state === "hashing" ? (
          <div class="progress">
            <label for="hash-progress">
              {t("verify.hashing", { name: job.name, done: bytes(job.done), total: bytes(job.total) })}
            </label>
            <progress id="hash-progress" max={job.total || 1} value={job.done} />
          </div>
        ) : job.state === "checking" ? (
          <p class="muted">{t("verify.checking")}</p>
        ) : job.state === "error" ? (
          <p class="bad" role="alert">
            {job.message}
          </p>
        ) : job.state === "done" ? (
          job.verdicts.map((v) => <VerdictCard key={v.digest} v={v} />)
        ) : null}
      </div>
      <p class="muted small">{t("verify.private")}</p>
    </>
  );
}
