import cors from '@fastify/cors'
import Fastify from 'fastify'
import { bearerMatches } from './auth.js'
import { httpErrorOfFramework } from './http-errors.js'
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_KEY_PARAM_CHARS, REQUEST_TIMEOUT_MS, TIMEOUT_CHECK_INTERVAL_MS } from './limits.js'
import { apiUrl, checkExposure, isLoopback, parseApiListen } from './listen-address.js'
import { ED25519_OWNER_CHARS, MAX_KEY_BYTES, MAX_NAME_BYTES } from '../records/limits.js'
import type { FastifyInstance, FastifyReply } from 'fastify'
import type { AddressInfo } from 'node:net'

/** How an API server listens and whom it lets in. */
export interface HttpServerInit {
  /** Multiaddr to listen on, e.g. `/ip4/127.0.0.1/tcp/5080` (port 0: the OS picks). */
  listen: string
  /** Bearer token every `/api` and `/metrics` request must carry; required beyond loopback. */
  token?: string | null
  /** Origins whose pages may call the API (CORS). @default none */
  corsOrigins?: string[]
}

/** A running HTTP server of the API. */
export interface ApiServer {
  /** Its base URL, e.g. `http://127.0.0.1:5080`. */
  readonly url: string
  /** The fastify instance (for tests and the supervisor's routes). */
  readonly app: FastifyInstance
  /** Stops listening and closes every connection, event streams included. */
  close(): Promise<void>
}

/** Methods that change something: a page of another origin may not send them (no CSRF). */
const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE', 'PATCH'])

/**
 * Why a request from a browser is refused, or undefined. `Host` must name a
 * loopback address when the API is open on loopback (`hostMustBeLocal`): a
 * page of another site whose name was pointed at 127.0.0.1 (DNS rebinding)
 * cannot reach it. A write must come from the API's own pages (`Origin` the
 * API's own, or one of `corsOrigins`), or from outside a browser (no
 * `Origin`): another site's page cannot store into or kill peers (CSRF), as
 * kubo's API refuses foreign origins.
 */
function browserRefusal (host: string | undefined, origin: string | undefined, method: string, hostMustBeLocal: boolean, corsOrigins: Set<string>): string | undefined {
  if (hostMustBeLocal && host != null && !isLocalHost(host)) {
    return `the Host header ${JSON.stringify(host.slice(0, 100))} is not this machine: the API listens on loopback and answers requests for 127.0.0.1, [::1] or localhost only`
  }
  if (origin != null && WRITE_METHODS.has(method) && origin !== `http://${host ?? ''}` && !corsOrigins.has(origin)) {
    return `a ${method} from a page of ${JSON.stringify(origin.slice(0, 100))} is refused: only this API's own pages (or origins in api.corsOrigins) may change anything`
  }
  return undefined
}

/** Whether a `Host` header (`name[:port]`) names this machine: localhost, 127.0.0.0/8 or ::1. */
function isLocalHost (host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '')
  return name === 'localhost' || isLoopback(name)
}

/**
 * A fastify server with the API's limits and safety rules: a request body of
 * at most `MAX_BODY_BYTES` (taken as raw bytes whatever its type), a head of at
 * most `MAX_HEADER_BYTES` that must arrive within `HEADERS_TIMEOUT_MS`, a whole
 * request within `REQUEST_TIMEOUT_MS`; the bearer token checked (in constant
 * time) on every `/api` and `/metrics` request; CORS only for the origins
 * given; every error a JSON body `{ error, reason }`. Throws an
 * `ApiTokenRequiredError` for an address beyond loopback without a token.
 * Browsers are held to `browserRefusal`'s rules (no DNS rebinding, no CSRF).
 * `routes` adds the endpoints before it listens.
 */
export async function startHttpServer (init: HttpServerInit, routes: (app: FastifyInstance) => void | Promise<void>): Promise<ApiServer> {
  const address = parseApiListen(init.listen)
  const token = init.token ?? undefined
  checkExposure(address, token)
  const app = Fastify({
    logger: false,
    bodyLimit: MAX_BODY_BYTES,
    routerOptions: { maxParamLength: MAX_KEY_PARAM_CHARS },
    requestTimeout: REQUEST_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    forceCloseConnections: true,
    return503OnClosing: true,
    // a malformed URL or header fastify refuses before routing: the same JSON body as every error
    frameworkErrors: (err, _request, reply: FastifyReply) => {
      const { status, code, message } = httpErrorOfFramework(err)
      void reply.code(status).send({ error: code, reason: message })
    },
    http: {
      maxHeaderSize: MAX_HEADER_BYTES,
      headersTimeout: HEADERS_TIMEOUT_MS,
      connectionsCheckingInterval: TIMEOUT_CHECK_INTERVAL_MS
    }
  })
  // values are bytes whatever their content type (JSON, text, none)
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => { done(null, body) })
  app.setErrorHandler(async (err, _request, reply) => {
    const { status, code, message, extra } = httpErrorOfFramework(err as Error)
    return reply.code(status).send({ error: code, reason: message, ...extra })
  })
  app.setNotFoundHandler(async (request, reply) => {
    const route = request.url.startsWith('/api/v1/kv/') ? '/api/v1/kv/{key}' : request.url.startsWith('/api/v1/kvs/') ? '/api/v1/kvs/{owner}/{name}' : undefined
    if (route != null) {
      if (request.method !== 'GET' && request.method !== 'PUT' && request.method !== 'HEAD') {
        return reply.code(405).header('Allow', 'GET, HEAD, PUT').send({ error: 'MethodNotAllowed', reason: `${request.method} is not a method of ${route}: use PUT to store, GET to retrieve` })
      }
      const limit = route === '/api/v1/kv/{key}' ? `a key is at most ${MAX_KEY_BYTES} bytes` : `an owner has ${ED25519_OWNER_CHARS} characters and a name at most ${MAX_NAME_BYTES} bytes`
      return reply.code(400).send({ error: 'InvalidKey', reason: `the key in the path is longer than ${MAX_KEY_PARAM_CHARS} characters (${limit})` })
    }
    return reply.code(404).send({ error: 'NotFound', reason: `no route ${request.method} ${request.url.slice(0, 200)}` })
  })
  const corsOrigins = new Set(init.corsOrigins ?? [])
  app.addHook('onRequest', async (request, reply) => {
    const refusal = browserRefusal(request.headers.host, request.headers.origin, request.method, address.loopback && token == null, corsOrigins)
    if (refusal != null) {
      return reply.code(403).send({ error: 'Forbidden', reason: refusal })
    }
  })
  if (token != null) {
    app.addHook('onRequest', async (request, reply) => {
      const path = request.url.split('?')[0]
      const open = path === '/' || path.startsWith('/dashboard/')
      if (!open && !bearerMatches(request.headers.authorization, token)) {
        return reply.code(401).header('WWW-Authenticate', 'Bearer').send({ error: 'Unauthorized', reason: 'this API needs the header "Authorization: Bearer <token>" with its token (--api-token / api.token)' })
      }
    })
  }
  if (init.corsOrigins != null && init.corsOrigins.length > 0) {
    await app.register(cors, { origin: init.corsOrigins })
  }
  await routes(app)
  await app.listen({ host: address.host, port: address.port })
  const { port } = app.server.address() as AddressInfo
  return {
    url: apiUrl(address.host, port),
    app,
    close: async () => { await app.close() }
  }
}
