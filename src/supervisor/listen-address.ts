import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { ConfigError } from '../errors.js'

/** The TCP multiaddr to listen on at `host` (an IPv4 or IPv6 address) and `port` (0: the OS picks). */
export function listenAddress (host: string, port: number): string {
  const family = isIP(host)
  if (family === 0) {
    throw new ConfigError(`not an IP address: ${JSON.stringify(host)}`)
  }
  return `/ip${family}/${host}/tcp/${port}`
}

/** The TCP port of the first of `addrs` that has one. */
export function tcpPortOf (addrs: string[]): number | undefined {
  for (const addr of addrs) {
    const tcp = multiaddr(addr).getComponents().find((component) => component.name === 'tcp')
    if (tcp?.value != null) {
      return Number(tcp.value)
    }
  }
  return undefined
}
