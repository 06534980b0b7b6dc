import { CliProcess } from '../../helpers/cli.js'
import { LOOPBACK_LISTEN } from '../../helpers/peers.js'
import { runGo, startGo } from './go-peer.js'
import { runRust, startRust } from './rust-peer.js'
import { runCli } from '../../helpers/cli.js'
import type { ProcessResult } from '../../helpers/cli.js'

/** The three implementations: exper-dht (TypeScript), exper-dht-go and exper-dht-rust. */
export const IMPLEMENTATIONS = ['ts', 'go', 'rust'] as const

/** One of the three implementations. */
export type Implementation = typeof IMPLEMENTATIONS[number]

/** One peer process of a three-way network. */
export interface ThreeWayPeer {
  kind: Implementation
  process: CliProcess
  peerId: string
  /** Its loopback address, ending in /p2p/<peer id>. */
  addr: string
}

/** Two peers of each implementation, each a real process on 127.0.0.1. */
export interface ThreeWayNetwork {
  /** The peers of one implementation. */
  of: Record<Implementation, ThreeWayPeer[]>
  all: ThreeWayPeer[]
  /** Kills every process still running. */
  stop(): Promise<void>
}

/** Runs a command of `kind`'s CLI (`exper-dht`, `exper-dht-go` or `exper-dht-rust`) to completion. */
export async function runOf (kind: Implementation, args: string[], stdin?: Uint8Array): Promise<ProcessResult> {
  switch (kind) {
    case 'ts': return runCli(args)
    case 'go': return runGo(args, stdin)
    case 'rust': return runRust(args, stdin)
  }
}

/**
 * Starts 2 exper-dht, 2 Go and 2 Rust peers, each joining through a peer of
 * another implementation: rust 0 alone; exper-dht 0 and go 0 through rust 0;
 * rust 1 and go 1 through exper-dht 0; exper-dht 1 through go 0. Resolves once
 * every peer has printed its ready line (its routing table holds a peer).
 */
export async function startThreeWayNetwork (): Promise<ThreeWayNetwork> {
  const of: Record<Implementation, ThreeWayPeer[]> = { ts: [], go: [], rust: [] }
  const started: CliProcess[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(started.map(async (child) => child.stop('SIGKILL')))
  }
  const start = async (kind: Implementation, bootstrap?: ThreeWayPeer): Promise<ThreeWayPeer> => {
    const args = ['start', '--listen', LOOPBACK_LISTEN, '--json', ...(bootstrap == null ? [] : ['--bootstrap', bootstrap.addr])]
    const child = kind === 'go' ? startGo(args) : kind === 'rust' ? startRust(args) : new CliProcess([...args, '--ephemeral'])
    started.push(child)
    const ready = await child.waitForEvent('ready')
    const peer = { kind, process: child, peerId: String(ready.peerId), addr: (ready.addrs as string[])[0] }
    of[kind].push(peer)
    return peer
  }
  try {
    const rust0 = await start('rust')
    const [ts0, go0] = await Promise.all([start('ts', rust0), start('go', rust0)])
    await Promise.all([start('rust', ts0), start('go', ts0), start('ts', go0)])
  } catch (err) {
    await stop()
    throw err
  }
  return { of, all: [...of.ts, ...of.go, ...of.rust], stop }
}
