/** `--api` names an address beyond loopback but no token was given (`--api-token`, `api.token`). */
export class ApiTokenRequiredError extends Error {
  override readonly name = 'ApiTokenRequiredError'
}

/** `--api` is not a multiaddr the API can listen on (`/ip4/<ip>/tcp/<port>` or `/ip6/<ip>/tcp/<port>`). */
export class ApiAddressError extends Error {
  override readonly name = 'ApiAddressError'
}

/** An error the API answers with `status` and a JSON body `{ error, reason }`. */
export class HttpError extends Error {
  override readonly name = 'HttpError'
  constructor (readonly status: number, readonly code: string, reason: string, readonly extra: Record<string, unknown> = {}) {
    super(reason)
  }
}
