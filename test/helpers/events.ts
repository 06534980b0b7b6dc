import type { Peer, PeerEvents } from '../../src/index.js'

type Detail<K extends keyof PeerEvents> = PeerEvents[K] extends CustomEvent<infer D> ? D : never

/** The detail of the next `event` of `peer` that `accept` takes (any, by default). */
export async function nextEvent<K extends keyof PeerEvents> (peer: Peer, event: K, accept: (detail: Detail<K>) => boolean = () => true): Promise<Detail<K>> {
  return new Promise((resolve) => {
    const listener = (e: Event): void => {
      const detail = (e as CustomEvent<Detail<K>>).detail
      if (accept(detail)) {
        peer.removeEventListener(event, listener)
        resolve(detail)
      }
    }
    peer.addEventListener(event, listener)
  })
}
