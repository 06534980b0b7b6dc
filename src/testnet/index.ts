import { join } from 'node:path'
import { createPeer } from '../peer/index.js'
import type { Peer, PeerInit } from '../peer/index.js'

/** Peers a testnet holds at most: each is a whole libp2p node in this process. */
export const MAX_TESTNET_PEERS = 1000

/** Options of `createTestnet`: those of `createPeer`, for every peer. */
export interface TestnetInit extends Omit<PeerInit, 'listen' | 'bootstrap' | 'dataDir'> {
  /** The IPv4 address the peers listen on, each on a port the OS picks. @default 127.0.0.1 */
  host?: string
  /** A folder under which peer i keeps its data in `peer-<i>`; without it, every peer is ephemeral (nothing on disk). */
  dir?: string
}

/** A running testnet: `peers[0]` first, the others joined through it. */
export interface Testnet {
  peers: Peer[]
  /** Multiaddrs of peer 0, for more peers (or a thin client) to join through. */
  bootstrap: string[]
  /** Stops every peer. */
  stop(): Promise<void>
}

/**
 * Starts a local DHT of `size` in-process peers (after hyperdht's
 * `testnet.js`), for tests, simulations and trying things out: peer 0 first,
 * then the others at once, each bootstrapping from peer 0. Resolves once every
 * peer has joined (ready, and its join's lookups done), so work starts on a
 * settled network. A peer that fails to start stops the others and rejects.
 */
export async function createTestnet (size: number, init: TestnetInit = {}): Promise<Testnet> {
  if (!Number.isInteger(size) || size < 1 || size > MAX_TESTNET_PEERS) {
    throw new RangeError(`a testnet has from 1 to ${MAX_TESTNET_PEERS} peers, not ${size}`)
  }
  const { host = '127.0.0.1', dir, ...peerInit } = init
  const start = async (index: number, bootstrap: string[]): Promise<Peer> => createPeer({
    ...peerInit,
    listen: [`/ip4/${host}/tcp/0`],
    bootstrap,
    ...dir == null ? { ephemeral: true } : { dataDir: join(dir, `peer-${index}`), ephemeral: false }
  })
  const first = await start(0, [])
  const peers = [first]
  const bootstrap = first.getMultiaddrs().map(String)
  const stop = async (): Promise<void> => { await Promise.all(peers.map(async (peer) => peer.stop())) }
  try {
    const others = await Promise.allSettled(Array.from({ length: size - 1 }, async (_, i) => start(i + 1, bootstrap)))
    for (const result of others) {
      if (result.status === 'fulfilled') {
        peers.push(result.value)
      }
    }
    const failed = others.find((result) => result.status === 'rejected')
    if (failed != null) {
      throw failed.reason
    }
    await Promise.all(peers.map(async (peer) => peer.joined))
  } catch (err) {
    await stop()
    throw err
  }
  return { peers, bootstrap, stop }
}
