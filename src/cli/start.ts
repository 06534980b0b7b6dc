import { Command } from 'commander'
import { libp2pPrometheusMetrics, Registry, startPeerApi } from '../api/index.js'
import { apiSettings } from './api-settings.js'
import { loadConfigFile, resolveConfig } from '../config/index.js'
import { createPeer } from '../peer/index.js'
import { hasSupervisor, reportToSupervisor } from '../supervisor/report-to-supervisor.js'
import { collectMultiaddr, parseMultiaddr } from './arguments.js'
import { ExitCode } from './exit-codes.js'
import { Output, printError } from './output.js'
import type { Peer } from '../peer/index.js'

/**
 * A stop signal repeated this soon is the first one delivered twice, not a
 * second Ctrl-C: a terminal's Ctrl-C (and systemd's stop, and pm2's tree
 * kill) signals every process of the group, and `npm start`, whose shell
 * execs the peer, forwards its own copy to it as well.
 */
const REPEATED_SIGNAL_WINDOW_MS = 1000

interface StartFlags {
  listen?: string[]
  bootstrap?: string[]
  dataDir?: string
  ephemeral?: boolean
  config?: string
  json?: boolean
  client?: boolean
  api?: string
  apiToken?: string
}

/** `exper-dht start`: runs one peer until SIGINT/SIGTERM. */
export function startCommand (): Command {
  return new Command('start')
    .description('run one DHT peer until SIGINT/SIGTERM')
    .option('--listen <multiaddr>', 'address to listen on (repeatable; default from config: /ip4/0.0.0.0/tcp/0)', collectMultiaddr)
    .option('--bootstrap <multiaddr>', 'peer to join the network through (repeatable)', collectMultiaddr)
    .option('--data-dir <dir>', 'data directory for the key and the datastore (default $EXPER_DHT_HOME or ~/.exper-dht)')
    .option('--ephemeral', 'fresh identity and in-memory datastore; nothing is written to disk')
    .option('--config <file>', 'JSON file overriding config/default.json')
    .option('--client', 'query-only peer: stores and serves nothing for others')
    .option('--api <multiaddr>', 'serve the HTTP API, /metrics and the dashboard on this address, e.g. /ip4/127.0.0.1/tcp/5080 (default from config: api.listen, off)', parseMultiaddr)
    .option('--api-token <token>', 'bearer token every API request must carry; required for an --api beyond loopback (default from config: api.token)')
    .option('--json', 'one JSON object per line on stdout')
    .action(runStart)
}

/**
 * Runs the peer; resolves once it has stopped cleanly after SIGINT/SIGTERM,
 * or, in a process forked by `exper-dht supervise`, after the supervisor's
 * IPC channel closed (so that no peer outlives its supervisor).
 */
async function runStart (flags: StartFlags): Promise<void> {
  const output = new Output(flags.json === true)
  const supervised = hasSupervisor()
  const config = flags.config == null ? resolveConfig() : loadConfigFile(flags.config)
  const api = apiSettings(flags.api ?? config.api.listen, flags.apiToken ?? config.api.token, config.api.corsOrigins)
  const registry = api == null ? undefined : new Registry()
  const peer = await createPeer({
    libp2pMetrics: registry == null ? undefined : libp2pPrometheusMetrics(registry),
    config,
    listen: flags.listen,
    bootstrap: flags.bootstrap,
    dataDir: flags.dataDir,
    ephemeral: flags.ephemeral,
    clientMode: flags.client
  })
  let server
  try {
    server = api == null ? undefined : await startPeerApi(peer, { ...api, registry })
  } catch (err) {
    await peer.stop()
    throw new Error(`the HTTP API could not start on ${api?.listen}: ${(err as Error).message}`, { cause: err })
  }
  const stopped = stopOnRequest(peer, output, supervised, async () => server?.close())
  reportEvents(peer, output)
  if (supervised) {
    reportToSupervisor(peer, process, { api: server?.url })
  }

  const addrs = peer.getMultiaddrs().map(String)
  if (!output.json) {
    output.event('listening', {}, `peer id: ${peer.peerId.toString()}\n${peer.dataDir == null ? 'ephemeral: nothing is written to disk' : `data dir: ${peer.dataDir}`}\nlistening on:\n${addrs.map(a => `  ${a}`).join('\n')}${server == null ? '' : `\nHTTP API and dashboard: ${server.url}`}`)
  }
  void peer.ready.then(() => {
    output.event('ready', { peerId: peer.peerId.toString(), addrs, ...(server == null ? {} : { api: server.url }) }, `ready (routing table: ${peer.routingTableSize} peers)`)
  })
  await stopped
  if (supervised && process.connected) {
    // the open channel would keep the process alive
    process.disconnect()
  }
}

