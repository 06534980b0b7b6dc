import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { KV_PROTOCOL, KvResponse } from '../../src/index.js'
import { frameStream } from '../../src/protocol/frames.js'
import type { Libp2p, Stream } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A bare libp2p node (TCP + Noise + Yamux) for speaking the kv protocol with arbitrary bytes. */
export async function createRawNode (): Promise<Libp2p> {
  return createLibp2p({ transports: [tcp()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })
}

/** Opens a kv protocol stream from `node` to `peer`. */
export async function openKvStream (node: Libp2p, peer: Multiaddr): Promise<Stream> {
  return node.dialProtocol(peer, KV_PROTOCOL)
}

/**
 * Writes `bytes` as they are (no framing added), closes the write side when
 * `closeWrite`, and returns the decoded Response, or 'reset' when the peer
 * reset the stream instead of answering.
 */
export async function rawExchange (node: Libp2p, peer: Multiaddr, bytes: Uint8Array, closeWrite = true): Promise<KvResponse | 'reset'> {
  const stream = await openKvStream(node, peer)
  try {
    stream.send(bytes)
    if (closeWrite) {
      await stream.close()
    }
    const frame = await frameStream(stream).read()
    return KvResponse.decode(frame)
  } catch {
    return 'reset'
  } finally {
    stream.abort(new Error('done'))
  }
}

/** The bytes of one frame: a varint length prefix, then `body`. */
export function frame (body: Uint8Array): Uint8Array {
  return Uint8Array.from([...varint(body.byteLength), ...body])
}

/** Unsigned LEB128 encoding of `value`. */
export function varint (value: number): number[] {
  const out: number[] = []
  let rest = value
  do {
    let byte = rest % 128
    rest = Math.floor(rest / 128)
    if (rest > 0) byte |= 0x80
    out.push(byte)
  } while (rest > 0)
  return out
}
