import { INBOUND_STREAM_IDLE_TIMEOUT, MAX_INBOUND_KAD_STREAMS, MAX_KAD_MESSAGE_BYTES, MAX_OUTBOUND_KAD_STREAMS } from './constants.js'
import { encodeResponse } from './encode-response.js'
import { FrameReader, writeFrame } from './framing.js'
import { handleFindNode } from './handlers/find-node.js'
import { handleGetValue } from './handlers/get-value.js'
import { handlePutValue } from './handlers/put-value.js'
import { Message, MessageType } from './kad-message.js'
import type { CloserPeersContext } from './handlers/closer-peers.js'
import type { RecordStore } from './store/record-store.js'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'

/** Answers the message types the fast path does not handle itself (providers). */
export interface FallbackHandler {
  handleMessage(from: PeerId, message: Message): Promise<Message | undefined>
}

/** What `KadRpcServer` needs. */
export interface KadRpcServerInit extends CloserPeersContext {
  protocol: string
  records: RecordStore
  fallback: FallbackHandler
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

  constructor (private readonly libp2p: Libp2p, private readonly init: KadRpcServerInit) {}

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
        const response = await this.respond(connection.remotePeer, request)
        if (response != null) {
          await writeFrame(stream, encodeResponse(response), { signal: idle.signal })
        }
      }
      await stream.close({ signal: idle.signal })
    } catch (err) {
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

  private async respond (from: PeerId, request: Message): Promise<Message | undefined> {
    switch (request.type) {
      case MessageType.FIND_NODE:
        return handleFindNode(this.init, from, request)
      case MessageType.GET_VALUE:
        return handleGetValue(this.init, from, request)
      case MessageType.PUT_VALUE:
        return handlePutValue(this.init.records, from, request)
      case MessageType.PING:
        return request
      default:
        return this.init.fallback.handleMessage(from, request)
    }
  }
}
