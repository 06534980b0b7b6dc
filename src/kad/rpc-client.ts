import { MAX_KAD_MESSAGE_BYTES, MAX_STREAMS_PER_PEER, OUTBOUND_STREAM_IDLE_TIMEOUT } from './limits.js'
import { Deadline } from '../deadline.js'
import { TimeoutError } from '../errors.js'
import { FrameReader, writeFrame } from './framing.js'
import { Message, MessageType } from './kad-message.js'
import type { AbortOptions, Libp2p, PeerId, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** Options of `KadRpcClient`. */
export interface KadRpcClientInit {
  /** The Kad protocol id, e.g. `/exper-dht/kad/1.0.0`. */
  protocol: string
  /** Upper bound of one request/response, dial included, in ms. */
  requestTimeoutMs: number
  /** Streams kept per peer. @default MAX_STREAMS_PER_PEER (4) */
  maxStreamsPerPeer?: number
}

interface PooledStream {
  stream: Stream
  frames: FrameReader
  lastUsed: number
}

/** The streams to one peer and the requests waiting for one of them. */
interface PeerStreams {
  id: string
  idle: PooledStream[]
  open: number
  waiting: Array<(stream: PooledStream | undefined) => void>
}

/**
 * Sends Kad requests and reads their responses over long-lived streams, as
 * go-libp2p-kad-dht does: a stream carries request after request instead of
 * being opened, negotiated and closed for each one (@libp2p/kad-dht's way),
 * which is several times cheaper. Up to `maxStreamsPerPeer` run in parallel
 * to one peer; a stream that fails is dropped, and a request that fails on a
 * reused stream (e.g. the remote closed it while idle) is retried once on a
 * fresh one.
 */
export class KadRpcClient {
  private readonly protocol: string
  private readonly requestTimeout: number
  private readonly maxStreamsPerPeer: number
  private readonly peers = new Map<string, PeerStreams>()
  /** Peers this client is opening a connection to. */
  private readonly dialing = new Set<string>()

  constructor (private readonly libp2p: Libp2p, init: KadRpcClientInit) {
    this.protocol = init.protocol
    this.requestTimeout = init.requestTimeoutMs
    this.maxStreamsPerPeer = init.maxStreamsPerPeer ?? MAX_STREAMS_PER_PEER
  }

  /**
   * Sends `request` to `peer` (dialing `addrs` when there is no connection
   * yet) and returns its response. Rejects on timeout, a reset or a closed
   * stream.
   */
  async request (peer: PeerId, addrs: Multiaddr[] | undefined, request: Partial<Message>, options: AbortOptions = {}): Promise<Message> {
    const deadline = new Deadline(this.requestTimeout, options.signal, () => new TimeoutError(`no answer from ${peer.toString()} within ${this.requestTimeout} ms`))
    const signal = deadline.signal
    try {
      for (let attempt = 1; ; attempt++) {
        const entry = this.entryOf(peer)
        const reused = await this.acquire(entry, signal)
        const pooled = reused ?? await this.openStream(entry, peer, addrs, signal)
        try {
          return await this.exchange(entry, pooled, request, signal)
        } catch (err) {
          if (reused == null || signal.aborted || attempt > 1) {
            throw err
          }
        }
      }
    } finally {
      deadline.clear()
    }
  }

  /** Whether this client is opening a connection to `peer` right now (to send it a request). */
  isDialing (peer: PeerId): boolean {
    return this.dialing.has(peer.toString())
  }

  /** Closes every pooled stream. */
  close (): void {
    for (const entry of this.peers.values()) {
      for (const pooled of entry.idle) {
        pooled.stream.abort(new Error('the Kad client is closing'))
      }
      for (const wake of entry.waiting) {
        wake(undefined)
      }
    }
    this.peers.clear()
  }

  private async exchange (entry: PeerStreams, pooled: PooledStream, request: Partial<Message>, signal: AbortSignal): Promise<Message> {
    try {
      await writeFrame(pooled.stream, Message.encode({ closer: [], providers: [], type: MessageType.PING, ...request }), { signal })
      const response = Message.decode(await pooled.frames.read({ signal }))
      this.release(entry, pooled)
      return response
    } catch (err) {
      this.discard(entry, pooled, err as Error)
      throw err
    }
  }

  /** An idle stream of `entry`, or undefined when a new one may be opened; waits while all are busy. */
  private async acquire (entry: PeerStreams, signal: AbortSignal): Promise<PooledStream | undefined> {
    signal.throwIfAborted()
    while (entry.idle.length > 0) {
      const pooled = entry.idle.pop()!
      if (pooled.stream.status === 'open' && pooled.stream.writeStatus === 'writable' && Date.now() - pooled.lastUsed < OUTBOUND_STREAM_IDLE_TIMEOUT) {
        return pooled
      }
      this.discard(entry, pooled, new Error('stream idle for too long'))
    }
    if (entry.open < this.maxStreamsPerPeer) {
      entry.open++
      return undefined
    }
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        entry.waiting.splice(entry.waiting.indexOf(wake), 1)
        reject(signal.reason)
      }
      const wake = (pooled: PooledStream | undefined): void => {
        signal.removeEventListener('abort', onAbort)
        resolve(pooled)
      }
      signal.addEventListener('abort', onAbort, { once: true })
      entry.waiting.push(wake)
    })
  }

  private async openStream (entry: PeerStreams, peer: PeerId, addrs: Multiaddr[] | undefined, signal: AbortSignal): Promise<PooledStream> {
    const dials = this.libp2p.getConnections(peer).length === 0
    if (dials) {
      this.dialing.add(entry.id)
    }
    try {
      const target = !dials || addrs == null || addrs.length === 0
        ? peer
        : addrs.map((addr) => addr.getComponents().some((c) => c.name === 'p2p') ? addr : addr.encapsulate(`/p2p/${entry.id}`))
      const stream = await this.libp2p.dialProtocol(target, this.protocol, { signal })
      return { stream, frames: new FrameReader(stream, MAX_KAD_MESSAGE_BYTES), lastUsed: Date.now() }
    } catch (err) {
      this.freeSlot(entry)
      throw err
    } finally {
      if (dials) {
        this.dialing.delete(entry.id)
      }
    }
  }

  /** Returns a stream to the pool, or hands it to the first waiting request. */
  private release (entry: PeerStreams, pooled: PooledStream): void {
    pooled.lastUsed = Date.now()
    const next = entry.waiting.shift()
    if (next != null) {
      next(pooled)
    } else {
      entry.idle.push(pooled)
    }
  }

  private discard (entry: PeerStreams, pooled: PooledStream, reason: Error): void {
    pooled.stream.abort(reason)
    this.freeSlot(entry)
  }

  /** One stream fewer: a waiting request may open its own; a peer with no stream left is forgotten. */
  private freeSlot (entry: PeerStreams): void {
    entry.open--
    const next = entry.waiting.shift()
    if (next != null) {
      entry.open++
      next(undefined)
    } else if (entry.open === 0) {
      this.peers.delete(entry.id)
    }
  }

  private entryOf (peer: PeerId): PeerStreams {
    const id = peer.toString()
    let entry = this.peers.get(id)
    if (entry == null) {
      entry = { id, idle: [], open: 0, waiting: [] }
      this.peers.set(id, entry)
    }
    return entry
  }
}
