import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { noiseCrypto } from './noise-crypto.js'
import { skipRedundantProtocolMerges } from './protocol-merges.js'
import { quietLogger } from './quiet-logger.js'
import './length-prefixed-decoder.js'
import './yamux-window-updates.js'
import type { Libp2p, ServiceMap } from '@libp2p/interface'
import type { Libp2pOptions } from 'libp2p'

/**
 * Creates a libp2p node on the connection stack that every node of this
 * package uses, peers and thin clients alike: TCP, Noise with the faster
 * X25519 of noise-crypto.ts, Yamux, with the workarounds for the libraries'
 * per-connection and per-message costs:
 * - `logger: quietLogger()`: no logger built per connection and stream for
 *   names `DEBUG` does not enable (quiet-logger.ts);
 * - no peer-store write per stream opened (protocol-merges.ts);
 * - Noise's frame decoder and Yamux's window updates
 *   (length-prefixed-decoder.ts, yamux-window-updates.ts, applied when this
 *   module is imported).
 */
export async function createBaseLibp2p<T extends ServiceMap = ServiceMap> (options: Omit<Libp2pOptions<T>, 'transports' | 'connectionEncrypters' | 'streamMuxers' | 'logger'>): Promise<Libp2p<T>> {
  const node = await createLibp2p<T>({
    ...options,
    transports: [tcp()],
    connectionEncrypters: [noise({ crypto: noiseCrypto })],
    streamMuxers: [yamux()],
    logger: quietLogger()
  })
  skipRedundantProtocolMerges(node)
  return node
}
