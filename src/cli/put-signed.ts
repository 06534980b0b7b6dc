import { KvClient } from '../protocol/index.js'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { NotFoundError } from '../errors.js'
import { MAX_TTL_MS, signRecord, toSignedDhtKey, validateName } from '../records/index.js'
import { defaultIdentityPath, loadIdentity } from './identity-file.js'
import { jsonSeq } from './output.js'
import type { Identity } from './identity-file.js'

/** What `put --signed` is given. */
export interface PutSignedFlags {
  peer: string
  quorum?: number
  /** Seconds the record lives. @default MAX_TTL_MS (48 h) */
  ttl?: number
  timeout?: number
  json?: boolean
  identity?: string
}

/**
 * `exper-dht put NAME VALUE --signed`: signs the record of
 * `<owner id>/NAME` here, with the identity file, and has the peer publish it
 * (the peer never signs). Its seq is this machine's clock in ms, or one more
 * than the seq the network holds when that is later.
 */
export async function putSigned (name: string, value: Uint8Array, flags: PutSignedFlags): Promise<void> {
  validateName(name)
  const identity = await loadIdentity(flags.identity ?? defaultIdentityPath())
  const key = `${identity.owner}/${name}`
  const client = await KvClient.create()
  try {
    const seq = await nextSeq(client, flags.peer, key, flags.timeout)
    const expires = BigInt(Date.now() + (flags.ttl == null ? MAX_TTL_MS : flags.ttl * 1000))
    const record = await signRecord(identity.privateKey, dhtKeyOf(identity, name), { value, seq, expires })
    const { replicas } = await client.storeSigned(flags.peer, key, record, { quorum: flags.quorum, timeoutMs: flags.timeout })
    if (flags.json === true) {
      process.stdout.write(JSON.stringify({ key, replicas, seq: jsonSeq(seq) }) + '\n')
    } else {
      process.stdout.write(`stored "${key}" on ${replicas} peer${replicas === 1 ? '' : 's'} (seq ${seq})\n`)
    }
  } finally {
    await client.close()
  }
}

function dhtKeyOf (identity: Identity, name: string): Uint8Array {
  return toSignedDhtKey(peerIdFromPrivateKey(identity.privateKey), name)
}

/** The clock in ms, or one more than the verified seq the network holds for `key` when that is later. */
async function nextSeq (client: KvClient, peer: string, key: string, timeoutMs: number | undefined): Promise<bigint> {
  const now = BigInt(Date.now())
  try {
    const held = await client.retrieveSigned(peer, key, { timeoutMs })
    return held.seq >= now ? held.seq + 1n : now
  } catch (err) {
    if (err instanceof NotFoundError) {
      return now
    }
    throw err
  }
}
