import { setTimeout as sleep } from 'node:timers/promises'
import { multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import type { ComponentLogger, Libp2p, Logger, PeerId } from '@libp2p/interface'

/** How the bootstrap dialer retries an unreachable peer. */
export interface BootstrapRetryInit {
  /** First wait before redialing, in ms; doubles after each failure. */
  initialDelayMs: number
  /** Longest wait between two dials, in ms. */
  maxDelayMs: number
}

/** Events of `BootstrapDialer`. */
export interface BootstrapEvents {
  /** A bootstrap peer answered. */
  connected: CustomEvent<{ addr: string, peerId: PeerId }>
  /** A bootstrap peer could not be dialed; it is tried again in `retryInMs`. */
  retry: CustomEvent<{ addr: string, attempt: number, retryInMs: number, error: Error }>
}

/**
 * Dials every bootstrap address until it answers, waiting
 * `initialDelayMs · 2^(attempt-1)` (at most `maxDelayMs`) between attempts and
 * reporting each failure. Never throws: an unreachable bootstrap peer is
 * reported and retried until `stop()`.
 */
export class BootstrapDialer extends TypedEventEmitter<BootstrapEvents> {
  private readonly controller = new AbortController()
  private readonly dials: Array<Promise<void>> = []
  private readonly log: Logger

  constructor (
    private readonly libp2p: Libp2p,
    private readonly addrs: string[],
    private readonly retry: BootstrapRetryInit,
    logger: ComponentLogger
  ) {
    super()
    this.log = logger.forComponent('exper-dht:peer:bootstrap')
  }

  /** Starts dialing every address in the background. */
  start (): void {
    for (const addr of this.addrs) {
      this.dials.push(this.dialUntilConnected(addr))
    }
  }

  /** Cancels pending dials and waits for them to end. */
  async stop (): Promise<void> {
    this.controller.abort()
    await Promise.all(this.dials)
  }

  private async dialUntilConnected (addr: string): Promise<void> {
    const signal = this.controller.signal
    for (let attempt = 1; !signal.aborted; attempt++) {
      try {
        const connection = await this.libp2p.dial(multiaddr(addr), { signal })
        this.log('connected to %s', addr)
        this.safeDispatchEvent('connected', { detail: { addr, peerId: connection.remotePeer } })
        return
      } catch (err) {
        if (signal.aborted) {
          return
        }
        const retryInMs = Math.min(this.retry.initialDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs)
        this.log('dial %d of %s failed, retrying in %d ms: %s', attempt, addr, retryInMs, (err as Error).message)
        this.safeDispatchEvent('retry', { detail: { addr, attempt, retryInMs, error: err as Error } })
        await sleep(retryInMs, undefined, { signal }).catch(() => {})
      }
    }
  }
}
