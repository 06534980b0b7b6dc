import { peerIdFromMultihash } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import * as Digest from 'multiformats/hashes/digest'
import { equals as uint8ArrayEquals } from 'uint8arrays/equals'
import { compareDistances, distancePrefix, peerKadId } from './kad-id.js'
import type { Message } from './kad-message.js'
import type { PeerId } from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'

/** A peer a lookup may query. */
export interface LookupPeer {
  id: PeerId
  /** Addresses to dial when there is no connection yet. */
  addrs?: Multiaddr[]
}

/** What `lookup` needs. */
export interface LookupInit {
  /** The Kademlia id the lookup converges on. */
  target: Uint8Array
  /** This peer, never queried. */
  self: PeerId
  /** Where to start: the routing table's closest peers. */
  seeds: LookupPeer[]
  /** How many closest peers the lookup returns. */
  k: number
  /**
   * The lookup ends once the `resiliency` closest peers known have answered
   * (go-libp2p-kad-dht's "resiliency"); `k` makes every one of the k closest
   * answer. A function is asked again each time (e.g. k until a value is
   * found, fewer after). @default k
   */
  resiliency?: number | (() => number)
  /** Queries in flight at once. */
  alpha: number
  /** Sends the lookup's request to one peer. */
  query(peer: LookupPeer, signal: AbortSignal): Promise<Message>
  /** Sees each response; returning true ends the lookup at once. */
  onResponse?(peer: LookupPeer, response: Message): boolean
  /**
   * How many more answers are worth asking for right now (e.g. values still
   * missing): fewer than `alpha` requests are kept in flight when fewer are
   * wanted. @default Infinity
   */
  wanted?(): number
  signal?: AbortSignal
}

/** How a lookup ended. */
export interface LookupResult {
  /** The k closest peers known that did not fail, nearest first: the `resiliency` closest answered, the others may not have been asked. */
  closest: LookupPeer[]
  /** Requests sent. */
  queried: number
  /** True when `onResponse` ended it early. */
  stopped: boolean
}

interface Candidate {
  /** The peer id's multihash bytes, as they arrived. */
  idBytes: Uint8Array
  /** The peer's Kademlia id. */
  kadId: Uint8Array
  /** `distancePrefix` of `kadId` to the target. */
  prefix: number
  peer?: LookupPeer
  addrBytes?: Uint8Array[]
  state: 'new' | 'querying' | 'answered' | 'failed'
}

/**
 * An iterative Kademlia lookup (the libp2p Kad-DHT spec's algorithm with one
 * path): query the `alpha` closest unqueried peers, merge the closer peers
 * they return, and end when the `resiliency` closest peers known have answered (the
 * others failing) — or as soon as `onResponse` says so; requests still in flight then
 * finish in the background (cancelling them would throw away their streams).
 * Peers learned from responses are parsed only when queried. Never throws;
 * an aborted `signal` ends it with what it has.
 */
export async function lookup (init: LookupInit): Promise<LookupResult> {
  const selfBytes = init.self.toMultihash().bytes
  const known = new Map<string, Candidate>()
  const sorted: Candidate[] = []
  const signal = init.signal ?? new AbortController().signal
  let queried = 0
  let inFlight = 0
  let stopped = false
  let done = false
  const resiliencyOf = typeof init.resiliency === 'function' ? init.resiliency : () => init.resiliency as number | undefined

  const add = (idBytes: Uint8Array, peer?: LookupPeer, addrBytes?: Uint8Array[]): void => {
    if (uint8ArrayEquals(idBytes, selfBytes)) {
      return
    }
    const key = Buffer.from(idBytes).toString('base64')
    if (known.has(key)) {
      return
    }
    const kadId = peerKadId(idBytes, key)
    const candidate: Candidate = { idBytes, kadId, prefix: distancePrefix(kadId, init.target), peer, addrBytes, state: 'new' }
    known.set(key, candidate)
    let low = 0
    let high = sorted.length
    while (low < high) {
      const mid = (low + high) >>> 1
      if (compareDistances(sorted[mid].kadId, sorted[mid].prefix, kadId, candidate.prefix, init.target) < 0) low = mid + 1
      else high = mid
    }
    sorted.splice(low, 0, candidate)
  }

  for (const seed of init.seeds) {
    add(seed.id.toMultihash().bytes, seed)
  }

  return new Promise((resolve) => {
    const finish = (): void => {
      if (done) {
        return
      }
      done = true
      const closest: LookupPeer[] = []
      for (const candidate of sorted) {
        if (closest.length >= init.k) break
        if (candidate.state === 'failed') continue
        try {
          candidate.peer ??= parsePeer(candidate)
          closest.push(candidate.peer)
        } catch {}
      }
      resolve({ closest, queried, stopped })
    }

    const pump = (): void => {
      if (done) {
        return
      }
      if (stopped || signal.aborted) {
        if (stopped || inFlight === 0) finish()
        return
      }
      if (closestHaveAnswered()) {
        finish()
        return
      }
      const limit = Math.min(init.alpha, Math.max(1, init.wanted?.() ?? Infinity))
      let considered = 0
      for (const candidate of sorted) {
        if (considered >= init.k || inFlight >= limit) break
        if (candidate.state === 'failed') continue
        considered++
        if (candidate.state === 'new') {
          start(candidate)
        }
      }
      if (inFlight === 0) {
        finish()
      }
    }

    /** Whether the `resiliency` closest peers that have not failed have all answered. */
    const closestHaveAnswered = (): boolean => {
      const resiliency = Math.min(resiliencyOf() ?? init.k, init.k)
      let checked = 0
      for (const candidate of sorted) {
        if (checked >= resiliency) break
        if (candidate.state === 'failed') continue
        if (candidate.state !== 'answered') return false
        checked++
      }
      return checked > 0
    }

    const start = (candidate: Candidate): void => {
      let peer: LookupPeer
      try {
        peer = candidate.peer ?? parsePeer(candidate)
      } catch {
        candidate.state = 'failed'
        return
      }
      candidate.peer = peer
      candidate.state = 'querying'
      inFlight++
      queried++
      init.query(peer, signal).then((response) => {
        candidate.state = 'answered'
        if (done) {
          return
        }
        if (init.onResponse?.(peer, response) === true) {
          stopped = true
          return
        }
        for (const closer of response.closer) {
          add(closer.id, undefined, closer.multiaddrs)
        }
      }, () => {
        candidate.state = 'failed'
      }).finally(() => {
        inFlight--
        pump()
      })
    }

    pump()
  })
}

function parsePeer (candidate: Candidate): LookupPeer {
  const id = peerIdFromMultihash(Digest.decode(candidate.idBytes))
  const addrs: Multiaddr[] = []
  for (const bytes of candidate.addrBytes ?? []) {
    try {
      addrs.push(multiaddr(bytes))
    } catch {}
  }
  return { id, addrs }
}
