import { INBOUND_STREAM_IDLE_TIMEOUT, MAX_INBOUND_KAD_STREAMS, MAX_KAD_MESSAGE_BYTES, MAX_OUTBOUND_KAD_STREAMS } from './limits.js'
import { encodeResponse } from './encode-response.js'
import { FrameReader, writeFrame } from './framing.js'
import { handleFindNode } from './handlers/find-node.js'
import { handleGetValue } from './handlers/get-value.js'
import { handlePing } from './handlers/ping.js'
import { handlePutValue } from './handlers/put-value.js'
import { Message, MessageType } from './kad-message.js'
import type { KadHandler, KadHandlerContext } from './handlers/handler.js'
import type { ComponentLogger, Connection, Libp2p, Logger, PeerId, Stream } from '@libp2p/interface'

/** Answers the message types the fast path does not handle itself (providers). */
export interface FallbackHandler {
  handleMessage(from: PeerId, message: Message): Promise<Message | undefined>
}

/** One Kad request this peer answered (or refused). */
export interface KadRequestServed {
  /** The message type, e.g. `FIND_NODE`. */
  type: MessageType
  from: PeerId
  /** From the request's arrival to its answer, in ms. */
  durationMs: number
  /** Why it was refused (its stream was reset). */
  error?: Error
}

/** What `KadRpcServer` needs. */
export interface KadRpcServerInit extends KadHandlerContext {
  protocol: string
  fallback: FallbackHandler
  logger: ComponentLogger
  /** Hears every request answered or refused. */
  onRequest?(served: KadRequestServed): void
}

/** The handler of each message type the fast path answers itself. */
const HANDLERS: Partial<Record<MessageType, KadHandler>> = {
  [MessageType.FIND_NODE]: handleFindNode,
  [MessageType.GET_VALUE]: handleGetValue,
  [MessageType.PUT_VALUE]: handlePutValue,
  [MessageType.PING]: handlePing
}

/**
 * Serves the Kad-DHT protocol on long-lived streams: it reads request after
 * request on a stream (as go-libp2p-kad-dht clients and ours send them) and
 * answers FIND_NODE, GET_VALUE, PUT_VALUE and PING from memory — the routing
 * table, the address book and the record store — without the per-request
 * peer-store reads, timers and routing-table updates of @libp2p/kad-dht's
 * handler. ADD_PROVIDER and GET_PROVIDERS go to @libp2p/kad-dht's own handler.
 * A stream idle for `INBOUND_STREAM_IDLE_TIMEOUT` is closed; a malformed or
 * rejected request resets its stream only.
 */
export class KadRpcServer {
  private readonly streams = new Set<Stream>()
  private readonly log: Logger

  constructor (private readonly libp2p: Libp2p, private readonly init: KadRpcServerInit) {
    this.log = init.logger.forComponent('exper-dht:kad:server')
  }

  /**
   * Takes over the protocol from @libp2p/kad-dht's handler (`force`); call
   * after libp2p (and so the DHT) has started.
   */
  async start (): Promise<void> {
    await this.libp2p.handle(this.init.protocol, async (stream, connection) => { await this.serve(stream, connection) }, {
      force: true,
      maxInboundStreams: MAX_INBOUND_KAD_STREAMS,
      maxOutboundStreams: MAX_OUTBOUND_KAD_STREAMS
    })
  }

  /** Closes the streams being served. */
  stop (): void {
    for (const stream of this.streams) {
      stream.abort(new Error('the peer is stopping'))
    }
  }

  private async serve (stream: Stream, connection: Connection): Promise<void> {
    this.streams.add(stream)
    const idle = new AbortController()
    const timer = setTimeout(() => { idle.abort(new Error('idle Kad stream')) }, INBOUND_STREAM_IDLE_TIMEOUT)
    const frames = new FrameReader(stream, MAX_KAD_MESSAGE_BYTES)
    try {
      while (stream.readStatus === 'readable') {
        const request = Message.decode(await frames.read({ signal: idle.signal }))
        timer.refresh()
        const response = await this.answer(connection.remotePeer, request)
        if (response != null) {
          await writeFrame(stream, encodeResponse(response), { signal: idle.signal })
        }
      }
      await stream.close({ signal: idle.signal })
    } catch (err) {
      this.log('stream from %p ended: %s', connection.remotePeer, (err as Error).message)
      if (stream.remoteWriteStatus === 'closed' && !idle.signal.aborted) {
        await stream.close().catch(() => { stream.abort(err as Error) })
      } else {
        stream.abort(err as Error)
      }
    } finally {
      clearTimeout(timer)
      this.streams.delete(stream)
    }
  }

  /** Answers one request through its handler (the fallback for the types it has none for), reporting it. */
  private async answer (from: PeerId, request: Message): Promise<Message | undefined> {
    const started = performance.now()
    const handler = HANDLERS[request.type]
    try {
      const response = handler == null ? await this.init.fallback.handleMessage(from, request) : await handler(this.init, from, request)
      this.init.onRequest?.({ type: request.type, from, durationMs: performance.now() - started })
      return response
    } catch (err) {
      this.log('refused %s from %p: %s', request.type, from, (err as Error).message)
      this.init.onRequest?.({ type: request.type, from, durationMs: performance.now() - started, error: err as Error })
      throw err
    }
  }
}
