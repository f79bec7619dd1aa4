// A real, small file system for disk-full tests: a tmpfs of a few MiB mounted on a temporary directory,
// so that writes fail with the kernel's own ENOSPC (SQLite then says SQLITE_FULL, PostgreSQL 53100).
// Mounting needs root (or CAP_SYS_ADMIN); where it is not permitted the helper says so and the test fails with that reason (never skips).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Sequelize } from 'sequelize';

/** A mounted tmpfs and how to take it away again. */
export interface SmallFileSystem {
  dir: string;
  /** Unmounts it (lazily, so that a file a test left open does not stop it) and removes the directory. */
  unmount(): void;
}

/** Mounts a tmpfs of `sizeBytes` (owned by uid:gid, default root) on a new temporary directory; or `{ refused }` with the reason when mounting is not permitted here. */
export function mountSmallFileSystem(sizeBytes: number, owner: { uid: number; gid: number } = { uid: 0, gid: 0 }): SmallFileSystem | { refused: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kirjuri-small-fs-'));
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700,uid=${owner.uid},gid=${owner.gid}`, 'tmpfs', dir], { encoding: 'utf8' });
  if (mounted.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    return { refused: `mounting a tmpfs is not permitted here (${(mounted.stderr || mounted.error?.message || 'mount failed').trim()})` };
  }
  return {
    dir,
    unmount() {
      spawnSync('umount', ['-l', dir]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Writes a filler file into `dir` until the file system is full (ENOSPC); returns a function that removes it. */
export async function fillFileSystem(dir: string): Promise<() => Promise<void>> {
  const path = join(dir, 'filler.bin');
  const handle = await open(path, 'w');
  try {
    // Big pieces first, then smaller ones, so that not even a page is left.
    for (const size of [1 << 20, 64 << 10, 4 << 10, 512]) {
      const piece = Buffer.alloc(size, 0x5a);
      for (;;) {
        try {
          await handle.write(piece);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    await handle.close();
  }
  return () => rm(path, { force: true });
}

/**
 * A PostgreSQL tablespace on a small tmpfs that the server's own user owns, for a test database whose
 * tables fill that file system while the server's WAL and other databases stay on its big disk. Only
 * for a server on this machine (it must reach the directory); or `{ refused }` with the reason where it cannot be made.
 */
export async function smallTablespace(adminUrl: string, sizeBytes: number): Promise<{ name: string; fileSystem: SmallFileSystem; drop(): Promise<void> } | { refused: string }> {
  const host = new URL(adminUrl).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) return { refused: `the PostgreSQL server at ${host} is not on this machine` };
  const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gids = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (ids.status !== 0 || gids.status !== 0) return { refused: 'there is no local postgres user to own the tablespace' };
  const fileSystem = mountSmallFileSystem(sizeBytes, { uid: Number(ids.stdout.trim()), gid: Number(gids.stdout.trim()) });
  if ('refused' in fileSystem) return fileSystem;
  const name = `kirjuri_small_${process.pid}_${Date.now()}`;
  const admin = new Sequelize(adminUrl, { dialect: 'postgres', logging: false, pool: { max: 1, min: 0 } });
  try {
    await admin.query(`CREATE TABLESPACE "${name}" LOCATION '${fileSystem.dir}'`);
  } catch (error) {
    await admin.close();
    fileSystem.unmount();
    return { refused: `the tablespace could not be made: ${(error as Error).message}` };
  }
  await admin.close();
  return {
    name, fileSystem,
    async drop() {
      const again = new Sequelize(adminUrl, { dialect: 'postgres', logging: false, pool: { max: 1, min: 0 } });
      try {
        await again.query(`DROP TABLESPACE IF EXISTS "${name}"`);
      } finally {
        await again.close();
        fileSystem.unmount();
      }
    },
  };
}
