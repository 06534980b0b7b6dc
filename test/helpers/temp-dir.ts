import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Creates a fresh temporary directory; remove it with `removeDir`. */
export async function makeTempDir (prefix = 'exper-dht-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix))
}

/** Removes a directory made by `makeTempDir`. */
export async function removeDir (dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
