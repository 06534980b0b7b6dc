import { HttpError } from '../errors.js'
import { jsonSeq } from '../json.js'
import { getQuerySchema, operation, putQuerySchema, sendFound } from '../operation.js'
import type { PutQuery } from '../operation.js'
import type { KvBackend } from '../../protocol/index.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** The path of a key in the `/kv` namespace (the signed `/kvs` namespace sits beside it: src/api/routes/kvs.ts). */
export const KV_ROUTE = '/api/v1/kv/*'

/**
 * `PUT /api/v1/kv/{key}` (the body is the value) and `GET /api/v1/kv/{key}`
 * (the value's bytes, with `X-Exper-Seq` and `ETag`), through `backend` —
 * the seam the kv protocol server uses, so the API stores and retrieves
 * exactly as a thin client does.
 */
export function kvRoutes (app: FastifyInstance, backend: KvBackend): void {
  app.put<{ Querystring: PutQuery, Body: Buffer }>(KV_ROUTE, { schema: { querystring: putQuerySchema } }, async (request, reply) => {
    const key = keyOf(request)
    const value = request.body instanceof Uint8Array ? request.body : new Uint8Array()
    const { quorum, ttl } = request.query
    const result = await operation(request, async (signal) => backend.put(key, value, { quorum, ttlMs: ttl == null ? undefined : ttl * 1000, signal }))
    return reply.code(201).send({ key, replicas: result.replicas, seq: jsonSeq(result.seq), expires: result.expires })
  })

  app.get<{ Querystring: Record<string, never> }>(KV_ROUTE, { schema: { querystring: getQuerySchema } }, async (request, reply) => {
    const key = keyOf(request)
    const result = await operation(request, async (signal) => backend.get(key, { signal }))
    return sendFound(request, reply, result, `"${result.seq.toString()}"`, 'application/octet-stream', result.value)
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
