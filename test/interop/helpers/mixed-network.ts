import { CliProcess } from '../../helpers/cli.js'
import { LOOPBACK_LISTEN } from '../../helpers/peers.js'
import { startGo } from './go-peer.js'

/** One peer process of a mixed network. */
export interface NetworkPeer {
  /** Which implementation: exper-dht (TypeScript) or exper-dht-go. */
  kind: 'ts' | 'go'
  process: CliProcess
  peerId: string
  /** Its loopback address, ending in /p2p/<peer id>. */
  addr: string
}

/** Three exper-dht and three Go peers, each a real process on 127.0.0.1. */
export interface MixedNetwork {
  ts: NetworkPeer[]
  go: NetworkPeer[]
  all: NetworkPeer[]
  /** Starts one more peer of `kind` joining through `bootstrap`, stopped with the others (not listed in `ts`, `go` or `all`). */
  add(kind: NetworkPeer['kind'], bootstrap: NetworkPeer): Promise<NetworkPeer>
  /** Kills every process still running. */
  stop(): Promise<void>
}

/** Options of `startMixedNetwork`. */
export interface MixedNetworkOptions {
  /** A `--config FILE` for the exper-dht peers (e.g. a shorter replication interval). */
  tsConfig?: string
}

/**
 * Starts a mixed network in which every peer joins through a peer of the
 * other implementation: go 0 first, alone; exper-dht 0 through go 0; go 1 and
 * go 2 through exper-dht 0; exper-dht 1 and 2 through go 1 and go 2. Resolves
 * once every peer has printed its ready line (its routing table holds a peer).
 */
export async function startMixedNetwork (options: MixedNetworkOptions = {}): Promise<MixedNetwork> {
  const ts: NetworkPeer[] = []
  const go: NetworkPeer[] = []
  const started: CliProcess[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(started.map(async (child) => child.stop('SIGKILL')))
  }
  const start = async (kind: NetworkPeer['kind'], bootstrap?: NetworkPeer): Promise<NetworkPeer> => {
    const args = ['start', '--listen', LOOPBACK_LISTEN, '--json', ...(bootstrap == null ? [] : ['--bootstrap', bootstrap.addr])]
    const child = kind === 'go' ? startGo(args) : new CliProcess([...args, '--ephemeral', ...(options.tsConfig == null ? [] : ['--config', options.tsConfig])])
    started.push(child)
    const ready = await child.waitForEvent('ready')
    return { kind, process: child, peerId: String(ready.peerId), addr: (ready.addrs as string[])[0] }
  }
  try {
    go.push(await start('go'))
    ts.push(await start('ts', go[0]))
    go.push(...await Promise.all([start('go', ts[0]), start('go', ts[0])]))
    ts.push(...await Promise.all([start('ts', go[1]), start('ts', go[2])]))
  } catch (err) {
    await stop()
    throw err
  }
  return { ts, go, all: [...ts, ...go], add: start, stop }
}
