import { HttpError } from '../errors.js'
import { httpErrorOf } from '../http-errors.js'
import { jsonSeq } from '../json.js'
import { MAX_QUORUM, OPERATION_TIMEOUT_MS } from '../limits.js'
import type { KvBackend } from '../../protocol/index.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** The path of a key in the `/kv` namespace (the signed `/kvs` namespace will sit beside it as `/api/v1/kvs/...`). */
export const KV_ROUTE = '/api/v1/kv/*'

const quorumSchema = {
  type: 'object',
  properties: { quorum: { type: 'integer', minimum: 1, maximum: MAX_QUORUM } },
  additionalProperties: false
} as const

/**
 * `PUT /api/v1/kv/{key}` (the body is the value) and `GET /api/v1/kv/{key}`
 * (the value's bytes, with `X-Exper-Seq` and `ETag`), through `backend` —
 * the seam the kv protocol server uses, so the API stores and retrieves
 * exactly as a thin client does.
 */
export function kvRoutes (app: FastifyInstance, backend: KvBackend): void {
  app.put<{ Querystring: { quorum?: number }, Body: Buffer }>(KV_ROUTE, { schema: { querystring: quorumSchema } }, async (request, reply) => {
    const key = keyOf(request)
    const value = request.body instanceof Uint8Array ? request.body : new Uint8Array()
    const result = await operation(request, async (signal) => backend.put(key, value, { quorum: request.query.quorum, signal }))
    return reply.code(201).send({ key, replicas: result.replicas, seq: jsonSeq(result.seq), expires: result.expires })
  })

  app.get<{ Querystring: Record<string, never> }>(KV_ROUTE, { schema: { querystring: { type: 'object', additionalProperties: false } } }, async (request, reply) => {
    const key = keyOf(request)
    const result = await operation(request, async (signal) => backend.get(key, { signal }))
    const etag = `"${result.seq.toString()}"`
    reply.header('X-Exper-Seq', result.seq.toString()).header('ETag', etag).header('X-Exper-Expires', String(result.expires))
    if (request.headers['if-none-match'] === etag) {
      return reply.code(304).send()
    }
    return reply.type('application/octet-stream').send(Buffer.from(result.value.buffer, result.value.byteOffset, result.value.byteLength))
  })
}

/** The user key of the request's path (fastify has percent-decoded it). */
function keyOf (request: FastifyRequest): string {
  const key = (request.params as Record<string, string | undefined>)['*'] ?? ''
  if (key === '') {
    throw new HttpError(400, 'InvalidKey', 'the key is empty: use /api/v1/kv/<key>')
  }
  return key
}

/** Runs a DHT operation within `OPERATION_TIMEOUT_MS`, aborted if the client goes away; library errors become HTTP errors. */
async function operation<R> (request: FastifyRequest, run: (signal: AbortSignal) => Promise<R>): Promise<R> {
  const gone = new AbortController()
  const onClose = (): void => { if (!request.raw.complete || request.raw.socket.destroyed) gone.abort() }
  request.raw.socket.once('close', onClose)
  const signal = AbortSignal.any([gone.signal, AbortSignal.timeout(OPERATION_TIMEOUT_MS)])
  try {
    return await run(signal)
  } catch (err) {
    throw httpErrorOf(err as Error, signal.aborted)
  } finally {
    request.raw.socket.off('close', onClose)
  }
}
