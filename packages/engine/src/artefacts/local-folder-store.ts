import { createReadStream, createWriteStream } from 'node:fs';
import { copyFile, readdir, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts';
import { assertArtefactKey } from './artefact-keys.ts';
import type { ArtefactBody, ArtefactInfo, ArtefactStore } from './artefact-store.ts';

/**
 * The embedded default: artefacts as files under one folder (`<data folder>/reports`), a key being
 * the path below it. Files are 0600 in 0700 folders; a file is written to a temporary name and renamed,
 * so a reader sees the old one or the new one. Reads follow links only when they stay inside the folder.
 */
export class LocalFolderStore implements ArtefactStore {
  readonly isLocalFolder = true;
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  get description(): string {
    return `local folder ${this.root}`;
  }

  async put(key: string, body: ArtefactBody): Promise<void> {
    const file = this.pathOf(key);
    makePrivateDir(dirname(file));
    const partial = `${file}.${process.pid}.partial`;
    const source = typeof body === 'string' || Buffer.isBuffer(body) ? Readable.from([body]) : body;
    try {
      await pipeline(source, createWriteStream(partial, { mode: PRIVATE_FILE_MODE }));
    } catch (error) {
      // A body that failed or was abandoned (an extract archive part of a stopped task) leaves nothing.
      await rm(partial, { force: true });
      throw error;
    }
    await rename(partial, file);
  }

  async putFile(key: string, path: string): Promise<void> {
    const file = this.pathOf(key);
    if (resolve(path) === file) return;
    makePrivateDir(dirname(file));
    const partial = `${file}.${process.pid}.partial`;
    await copyFile(path, partial);
    await rename(partial, file);
  }

  async get(key: string): Promise<Readable | null> {
    const file = await this.existingPath(key);
    return file ? createReadStream(file) : null;
  }

  async head(key: string): Promise<ArtefactInfo | null> {
    const file = await this.existingPath(key);
    if (!file) return null;
    const s = await stat(file);
    return s.isFile() ? { key, size: s.size, modified: s.mtime } : null;
  }

  async list(prefix: string): Promise<ArtefactInfo[]> {
    if (prefix !== '') assertArtefactKey(prefix.replace(/\/$/, ''));
    const found: ArtefactInfo[] = [];
    await this.walk('', found);
    return found.filter((f) => f.key.startsWith(prefix)).sort((a, b) => (a.key < b.key ? -1 : 1));
  }

  async delete(keys: readonly string[]): Promise<void> {
    const folders = new Set<string>();
    for (const key of keys) {
      const file = this.pathOf(key);
      await rm(file, { force: true });
      folders.add(dirname(file));
    }
    // Folders left empty go too, deepest first, never the root.
    for (const folder of [...folders].sort((a, b) => b.length - a.length)) {
      for (let f = folder; f !== this.root && f.startsWith(this.root); f = dirname(f)) {
        if ((await readdir(f).catch(() => ['?'])).length > 0) break;
        await rm(f, { recursive: true, force: true });
      }
    }
  }

  async check(): Promise<void> {
    makePrivateDir(this.root);
  }

  /** Where a key's file is; the key is checked first, so the path cannot leave the folder. */
  pathOf(key: string): string {
    return join(this.root, assertArtefactKey(key));
  }

  /**
   * The key's file with links followed, when it exists and stays inside the folder: a file replaced
   * by a link out of it (to /etc/passwd, the session secret) is as good as absent.
   */
  private async existingPath(key: string): Promise<string | null> {
    const file = this.pathOf(key);
    try {
      const [root, real] = await Promise.all([realpath(this.root), realpath(file)]);
      const inside = relative(root, real);
      return inside === '' || inside.startsWith('..') || isAbsolute(inside) ? null : real;
    } catch {
      return null;
    }
  }

  private async walk(folder: string, found: ArtefactInfo[]): Promise<void> {
    const entries = await readdir(join(this.root, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const key = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await this.walk(key, found);
      else if (entry.isFile() && !entry.name.endsWith('.partial') && isKey(key)) {
        const s = await stat(join(this.root, key));
        found.push({ key, size: s.size, modified: s.mtime });
      }
    }
  }
}

function isKey(key: string): boolean {
  try {
    assertArtefactKey(key);
    return true;
  } catch {
    return false;
  }
}
