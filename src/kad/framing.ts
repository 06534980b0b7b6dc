import { LengthPrefixedDecoder, UnexpectedEOFError } from '@libp2p/utils'
import * as varint from 'uint8-varint'
import { Uint8ArrayList } from 'uint8arraylist'
import { MAX_UNREAD_FRAMES } from './limits.js'
import type { AbortOptions, Stream, StreamCloseEvent, StreamMessageEvent } from '@libp2p/interface'

interface Waiter {
  resolve(frame: Uint8ArrayList): void
  reject(err: Error): void
}

/**
 * Reads varint length-prefixed frames (Kad messages) from a stream as they
 * arrive: one 'message' listener cuts the bytes into frames, which wait in a
 * queue for `read`. It replaces @libp2p/utils' `lpStream` for the Kad RPCs,
 * whose every read awaits the length one byte at a time, each byte a promise
 * raced against the signal (docs/deviations.md#kad-messages-framed-without-a-promise-per-length-byte). A frame longer than
 * `maxDataLength`, or too many frames left unread, aborts the stream. Reads
 * are one at a time.
 */
export class FrameReader {
  private readonly decoder: LengthPrefixedDecoder
  private readonly frames: Uint8ArrayList[] = []
  private unreadBytes = 0
  private readonly maxUnreadBytes: number
  private failure?: Error
  private ended = false
  private waiter?: Waiter

  constructor (private readonly stream: Stream, maxDataLength: number) {
    this.maxUnreadBytes = MAX_UNREAD_FRAMES * maxDataLength
    // a chunk may carry several frames: the decoder holds it whole before cutting it
    this.decoder = new LengthPrefixedDecoder({ maxDataLength, maxBufferSize: this.maxUnreadBytes + maxDataLength + 10 })
    stream.addEventListener('message', this.onMessage)
    stream.addEventListener('close', this.onClose)
    stream.addEventListener('remoteCloseWrite', this.onEnd)
  }

  /**
   * The next frame. Rejects when the stream ends or fails before a whole
   * frame (`UnexpectedEOFError` for a clean end) or when `signal` aborts.
   */
  async read (options: AbortOptions = {}): Promise<Uint8ArrayList> {
    const frame = this.frames.shift()
    if (frame != null) {
      this.unreadBytes -= frame.byteLength
      return frame
    }
    if (this.failure != null) {
      throw this.failure
    }
    if (this.ended) {
      throw new UnexpectedEOFError('the stream ended before a whole message arrived')
    }
    if (this.waiter != null) {
      throw new Error('FrameReader: a read is already waiting')
    }
    const signal = options.signal
    signal?.throwIfAborted()
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.waiter = undefined
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.waiter = {
        resolve: (frame) => {
          signal?.removeEventListener('abort', onAbort)
          resolve(frame)
        },
        reject: (err) => {
          signal?.removeEventListener('abort', onAbort)
          reject(err)
        }
      }
    })
  }

  private readonly onMessage = (event: StreamMessageEvent): void => {
    if (this.failure != null) {
      return
    }
    try {
      for (const frame of this.decoder.decode(event.data)) {
        const waiter = this.waiter
        if (waiter != null) {
          this.waiter = undefined
          waiter.resolve(frame)
          continue
        }
        this.frames.push(frame)
        this.unreadBytes += frame.byteLength
        if (this.unreadBytes > this.maxUnreadBytes) {
          throw new Error(`more than ${this.maxUnreadBytes} bytes of messages sent without waiting for answers`)
        }
      }
    } catch (err) {
      this.fail(err as Error)
      this.stream.abort(err as Error)
    }
  }

  private readonly onClose = (event: StreamCloseEvent): void => {
    if (event.error != null) {
      this.fail(event.error)
    } else {
      this.onEnd()
    }
  }

  private readonly onEnd = (): void => {
    this.ended = true
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.reject(new UnexpectedEOFError('the stream ended before a whole message arrived'))
  }

  private fail (err: Error): void {
    this.failure ??= err
    const waiter = this.waiter
    this.waiter = undefined
    waiter?.reject(err)
  }
}

/** Sends `frame` with its varint length prefix, waiting for the stream to drain when its buffer is full. */
export async function writeFrame (stream: Stream, frame: Uint8Array, options: AbortOptions = {}): Promise<void> {
  if (!stream.send(new Uint8ArrayList(varint.encode(frame.byteLength), frame))) {
    await stream.onDrain(options)
  }
}
