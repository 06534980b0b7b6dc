import '../shim/promise-with-resolvers.js'
import { multiaddr } from '@multiformats/multiaddr'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { Deadline } from '../deadline.js'
import { InvalidSignatureError, NotFoundError, QuorumFailedError, TimeoutError } from '../errors.js'
import { createBaseLibp2p } from '../net/base-libp2p.js'
import { decodeKvRecord, parseSignedKey, toSignedDhtKey, validateSignedRecord, validateUserKey, validateValue } from '../records/index.js'
import { frameStream, readFrame } from './frames.js'
import { Request, Response } from './kv-protocol.js'
import { KV_PROTOCOL, MAX_QUORUM, MAX_TTL_SECONDS, REQUEST_DEADLINE_MS } from './limits.js'
import type { Libp2p, PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A client waits a little longer than a peer's request deadline, so the peer's TIMEOUT answer arrives first. */
export const DEFAULT_CLIENT_TIMEOUT_MS = REQUEST_DEADLINE_MS + 5_000

/** Options of `KvClient.create`. */
export interface KvClientInit {
  /** Upper bound of one request (dial included), in ms. @default DEFAULT_CLIENT_TIMEOUT_MS (35 s) */
  timeoutMs?: number
}

/** Options of one request. */
export interface KvRequestOptions {
  /** Upper bound of this request, in ms. @default the client's `timeoutMs` */
  timeoutMs?: number
  signal?: AbortSignal
}

/** Options of `KvClient.store`. */
export interface KvStoreOptions extends KvRequestOptions {
  /** Peers that must store the record. @default the serving peer's default (1) */
  quorum?: number
  /** Seconds the record lives (the peer republishes it until then, no longer). @default no end: republished while the peer runs */
  ttlSeconds?: number
}

/** What a STORE did. */
export interface KvStoreResult {
  /** Peers that stored the record. */
  replicas: number
  seq: bigint
  /** When this publication of the record ends (Unix ms). */
  expires: number
}

/** What a RETRIEVE found. */
export interface KvRetrieveResult {
  value: Uint8Array
  seq: bigint
  /** When the record ends (Unix ms). */
  expires: number
}

/** What a signed RETRIEVE found, verified by the client against the key's owner. */
export interface KvRetrieveSignedResult extends KvRetrieveResult {
  /** The whole signed record, as the owner signed it. */
  record: Uint8Array
}

/** Options of `KvClient.storeSigned`. */
export interface KvStoreSignedOptions extends KvRequestOptions {
  /** Peers that must store the record. @default the serving peer's default (1) */
  quorum?: number
}

/** A response with a status the client has no typed error for (INVALID_REQUEST, TOO_LARGE, STORAGE_FULL, INTERNAL), or a broken exchange. */
export class KvProtocolError extends Error {
  override readonly name = 'KvProtocolError'
  constructor (message: string, readonly status?: Response.Status) {
    super(message)
  }
}

/**
 * A thin client of `/exper-dht/kv/1.0.0`: stores and retrieves through any
 * exper-dht peer without running a DHT node. It runs its own lightweight
 * libp2p node (TCP + Noise + Yamux, no listening, no DHT) and keeps the
 * connection to each peer for the next requests; one stream per request.
 */
export class KvClient {
  private constructor (private readonly node: Libp2p, private readonly timeoutMs: number) {}

  /** The client's own peer id, as the peers it asks see it. */
  get peerId (): PeerId {
    return this.node.peerId
  }

  /** Starts a client. Close it with `close()`. */
  static async create (init: KvClientInit = {}): Promise<KvClient> {
    const node = await createBaseLibp2p({})
    return new KvClient(node, init.timeoutMs ?? DEFAULT_CLIENT_TIMEOUT_MS)
  }

  /**
   * Asks `peer` to store `value` under `key`. Checks key and value before
   * dialing (`InvalidKeyError`, `ValueTooLargeError`); throws
   * `QuorumFailedError` when fewer than `quorum` peers stored it.
   */
  async store (peer: string | Multiaddr, key: string, value: Uint8Array, options: KvStoreOptions = {}): Promise<KvStoreResult> {
    validateUserKey(key)
    validateValue(value)
    if (options.quorum != null && (!Number.isInteger(options.quorum) || options.quorum < 1 || options.quorum > MAX_QUORUM)) {
      throw new RangeError(`quorum must be a whole number from 1 to ${MAX_QUORUM}, not ${options.quorum} (leave it out for the peer's default)`)
    }
    if (options.ttlSeconds != null && (!Number.isInteger(options.ttlSeconds) || options.ttlSeconds < 1 || options.ttlSeconds > MAX_TTL_SECONDS)) {
      throw new RangeError(`ttl must be a whole number of seconds from 1 to ${MAX_TTL_SECONDS}, not ${options.ttlSeconds} (leave it out for no end)`)
    }
    // 0 on the wire: the peer's default (docs/protocol.md)
    const quorum = options.quorum ?? 0
    const ttl = options.ttlSeconds ?? 0
    const response = await this.request(peer, { type: Request.Type.STORE, key, value: value as Uint8Array<ArrayBuffer>, quorum, ttl }, options)
    return storeResult(response, quorum)
  }

  /**
   * Asks `peer` to publish a record its owner signed (see `signRecord`):
   * `key` is `<owner>/<name>`. The record is checked before dialing (an
   * `InvalidKeyError`, `InvalidSignatureError`, `InvalidRecordError` or
   * `ExpiredRecordError`), so nothing unverifiable leaves the client.
   */
  async storeSigned (peer: string | Multiaddr, key: string, record: Uint8Array, options: KvStoreSignedOptions = {}): Promise<KvStoreResult> {
    const { owner, name } = parseSignedKey(key)
    validateSignedRecord(toSignedDhtKey(owner, name), record)
    const quorum = options.quorum ?? 0
    if (!Number.isInteger(quorum) || quorum < 0 || quorum > MAX_QUORUM) {
      throw new RangeError(`quorum must be a whole number from 1 to ${MAX_QUORUM} (0: the peer's default)`)
    }
    const response = await this.request(peer, { type: Request.Type.STORE, signedKey: key, record: record as Uint8Array<ArrayBuffer>, quorum }, options)
    return storeResult(response, quorum)
  }

  /** Asks `peer` for the value of `key`; throws `NotFoundError` when no peer has it. */
  async retrieve (peer: string | Multiaddr, key: string, options: KvRequestOptions = {}): Promise<KvRetrieveResult> {
    validateUserKey(key)
    const response = await this.request(peer, { type: Request.Type.RETRIEVE, key }, options)
    if (response.status === Response.Status.NOT_FOUND) {
      throw new NotFoundError(response.error)
    }
    expectOk(response)
    return { value: response.value, seq: response.seq, expires: Number(response.expires) }
  }

  /**
   * Asks `peer` for the signed record of `key` (`<owner>/<name>`) and
   * verifies it here, against the owner's public key (inside the owner's
   * peer id): the serving peer is not trusted. Throws `NotFoundError` when no
   * peer has it, and `InvalidSignatureError` (its message says "signature")
   * when the answer holds no signed record, one that fails the owner's
   * signature or the record rules, or fields that differ from the record's
   * (the value comes from the record).
   */
  async retrieveSigned (peer: string | Multiaddr, key: string, options: KvRequestOptions = {}): Promise<KvRetrieveSignedResult> {
    const { owner, name } = parseSignedKey(key)
    const dhtKey = toSignedDhtKey(owner, name)
    const response = await this.request(peer, { type: Request.Type.RETRIEVE, signedKey: key }, options)
    if (response.status === Response.Status.NOT_FOUND) {
      throw new NotFoundError(response.error)
    }
    expectOk(response)
    const from = typeof peer === 'string' ? peer : peer.toString()
    if (response.record.byteLength === 0) {
      throw new InvalidSignatureError(`${from} answered without the signed record, so its signature cannot be checked (a peer that predates signed records?)`)
    }
    try {
      validateSignedRecord(dhtKey, response.record)
    } catch (err) {
      throw new InvalidSignatureError(`the record ${from} returned for ${key} fails the signature check: ${(err as Error).message}`)
    }
    const record = decodeKvRecord(response.record)
    const differs = differingFields(response, record)
    if (differs.length > 0) {
      throw new InvalidSignatureError(`${from} answered ${differs.join(', ')} that differ from the signed record it returned: refused, as a failed signature check`)
    }
    return { value: record.value, seq: record.seq, expires: Number(record.expires), record: response.record }
  }

  /** Closes the connections and stops the client's node. */
  async close (): Promise<void> {
    await this.node.stop()
  }

  private async request (peer: string | Multiaddr, request: Partial<Request>, options: KvRequestOptions): Promise<Response> {
    const address = typeof peer === 'string' ? multiaddr(peer) : peer
    const timeoutMs = options.timeoutMs ?? this.timeoutMs
    const deadline = new Deadline(timeoutMs, options.signal)
    const signal = deadline.signal
    try {
      const stream = await this.node.dialProtocol(address, KV_PROTOCOL, { signal })
      try {
        const frames = frameStream(stream)
        await frames.write(Request.encode(request), { signal })
        const response = Response.decode(await readFrame(frames, { signal }))
        await stream.close({ signal })
        return response
      } catch (err) {
        stream.abort(err as Error)
        throw err
      }
    } catch (err) {
      if (deadline.expired) {
        throw new TimeoutError(`no answer from ${address.toString()} within ${timeoutMs} ms`)
      }
      throw new KvProtocolError(`request to ${address.toString()} failed: ${(err as Error).message}`)
    } finally {
      deadline.clear()
    }
  }
}

function storeResult (response: Response, quorum: number): KvStoreResult {
  if (response.status === Response.Status.QUORUM_FAILED) {
    throw new QuorumFailedError(response.error, response.replicas, quorum)
  }
  expectOk(response)
  return { replicas: response.replicas, seq: response.seq, expires: Number(response.expires) }
}

/** The fields of a signed RETRIEVE's answer that disagree with the record it carries. */
function differingFields (response: Response, record: ReturnType<typeof decodeKvRecord>): string[] {
  const differs: string[] = []
  // the value is in the record; an answer that also carries one must carry the same
  if (response.value.byteLength > 0 && !uint8ArrayEquals(response.value, record.value)) differs.push('a value')
  if (response.seq !== record.seq) differs.push(`seq ${response.seq} (signed: ${record.seq})`)
  if (response.expires !== record.expires) differs.push(`expires ${response.expires} (signed: ${record.expires})`)
  return differs
}

function expectOk (response: Response): void {
  if (response.status === Response.Status.TIMEOUT) {
    throw new TimeoutError(response.error)
  }
  if (response.status !== Response.Status.OK) {
    throw new KvProtocolError(`${response.status}: ${response.error}`, response.status)
  }
}
