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
  const client = await KvClient.create()
  try {
    const { key, replicas, seq } = await storeSigned(client, flags.peer, identity, name, value, flags)
    if (flags.json === true) {
      process.stdout.write(JSON.stringify({ key, replicas, seq: jsonSeq(seq) }) + '\n')
    } else {
      process.stdout.write(`stored "${key}" on ${replicas} peer${replicas === 1 ? '' : 's'} (seq ${seq})\n`)
    }
  } finally {
    await client.close()
  }
}

/**
 * Signs `value` as the record of `<owner>/name` with `identity` and has
 * `peer` publish it; returns the key, the replicas and the seq it was
 * signed with.
 */
export async function storeSigned (client: KvClient, peer: string, identity: Identity, name: string, value: Uint8Array, options: { ttl?: number, quorum?: number, timeout?: number } = {}): Promise<{ key: string, replicas: number, seq: bigint }> {
  const key = `${identity.owner}/${name}`
  const seq = await nextSeq(client, peer, key, options.timeout)
  const expires = BigInt(Date.now() + (options.ttl == null ? MAX_TTL_MS : options.ttl * 1000))
  const record = await signRecord(identity.privateKey, toSignedDhtKey(peerIdFromPrivateKey(identity.privateKey), name), { value, seq, expires })
  const { replicas } = await client.storeSigned(peer, key, record, { quorum: options.quorum, timeoutMs: options.timeout })
  return { key, replicas, seq }
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
