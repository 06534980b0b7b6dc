import cors from '@fastify/cors'
import Fastify from 'fastify'
import { bearerMatches } from './auth.js'
import { httpErrorOfFramework } from './http-errors.js'
import { HEADERS_TIMEOUT_MS, KEEP_ALIVE_TIMEOUT_MS, MAX_BODY_BYTES, MAX_HEADER_BYTES, MAX_KEY_PARAM_CHARS, REQUEST_TIMEOUT_MS, TIMEOUT_CHECK_INTERVAL_MS } from './limits.js'
import { apiUrl, checkExposure, parseApiListen } from './listen-address.js'
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

/**
 * A fastify server with the API's limits and safety rules: a request body of
 * at most `MAX_BODY_BYTES` (taken as raw bytes whatever its type), a head of at
 * most `MAX_HEADER_BYTES` that must arrive within `HEADERS_TIMEOUT_MS`, a whole
 * request within `REQUEST_TIMEOUT_MS`; the bearer token checked (in constant
 * time) on every `/api` and `/metrics` request; CORS only for the origins
 * given; every error a JSON body `{ error, reason }`. Throws an
 * `ApiTokenRequiredError` for an address beyond loopback without a token.
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
    if (request.url.startsWith('/api/v1/kv/')) {
      if (request.method !== 'GET' && request.method !== 'PUT' && request.method !== 'HEAD') {
        return reply.code(405).header('Allow', 'GET, HEAD, PUT').send({ error: 'MethodNotAllowed', reason: `${request.method} is not a method of /api/v1/kv/{key}: use PUT to store, GET to retrieve` })
      }
      return reply.code(400).send({ error: 'InvalidKey', reason: `the key in the path is longer than ${MAX_KEY_PARAM_CHARS} characters (a key is at most 256 bytes)` })
    }
    return reply.code(404).send({ error: 'NotFound', reason: `no route ${request.method} ${request.url.slice(0, 200)}` })
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
