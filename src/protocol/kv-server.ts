import { TypedEventEmitter } from 'main-event'
import { Deadline } from '../deadline.js'
import { ExpiredRecordError, InvalidKeyError, InvalidRecordError, InvalidSignatureError, NotFoundError, QuorumFailedError, StaleRecordError, StorageFullError, TimeoutError, ValueTooLargeError } from '../errors.js'
import { parseSignedKey, validateUserKey, validateValue } from '../records/index.js'
import { frameStream, readFrame } from './frames.js'
import { Request, Response } from './kv-protocol.js'
import {
  KV_PROTOCOL, MAX_INBOUND_STREAMS, MAX_INBOUND_STREAMS_PER_CONNECTION, MAX_QUORUM, REQUEST_DEADLINE_MS, RESPONSE_MARGIN_MS
} from './limits.js'
import type { AbortOptions, ComponentLogger, Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'

/** What a STORE asks of the backend. */
export interface KvBackendPutOptions extends AbortOptions {
  /** Peers that must store the record; `undefined`: the backend's default. */
  quorum?: number
  /** How long the record lives, in ms; `undefined`: the backend's default. */
  ttlMs?: number
  /** The thin client the STORE came from. */
  client?: PeerId
}

/** What the backend answers a STORE with. */
export interface KvBackendPutResult {
  /** Peers that stored the record. */
  replicas: number
  seq: bigint
  /** When the record ends (Unix ms). */
  expires: number
}

/** What the backend answers a RETRIEVE with. */
export interface KvBackendGetResult {
  value: Uint8Array
  seq: bigint
  /** When the record ends (Unix ms). */
  expires: number
  /** The encoded KvRecord: sent whole in answer to a signed RETRIEVE. */
  record: Uint8Array
}

/** What a STORE of a signed record asks of the backend. */
export interface KvBackendPutSignedOptions extends AbortOptions {
  /** Peers that must store the record; `undefined`: the backend's default. */
  quorum?: number
  /** The thin client the STORE came from. */
  client?: PeerId
}

/**
 * What the server stores into and retrieves from. A `Peer` satisfies it
 * structurally; the protocol depends on this interface only, never on the
 * peer.
 */
export interface KvBackend {
  put(key: string, value: Uint8Array, options: KvBackendPutOptions): Promise<KvBackendPutResult>
  /** With `signed`, `key` is `<owner>/<name>`: the `/kvs` record, its signature verified. */
  get(key: string, options: AbortOptions & { signed?: boolean }): Promise<KvBackendGetResult>
  /** Publishes a record its owner signed; `key` is `<owner>/<name>`. Throws `InvalidSignatureError` (and the other record errors) for a record that fails validation. */
  putSigned(key: string, record: Uint8Array, options: KvBackendPutSignedOptions): Promise<KvBackendPutResult>
}

/** One kv request served: its type (`INVALID` for a frame that is not a Request), the client, the status answered. */
export interface KvRequestServed {
  type: 'STORE' | 'RETRIEVE' | 'INVALID'
  client: PeerId
  status: Response.Status
  /** From the request's frame to the response, in ms. */
  durationMs: number
}

/** Events of `KvServer`. */
export interface KvServerEvents {
  /** A request was answered (whatever its status). */
  request: CustomEvent<KvRequestServed>
}

/** Options of `KvServer`. */
export interface KvServerInit {
  /** From a stream's opening to its response, in ms. @default REQUEST_DEADLINE_MS (30 s) */
  requestDeadlineMs?: number
  /** Concurrent kv streams per connection. @default MAX_INBOUND_STREAMS_PER_CONNECTION (32) */
  maxInboundStreamsPerConnection?: number
  /** Concurrent kv streams in total. @default MAX_INBOUND_STREAMS (256) */
  maxInboundStreams?: number
  /** Where it logs (`exper-dht:kv:server`). @default libp2p.logger */
  logger?: ComponentLogger
}

/**
 * Serves `/exper-dht/kv/1.0.0` (docs/protocol.md): one request per stream,
 * STORE → `backend.put` (a signed record: `backend.putSigned`), RETRIEVE →
 * `backend.get`. A malformed, oversized or
 * late request costs only its own stream; the number of streams served at
 * once is capped per connection and in total.
 */
export class KvServer extends TypedEventEmitter<KvServerEvents> {
  private readonly requestDeadlineMs: number
  private readonly maxInboundStreamsPerConnection: number
  private readonly maxInboundStreams: number
  private readonly active = new Set<Stream>()
  private readonly log: Logger

  constructor (private readonly libp2p: Libp2p, private readonly backend: KvBackend, init: KvServerInit = {}) {
    super()
    this.log = (init.logger ?? libp2p.logger).forComponent('exper-dht:kv:server')
    this.requestDeadlineMs = init.requestDeadlineMs ?? REQUEST_DEADLINE_MS
    this.maxInboundStreamsPerConnection = init.maxInboundStreamsPerConnection ?? MAX_INBOUND_STREAMS_PER_CONNECTION
    this.maxInboundStreams = init.maxInboundStreams ?? MAX_INBOUND_STREAMS
  }

  /** Registers the protocol handler. */
  async start (): Promise<void> {
    await this.libp2p.handle(KV_PROTOCOL, async (stream, connection) => { await this.serve(stream, connection.remotePeer) }, {
      maxInboundStreams: this.maxInboundStreamsPerConnection
    })
  }

  /** Unregisters the handler and resets the streams still being served. */
  async stop (): Promise<void> {
    await this.libp2p.unhandle(KV_PROTOCOL)
    for (const stream of this.active) {
      stream.abort(new Error('the peer is stopping'))
    }
  }

  /** How many kv streams are being served right now. */
  get activeStreams (): number {
    return this.active.size
  }

  private async serve (stream: Stream, client: PeerId): Promise<void> {
    if (this.active.size >= this.maxInboundStreams) {
      this.log('refused a stream from %p: %d kv streams already served', client, this.active.size)
      stream.abort(new Error(`too many concurrent kv requests (limit ${this.maxInboundStreams})`))
      return
    }
    this.active.add(stream)
    const deadline = new Deadline(this.requestDeadlineMs)
    const operation = new Deadline(Math.max(this.requestDeadlineMs - RESPONSE_MARGIN_MS, 0))
    const signal = deadline.signal
    try {
      const frames = frameStream(stream)
      const frame = await readFrame(frames, { signal })
      const started = performance.now()
      const { type, response } = await this.respond(frame, client, operation.signal)
      if (response.status !== Response.Status.OK) {
        this.log('%s from %p: %s %s', type, client, response.status, response.error)
      }
      if (this.listenerCount('request') > 0) {
        this.safeDispatchEvent('request', { detail: { type, client, status: response.status, durationMs: performance.now() - started } })
      }
      await frames.write(Response.encode(response), { signal })
      await stream.close({ signal })
    } catch (err) {
      this.log('kv stream from %p reset: %s', client, (err as Error).message)
      stream.abort(err as Error)
    } finally {
      operation.clear()
      deadline.clear()
      this.active.delete(stream)
    }
  }

  private async respond (frame: Uint8Array, client: PeerId, signal: AbortSignal): Promise<{ type: KvRequestServed['type'], response: Response }> {
    let request: Request
    try {
      request = Request.decode(frame)
    } catch (err) {
      return { type: 'INVALID', response: failure(Response.Status.INVALID_REQUEST, `the frame is not a valid Request: ${(err as Error).message}`) }
    }
    const type = request.type === Request.Type.STORE ? 'STORE' : 'RETRIEVE'
    try {
      if (request.signedKey !== '') {
        return { type, response: await this.signed(request, client, signal) }
      }
      validateUserKey(request.key)
      if (request.record.byteLength > 0) {
        return { type, response: failure(Response.Status.INVALID_REQUEST, 'a record (field 7) is stored under a signed_key (field 6), not a key') }
      }
      if (request.type === Request.Type.STORE) {
        return { type, response: await this.store(request, client, signal) }
      }
      const { value, seq, expires } = await this.backend.get(request.key, { signal })
      return { type, response: { ...ok(seq, expires), value: value as Uint8Array<ArrayBuffer> } }
    } catch (err) {
      return { type, response: errorResponse(err as Error, signal) }
    }
  }

  private async store (request: Request, client: PeerId, signal: AbortSignal): Promise<Response> {
    validateValue(request.value)
    if (request.quorum > MAX_QUORUM) {
      return failure(Response.Status.INVALID_REQUEST, `quorum ${request.quorum} is over the limit of ${MAX_QUORUM}`)
    }
    const { replicas, seq, expires } = await this.backend.put(request.key, request.value, {
      quorum: request.quorum === 0 ? undefined : request.quorum,
      ttlMs: request.ttl === 0 ? undefined : request.ttl * 1000,
      client,
      signal
    })
    return { ...ok(seq, expires), replicas }
  }

  /** A request for a signed record (`signed_key`): a STORE of the record its owner signed, or a RETRIEVE answered with the whole record. */
  private async signed (request: Request, client: PeerId, signal: AbortSignal): Promise<Response> {
    if (request.key !== '') {
      return failure(Response.Status.INVALID_REQUEST, 'give a key (field 2) or a signed_key (field 6), not both')
    }
    parseSignedKey(request.signedKey)
    if (request.type === Request.Type.RETRIEVE) {
      // the value travels inside the record only: one frame holds one 64 KiB value, not two
      const { seq, expires, record } = await this.backend.get(request.signedKey, { signal, signed: true })
      return { ...ok(seq, expires), record: record as Uint8Array<ArrayBuffer> }
    }
    if (request.value.byteLength > 0 || request.ttl !== 0) {
      return failure(Response.Status.INVALID_REQUEST, 'a STORE of a signed record carries the record (field 7) alone: its value and expiry are inside, signed (no value, no ttl)')
    }
    if (request.record.byteLength === 0) {
      return failure(Response.Status.INVALID_REQUEST, 'a STORE with a signed_key needs the signed record (field 7)')
    }
    if (request.quorum > MAX_QUORUM) {
      return failure(Response.Status.INVALID_REQUEST, `quorum ${request.quorum} is over the limit of ${MAX_QUORUM}`)
    }
    const { replicas, seq, expires } = await this.backend.putSigned(request.signedKey, request.record, {
      quorum: request.quorum === 0 ? undefined : request.quorum,
      client,
      signal
    })
    return { ...ok(seq, expires), replicas }
  }
}

function ok (seq: bigint, expires: number): Response {
  return { status: Response.Status.OK, value: new Uint8Array(), seq, replicas: 0, error: '', expires: BigInt(expires), record: new Uint8Array() }
}

function failure (status: Response.Status, error: string, replicas = 0): Response {
  return { status, value: new Uint8Array(), seq: 0n, replicas, error, expires: 0n, record: new Uint8Array() }
}

/** Maps a failed operation to its status: typed errors to theirs, anything else to INTERNAL. */
function errorResponse (err: Error, signal: AbortSignal): Response {
  if (err instanceof InvalidKeyError) return failure(Response.Status.INVALID_REQUEST, err.message)
  if (err instanceof ValueTooLargeError) return failure(Response.Status.TOO_LARGE, err.message)
  if (err instanceof NotFoundError) return failure(Response.Status.NOT_FOUND, err.message)
  if (err instanceof QuorumFailedError) return failure(Response.Status.QUORUM_FAILED, err.message, err.replicas)
  if (err instanceof StorageFullError) return failure(Response.Status.STORAGE_FULL, err.message)
  if (err instanceof InvalidSignatureError || err instanceof InvalidRecordError || err instanceof ExpiredRecordError || err instanceof StaleRecordError) {
    return failure(Response.Status.INVALID_RECORD, err.message)
  }
  if (err instanceof TimeoutError || signal.aborted) {
    return failure(Response.Status.TIMEOUT, `the operation did not finish within the request deadline: ${err.message}`)
  }
  return failure(Response.Status.INTERNAL, err.message)
}
