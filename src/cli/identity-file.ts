import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { generateKeyPair, privateKeyFromProtobuf, privateKeyToProtobuf } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { defaultConfig, resolveDataDir } from '../config/index.js'
import { IdentityError } from '../errors.js'
import type { Ed25519PrivateKey } from '@libp2p/interface'

/** File name of the signing identity in the exper-dht home (`$EXPER_DHT_HOME`, else `~/.exper-dht`). */
export const IDENTITY_FILE = 'identity.key'

/** Permissions of an identity file: readable and writable by its owner only. */
export const IDENTITY_FILE_MODE = 0o600

/** Largest identity file read, in bytes (a protobuf Ed25519 key is 68). */
const MAX_IDENTITY_FILE_BYTES = 4096

/** An identity: the Ed25519 key a thin client signs its `/kvs` records with, and the owner id it gives. */
export interface Identity {
  privateKey: Ed25519PrivateKey
  /** The owner id, as printed: the peer id of the key. */
  owner: string
  /** The file it was read from or written to. */
  path: string
}

/** The default identity file: `$EXPER_DHT_HOME/identity.key`, else `~/.exper-dht/identity.key`. */
export function defaultIdentityPath (env: NodeJS.ProcessEnv = process.env): string {
  return join(resolveDataDir(defaultConfig(), env), IDENTITY_FILE)
}

/**
 * Creates a new Ed25519 identity at `path` (its folder made if missing,
 * mode 0700), written as libp2p writes keys (protobuf), mode 0600. Refuses
 * to overwrite a file that exists (an `IdentityError`): losing a key loses
 * the records it owns.
 */
export async function createIdentity (path: string): Promise<Identity> {
  const privateKey = await generateKeyPair('Ed25519')
  await mkdir(dirname(path), { recursive: true, mode: 0o700 })
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`
  try {
    await writeFile(temporary, privateKeyToProtobuf(privateKey), { mode: IDENTITY_FILE_MODE, flag: 'wx' })
    // link, unlike rename, fails when the target exists: an identity is never overwritten
    await link(temporary, path)
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new IdentityError(`${path} exists: refusing to overwrite an identity (the records it owns could no longer be updated); move it away first, or use --identity FILE for another one`)
    }
    throw new IdentityError(`cannot write the identity ${path}: ${(err as Error).message}`)
  } finally {
    await unlink(temporary).catch(() => {})
  }
  return { privateKey, owner: peerIdFromPrivateKey(privateKey).toString(), path }
}

/**
 * Reads the identity at `path`. Throws an `IdentityError` saying what to do
 * when the file is missing (how to make one), readable or writable by others
 * than its owner (how to fix the mode), or not an Ed25519 libp2p private key.
 */
export async function loadIdentity (path: string): Promise<Identity> {
  let mode: number
  try {
    const info = await stat(path)
    if (!info.isFile()) {
      throw new IdentityError(`the identity ${path} is not a file`)
    }
    if (info.size > MAX_IDENTITY_FILE_BYTES) {
      throw new IdentityError(`the identity ${path} has ${info.size} bytes: it is not a key (an Ed25519 key file has 68)`)
    }
    mode = info.mode & 0o777
  } catch (err) {
    if (err instanceof IdentityError) throw err
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new IdentityError(`no identity at ${path}: create one with "exper-dht identity new${path === defaultIdentityPath() ? '' : ` --identity ${path}`}"`)
    }
    throw new IdentityError(`cannot read the identity ${path}: ${(err as Error).message}`)
  }
  if ((mode & 0o077) !== 0) {
    throw new IdentityError(`the identity ${path} is open to others (mode ${mode.toString(8).padStart(4, '0')}): anyone who reads it can sign as you. Make it private with "chmod 600 ${path}"`)
  }
  let privateKey
  try {
    privateKey = privateKeyFromProtobuf(await readFile(path))
  } catch (err) {
    throw new IdentityError(`the identity ${path} is not a libp2p private key (${(err as Error).message}); create a new one with "exper-dht identity new --identity FILE"`)
  }
  if (privateKey.type !== 'Ed25519') {
    throw new IdentityError(`the identity ${path} is a ${privateKey.type} key; signed records are owned by Ed25519 identities only`)
  }
  return { privateKey, owner: peerIdFromPrivateKey(privateKey).toString(), path }
}
