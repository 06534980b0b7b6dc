import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { MemoryDatastore } from 'datastore-core'
import { LevelDatastore } from 'datastore-level'
import { Level } from 'level'
import { DataDirInUseError } from '../errors.js'
import type { Datastore } from 'interface-datastore'

/** Folder of the LevelDB datastore inside the data directory. */
export const DATASTORE_DIR = 'datastore'

/** A datastore with the means to close it. */
export interface OpenDatastore {
  datastore: Datastore
  close(): Promise<void>
}

/**
 * Opens (creating it if needed) the LevelDB datastore under
 * `<dataDir>/datastore`. LevelDB holds a lock on it while it is open, so a
 * second process on the same data directory fails here with a
 * `DataDirInUseError`, before it touches anything.
 */
export async function openDiskDatastore (dataDir: string): Promise<OpenDatastore> {
  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  const path = join(dataDir, DATASTORE_DIR)
  const db = new Level<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' })
  try {
    await db.open({ createIfMissing: true })
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause
    if (cause?.code === 'LEVEL_LOCKED') {
      throw new DataDirInUseError(`data dir ${dataDir} is in use by another exper-dht peer (its datastore is locked); stop that peer or choose another --data-dir`)
    }
    throw new Error(`cannot open the datastore in ${path}: ${(err as Error).message}${cause == null ? '' : ` (${String(cause)})`}`, { cause: err })
  }
  const datastore = new LevelDatastore(db)
  return { datastore, close: async () => { await db.close() } }
}

/** An in-memory datastore for `--ephemeral` peers: nothing reaches the disk. */
export function openMemoryDatastore (): OpenDatastore {
  return { datastore: new MemoryDatastore(), close: async () => {} }
}
