import { lpStream } from '@libp2p/utils'
import { MAX_FRAME_BYTES } from './limits.js'
import type { AbortOptions, Stream } from '@libp2p/interface'
import type { LengthPrefixedStream } from '@libp2p/utils'

/**
 * A stream of varint-length-prefixed frames of at most `MAX_FRAME_BYTES`: a
 * longer or malformed length prefix, or a frame cut short, makes `read` throw
 * before anything beyond the prefix is buffered.
 */
export function frameStream (stream: Stream): LengthPrefixedStream<Stream> {
  return lpStream(stream, { maxDataLength: MAX_FRAME_BYTES })
}

/** Reads one frame and returns its bytes. */
export async function readFrame (frames: LengthPrefixedStream<Stream>, options: AbortOptions): Promise<Uint8Array> {
  return (await frames.read(options)).subarray()
}
