import { randomBytes } from 'node:crypto'
import { readFile, rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import type { PrivateKey } from '@libp2p/interface'

/** File name of the peer's private key inside the data directory. */
export const PEER_KEY_FILE = 'peer.key'

/** Permissions of the key file: readable and writable by its owner only. */
export const PEER_KEY_MODE = 0o600

/**
 * Loads the peer's private key from `<dataDir>/peer.key` (protobuf-encoded, as
 * libp2p writes keys), or creates an Ed25519 key there (mode 0600, written
 * atomically) when the file does not exist yet.
 */
export async function loadOrCreatePrivateKey (dataDir: string): Promise<PrivateKey> {
  const path = join(dataDir, PEER_KEY_FILE)
  let bytes: Uint8Array
  try {
    bytes = await readFile(path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new Error(`cannot read the peer key ${path}: ${(err as Error).message}`, { cause: err })
    }
    const key = await generateKeyPair('Ed25519')
    await writeFileAtomically(path, privateKeyToProtobuf(key))
    return key
  }
  try {
    return privateKeyFromProtobuf(bytes)
  } catch (err) {
    throw new Error(`the peer key ${path} is not a valid libp2p private key (${(err as Error).message}); move it away to start with a new identity`, { cause: err })
  }
}

async function writeFileAtomically (path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temporary, bytes, { mode: PEER_KEY_MODE, flag: 'wx' })
    await rename(temporary, path)
  } catch (err) {
    await unlink(temporary).catch(() => {})
    throw err
  }
}
