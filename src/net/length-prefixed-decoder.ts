import { LengthPrefixedDecoder } from '@libp2p/utils'

/**
 * Workaround for @libp2p/utils 7's `LengthPrefixedDecoder`, which Noise uses
 * to split the bytes of a connection into frames: after the last whole frame
 * of each chunk it asks the length decoder for the next length anyway, and
 * the decoder answers an empty buffer by throwing a `RangeError`, stack trace
 * and all. That is one thrown error per chunk received on every connection.
 * An empty buffer holds no length for any decoder, so this stops there
 * without asking; everything else goes through the library's own logic
 * (docs/deviations.md#noises-frame-decoder-does-not-throw-after-every-chunk).
 * Applied once, when this module is first imported (by every libp2p node
 * this package creates).
 */
interface DecoderState {
  buffer: { byteLength: number }
}

const prototype = LengthPrefixedDecoder.prototype as unknown as { decode: (this: DecoderState, buf: unknown) => Generator<unknown> }
const decode = prototype.decode

prototype.decode = function * (this: DecoderState, buf: unknown): Generator<unknown> {
  for (const frame of decode.call(this, buf)) {
    yield frame
    if (this.buffer.byteLength === 0) {
      return
    }
  }
}