function reportEvents (peer: Peer, output: Output): void {
  peer.addEventListener('peer:connect', ({ detail }) => {
    output.event('peer-connected', { peerId: detail.toString() }, `connected: ${detail.toString()}`)
  })
  peer.addEventListener('peer:disconnect', ({ detail }) => {
    output.event('peer-disconnected', { peerId: detail.toString() }, `disconnected: ${detail.toString()}`)
  })
  peer.addEventListener('refreshed', ({ detail }) => {
    output.event('refreshed', { routingTableSize: detail.routingTableSize, durationMs: Math.round(detail.durationMs) },
      `routing table refreshed in ${Math.round(detail.durationMs)} ms: ${detail.routingTableSize} peers`)
  })
  peer.addEventListener('replicated', ({ detail }) => {
    if (detail.messages > 0) {
      output.event('replicated', { trigger: detail.trigger, records: detail.records, messages: detail.messages, stored: detail.stored, bytes: detail.bytes, durationMs: Math.round(detail.durationMs) },
        `replication (${detail.trigger}): ${detail.stored} of ${detail.messages} copies sent were stored (${detail.bytes} bytes, ${detail.records} records checked, ${Math.round(detail.durationMs)} ms)`)
    }
  })
  peer.addEventListener('write-back', ({ detail }) => {
    output.event('write-back', { key: detail.key, peers: detail.peers, stored: detail.stored, bytes: detail.bytes },
      `get of "${detail.key}": wrote the best record back to ${detail.stored} of ${detail.peers} closest peers that lacked it`)
  })
  peer.addEventListener('republished', ({ detail }) => {
    output.event('republished', { republished: detail.republished, retired: detail.retired, replicas: detail.replicas, durationMs: Math.round(detail.durationMs) },
      `republished ${detail.republished} record${detail.republished === 1 ? '' : 's'} (${detail.replicas} copies stored)${detail.retired > 0 ? `, ${detail.retired} at the end of their lifetime or replaced` : ''}`)
  })
  peer.addEventListener('expired', ({ detail }) => {
    output.event('expired', { removed: detail.removed }, `deleted ${detail.removed} expired record${detail.removed === 1 ? '' : 's'}`)
  })
  peer.addEventListener('job:failed', ({ detail }) => {
    output.event('job-failed', { job: detail.job, error: detail.error.message }, `${detail.job} failed: ${detail.error.message} (it runs again at its next time)`)
  })
  peer.addEventListener('bootstrap:connected', ({ detail }) => {
    output.event('bootstrap-connected', { addr: detail.addr, peerId: detail.peerId.toString() }, `bootstrap peer ${detail.addr} connected`)
  })
  peer.addEventListener('bootstrap:retry', ({ detail }) => {
    output.event('bootstrap-retry', { addr: detail.addr, attempt: detail.attempt, retryInMs: detail.retryInMs, error: detail.error.message },
      `bootstrap peer ${detail.addr} unreachable (attempt ${detail.attempt}: ${detail.error.message}); retrying in ${detail.retryInMs} ms`)
  })
}

/**
 * On the first SIGINT/SIGTERM (or, when `supervised`, when the supervisor's
 * IPC channel closes, or has already closed): stop the peer (libp2p, then the
 * datastore); the returned promise settles once it has stopped, and the
 * process then ends by itself. A watchdog (which does not keep the process
 * alive) exits with code 1 if that takes longer than `shutdownTimeoutMs`; a
 * second signal exits at once, unless it is the first one delivered again
 * (within `REPEATED_SIGNAL_WINDOW_MS`). `beforeStop` (the HTTP API's close)
 * runs first.
 */
async function stopOnRequest (peer: Peer, output: Output, supervised: boolean, beforeStop: () => Promise<void>): Promise<void> {
  return new Promise((resolve, reject) => {
    let stopping = false
    let signalledAt = -Infinity
    const stop = (): void => {
      stopping = true
      setTimeout(() => {
        printError(`shutdown took longer than ${peer.config.shutdownTimeoutMs} ms; exiting`)
        process.exit(ExitCode.ERROR)
      }, peer.config.shutdownTimeoutMs).unref()
      beforeStop().catch(() => {}).then(async () => peer.stop()).then(() => {
        output.event('stopped', {}, 'stopped')
        process.off('SIGINT', onSignal)
        process.off('SIGTERM', onSignal)
        process.off('disconnect', onDisconnect)
        resolve()
      }, (err: Error) => {
        reject(new Error(`shutdown failed: ${err.message}`))
      })
    }
    const onSignal = (signal: NodeJS.Signals): void => {
      if (stopping) {
        if (performance.now() - signalledAt < REPEATED_SIGNAL_WINDOW_MS) {
          return
        }
        printError(`${signal} again: exiting without a clean shutdown`)
        process.exit(ExitCode.ERROR)
      }
      signalledAt = performance.now()
      output.event('stopping', { signal }, `${signal}: stopping`)
      stop()
    }
    const onDisconnect = (): void => {
      if (!stopping) {
        output.event('stopping', { reason: 'supervisor-disconnected' }, 'supervisor gone: stopping')
        stop()
      }
    }
    process.on('SIGINT', onSignal)
    process.on('SIGTERM', onSignal)
    if (supervised) {
      process.on('disconnect', onDisconnect)
      if (!process.connected) {
        onDisconnect()
      }
    }
  })
}
