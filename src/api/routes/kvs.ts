import { HttpError } from '../errors.js'
import { jsonSeq } from '../json.js'
import { getQuerySchema, operation, putQuerySchema, sendFound } from '../operation.js'
import { parseSignedKey } from '../../records/index.js'
import type { PutQuery } from '../operation.js'
import type { KvBackend, KvBackendPutOptions } from '../../protocol/index.js'
import type { SignedKey } from '../../records/index.js'
import type { FastifyInstance, FastifyRequest } from 'fastify'

/** The path of a signed key, `/api/v1/kvs/{owner}/{name}`. */
export const KVS_ROUTE = '/api/v1/kvs/*'

/**
 * The media type of a whole signed record: the canonical `KvRecord` bytes
 * of docs/records.md, signature included. A PUT with it publishes a record
 * its owner signed elsewhere; a GET that accepts it receives the record to
 * verify itself.
 */
export const KVS_RECORD_MEDIA_TYPE = 'application/vnd.exper-dht.kv-record'

/** The media type of a raw value (also what a body without a Content-Type is). */
const VALUE_MEDIA_TYPE = 'application/octet-stream'

/** What the signed routes store into and read from: the kv protocol's seam, whose `put` can sign for the serving peer (a `Peer` satisfies it). */
export interface KvsBackend extends KvBackend {
  put(key: string, value: Uint8Array, options: KvBackendPutOptions & { signed?: boolean }): Promise<{ replicas: number, seq: bigint, expires: number }>
}

/**
 * `PUT /api/v1/kvs/{owner}/{name}` and `GET /api/v1/kvs/{owner}/{name}`
 * (docs/api.md). A raw value is signed by the serving peer, so only under
 * its own id (`self`); a whole record (`KVS_RECORD_MEDIA_TYPE`) is checked
 * against its owner's signature and published as it is. A GET answers the
 * value, or the whole record when asked for it, once every peer on its way
 * and this one have verified it.
 */
export function kvsRoutes (app: FastifyInstance, backend: KvsBackend, self: string): void {
  app.put<{ Querystring: PutQuery, Body: Buffer }>(KVS_ROUTE, { schema: { querystring: putQuerySchema } }, async (request, reply) => {
    const { text, key } = signedKeyOf(request)
    const body = request.body instanceof Uint8Array ? request.body : new Uint8Array()
    const { quorum, ttl } = request.query
    const type = mediaTypeOf(request.headers['content-type'])
    let result: { replicas: number, seq: bigint, expires: number }
    if (type === KVS_RECORD_MEDIA_TYPE) {
      if (ttl != null) {
        throw new HttpError(400, 'BadRequest', 'a signed record carries its own expiry, signed by its owner: no ttl with a record body')
      }
      result = await operation(request, async (signal) => backend.putSigned(text, body, { quorum, signal }))
    } else if (type === undefined || type === VALUE_MEDIA_TYPE) {
      if (key.owner.toString() !== self) {
        throw new HttpError(403, 'Forbidden', `this peer (${self}) cannot sign for ${key.owner.toString()}: only the owner signs its records. Sign it with the owner's key and PUT the whole record as ${KVS_RECORD_MEDIA_TYPE}`)
      }
      result = await operation(request, async (signal) => backend.put(key.name, body, { signed: true, quorum, ttlMs: ttl == null ? undefined : ttl * 1000, signal }))
    } else {
      throw new HttpError(415, 'UnsupportedMediaType', `a PUT of a signed key takes a raw value (${VALUE_MEDIA_TYPE}, or no Content-Type), which this peer signs as its own, or a whole signed record (${KVS_RECORD_MEDIA_TYPE}); not ${JSON.stringify(type.slice(0, 100))}`)
    }
    return reply.code(201).send({ key: text, replicas: result.replicas, seq: jsonSeq(result.seq), expires: result.expires })
  })

  app.get<{ Querystring: Record<string, never> }>(KVS_ROUTE, { schema: { querystring: getQuerySchema } }, async (request, reply) => {
    const { text } = signedKeyOf(request)
    const result = await operation(request, async (signal) => backend.get(text, { signed: true, signal }))
    reply.header('Vary', 'Accept')
    if (acceptsRecord(request.headers.accept)) {
      return sendFound(request, reply, result, `"${result.seq.toString()}.record"`, KVS_RECORD_MEDIA_TYPE, result.record)
    }
    return sendFound(request, reply, result, `"${result.seq.toString()}"`, VALUE_MEDIA_TYPE, result.value)
  })
}

/** The signed key of the request's path, `<owner>/<name>` (fastify has percent-decoded it); a 400 `InvalidKey` says what is wrong with it. */
function signedKeyOf (request: FastifyRequest): { text: string, key: SignedKey } {
  const text = (request.params as Record<string, string | undefined>)['*'] ?? ''
  try {
    return { text, key: parseSignedKey(text) }
  } catch (err) {
    throw new HttpError(400, 'InvalidKey', `${(err as Error).message} (the path is /api/v1/kvs/<owner peer id>/<name>)`)
  }
}

/** The media type of a Content-Type header, lower case and without its parameters; undefined without one. */
function mediaTypeOf (header: string | undefined): string | undefined {
  const type = header?.split(';')[0].trim().toLowerCase()
  return type === '' ? undefined : type
}

/** Whether an Accept header lists the record's media type (with a non-zero `q`). */
function acceptsRecord (header: string | undefined): boolean {
  if (header == null) return false
  return header.split(',').some((entry) => {
    const [type, ...params] = entry.split(';').map((part) => part.trim().toLowerCase())
    const q = params.find((param) => param.startsWith('q='))
    return type === KVS_RECORD_MEDIA_TYPE && (q == null || Number(q.slice(2)) > 0)
  })
}
