import { setTimeout as sleep } from 'node:timers/promises'
import { multiaddr } from '@multiformats/multiaddr'
import type { Libp2p, PeerId } from '@libp2p/interface'

/** How the bootstrap dialer retries an unreachable peer. */
export interface BootstrapRetryInit {
  /** First wait before redialing, in ms; doubles after each failure. */
  initialDelayMs: number
  /** Longest wait between two dials, in ms. */
  maxDelayMs: number
}

/** What the bootstrap dialer reports. */
export interface BootstrapReporter {
  connected(addr: string, peerId: PeerId): void
  retrying(addr: string, attempt: number, retryInMs: number, error: Error): void
}

/**
 * Dials every bootstrap address until it answers, waiting
 * `initialDelayMs · 2^(attempt-1)` (at most `maxDelayMs`) between attempts and
 * reporting each failure. Never throws: an unreachable bootstrap peer is
 * reported and retried until `stop()`.
 */
export class BootstrapDialer {
  private readonly controller = new AbortController()
  private readonly dials: Array<Promise<void>> = []

  constructor (
    private readonly libp2p: Libp2p,
    private readonly addrs: string[],
    private readonly retry: BootstrapRetryInit,
    private readonly reporter: BootstrapReporter
  ) {}

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
        this.reporter.connected(addr, connection.remotePeer)
        return
      } catch (err) {
        if (signal.aborted) {
          return
        }
        const retryInMs = Math.min(this.retry.initialDelayMs * 2 ** (attempt - 1), this.retry.maxDelayMs)
        this.reporter.retrying(addr, attempt, retryInMs, err as Error)
        await sleep(retryInMs, undefined, { signal }).catch(() => {})
      }
    }
  }
}
