/**
 * A dropped or chosen folder as the dataset the CLI would hash: every file under it, with its path relative to the
 * folder, '/'-separated and NFC-normalised (docs/digests.md). The browser shows no links or special files.
 */

/** A file of a dataset with its relative path. */
export interface DatasetEntry {
  path: string;
  file: File;
}

interface FsEntry {
  isFile: boolean;
  isDirectory: boolean;
  name: string;
  file?(ok: (f: File) => void, fail: (e: unknown) => void): void;
  createReader?(): { readEntries(ok: (e: FsEntry[]) => void, fail: (e: unknown) => void): void };
}

async function walk(entry: FsEntry, prefix: string, out: DatasetEntry[]): Promise<void> {
  if (entry.isFile && entry.file) {
    const file = await new Promise<File>((ok, fail) => entry.file!(ok, fail));
    out.push({ path: (prefix + entry.name).normalize("NFC"), file });
  } else if (entry.isDirectory && entry.createReader) {
    const reader = entry.createReader();
    for (;;) {
      // readEntries returns the directory in batches; an empty batch ends it
      const batch = await new Promise<FsEntry[]>((ok, fail) => reader.readEntries(ok, fail));
      if (batch.length === 0) break;
      for (const e of batch) await walk(e, `${prefix}${entry.name}/`, out);
    }
  }
}

/** What was dropped: one folder (a dataset), or files (each verified on its own). */
export type Dropped = { kind: "folder"; name: string; entries: DatasetEntry[] } | { kind: "files"; files: File[] };

/** Reads a drop. A single folder becomes a dataset with paths relative to it. */
export async function readDrop(dt: DataTransfer): Promise<Dropped> {
  const entries = [...dt.items].map((i) => (i.webkitGetAsEntry?.() ?? null) as FsEntry | null);
  const dirs = entries.filter((e): e is FsEntry => e !== null && e.isDirectory);
  if (dirs.length === 1 && entries.length === 1) {
    const dir = dirs[0]!;
    const out: DatasetEntry[] = [];
    await walk(dir, "", out);
    // walk names paths from the folder itself: drop its own name
    return { kind: "folder", name: dir.name, entries: out.map((e) => ({ ...e, path: e.path.slice(dir.name.length + 1) })) };
  }
  return { kind: "files", files: [...dt.files] };
}

/** Reads an <input webkitdirectory> selection: paths come as "folder/sub/file". */
export function readFolderInput(files: FileList): Dropped {
  const list = [...files];
  const name = list[0]?.webkitRelativePath.split("/")[0] ?? "";
  return {
    kind: "folder",
    name,
    entries: list.map((file) => ({ file, path: file.webkitRelativePath.split("/").slice(1).join("/").normalize("NFC") })),
  };
}
