import { isIP } from 'node:net'
import { multiaddr } from '@multiformats/multiaddr'
import { ApiAddressError, ApiTokenRequiredError } from './errors.js'

/** Where the API listens, from its multiaddr. */
export interface ApiListenAddress {
  host: string
  port: number
  /** Whether `host` is a loopback address (only this machine can connect). */
  loopback: boolean
}

/** Parses `/ip4/<ip>/tcp/<port>` or `/ip6/<ip>/tcp/<port>`; throws an `ApiAddressError` for anything else. */
export function parseApiListen (value: string): ApiListenAddress {
  let components
  try {
    components = multiaddr(value).getComponents()
  } catch (err) {
    throw new ApiAddressError(`not a valid multiaddr: ${JSON.stringify(value)} (${(err as Error).message})`)
  }
  const [ip, tcp] = components
  if (components.length !== 2 || (ip.name !== 'ip4' && ip.name !== 'ip6') || tcp.name !== 'tcp' || ip.value == null || tcp.value == null) {
    throw new ApiAddressError(`the API listens on /ip4/<ip>/tcp/<port> or /ip6/<ip>/tcp/<port>, not ${value}`)
  }
  const host = ip.value
  return { host, port: Number(tcp.value), loopback: isLoopback(host) }
}

/** Whether `host` is a loopback address: 127.0.0.0/8 or ::1. */
export function isLoopback (host: string): boolean {
  if (isIP(host) === 4) return host.startsWith('127.')
  return host === '::1' || host === '0:0:0:0:0:0:0:1'
}

/** Refuses a listen address beyond loopback without a token. */
export function checkExposure (address: ApiListenAddress, token: string | undefined): void {
  if (!address.loopback && (token == null || token === '')) {
    throw new ApiTokenRequiredError(`the API would listen on ${address.host}, beyond loopback: give it a token (--api-token or api.token) that every request must carry, or listen on 127.0.0.1`)
  }
}

/** The base URL of an API listening on `host` and `port`. */
export function apiUrl (host: string, port: number): string {
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`
}
