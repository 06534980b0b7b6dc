import type { Identify } from '@libp2p/identify'
import type { Connection, Libp2p } from '@libp2p/interface'

/**
 * Identifies the remote peer of every new connection, as @libp2p/identify
 * does itself with `runOnConnectionOpen`, except on connections `skip`
 * returns true for. Call before libp2p starts, with identify configured
 * `runOnConnectionOpen: false`.
 * docs/deviations.md#connections-a-kad-request-opens-are-not-identified-by-us
 */
export function identifyNewConnections (libp2p: Libp2p<{ identify: Identify }>, skip: (connection: Connection) => boolean): void {
  libp2p.addEventListener('connection:open', (event) => {
    const connection = event.detail
    if (!skip(connection)) {
      libp2p.services.identify.identify(connection).catch(() => {})
    }
  })
}
