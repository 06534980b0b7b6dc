import { ApiAddressError, ApiTokenRequiredError, checkExposure, MIN_API_TOKEN_CHARS, parseApiListen } from '../api/index.js'
import { UsageError } from './exit-codes.js'

/** What `--api` and `--api-token` (or config `api.*`) ask for. */
export interface ApiSettings {
  listen: string
  token?: string
  corsOrigins: string[]
}

/**
 * The API settings of `start` and `supervise`; undefined when `listen` is
 * null (the API is off). Refuses (a `UsageError`, exit 2) an address that is
 * not `/ip4|ip6/<ip>/tcp/<port>`, a token shorter than `MIN_API_TOKEN_CHARS`,
 * and an address beyond loopback without a token.
 */
export function apiSettings (listen: string | null | undefined, token: string | null | undefined, corsOrigins: string[]): ApiSettings | undefined {
  if (listen == null) {
    return undefined
  }
  if (token != null && token.length < MIN_API_TOKEN_CHARS) {
    throw new UsageError(`--api-token must be at least ${MIN_API_TOKEN_CHARS} characters`)
  }
  try {
    checkExposure(parseApiListen(listen), token ?? undefined)
  } catch (err) {
    if (err instanceof ApiAddressError || err instanceof ApiTokenRequiredError) {
      throw new UsageError(`--api: ${err.message}`)
    }
    throw err
  }
  return { listen, token: token ?? undefined, corsOrigins }
}
