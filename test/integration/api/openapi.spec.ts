import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { expect } from 'chai'
import { call, followEvents, startApi } from '../../helpers/api.js'
import { startNetwork } from '../../helpers/peers.js'
import type { ApiResponse } from '../../helpers/api.js'
import type { ApiServer } from '../../../src/index.js'
import type { TestNetwork } from '../../helpers/peers.js'

const SPEC_PATH = fileURLToPath(new URL('../../../../docs/openapi.json', import.meta.url))

/** docs/openapi.json's path template that `path` (a request path, no query) matches. */
function templateOf (spec: any, path: string): string {
  for (const template of Object.keys(spec.paths)) {
    const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '.+')}$`)
    if (pattern.test(path)) return template
  }
  throw new Error(`${path} is not in docs/openapi.json`)
}

/** JSON pointer escaping of one token. */
const pointer = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1')

describe('docs/openapi.json describes the server (real responses validated against it)', function () {
  let network: TestNetwork
  let api: ApiServer
  let spec: any
  let ajv: Ajv2020
  const checked = new Set<string>()

  before(async () => {
    spec = JSON.parse(await readFile(SPEC_PATH, 'utf8'))
    ajv = new Ajv2020({ strict: false, allErrors: true })
    ajv.addSchema(spec, 'openapi')
    network = await startNetwork(2)
    api = await startApi(network.peers[0])
  })
  after(async () => {
    await api?.close()
    await network?.stop()
  })

  /** Checks that the spec documents `response` to `method path` (its status, content type and, for JSON, its schema). */
  function conforms (method: string, path: string, response: ApiResponse): void {
    const template = templateOf(spec, path)
    const operation = spec.paths[template][method.toLowerCase()]
    expect(operation, `${method} ${template} in the spec`).to.not.equal(undefined)
    const documented = operation.responses[String(response.status)]
    expect(documented, `${method} ${template} → ${response.status} in the spec`).to.not.equal(undefined)
    checked.add(`${method} ${template} ${response.status}`)
    if (documented.content == null) return
    const type = (response.headers.get('content-type') ?? '').split(';')[0]
    expect(Object.keys(documented.content), `${method} ${template} → ${response.status} content type`).to.include(type)
    if (type === 'application/json') {
      const ref = `openapi#/paths/${pointer(template)}/${method.toLowerCase()}/responses/${response.status}/content/${pointer(type)}/schema`
      const validate = ajv.getSchema(ref)!
      expect(validate(response.json), `${method} ${path} → ${response.status}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(response.json)}`).to.equal(true)
    }
    for (const header of Object.keys(documented.headers ?? {})) {
      expect(response.headers.get(header), `${method} ${template} header ${header}`).to.not.equal(null)
    }
  }

  async function check (method: string, path: string, body?: string | Uint8Array, headers?: Record<string, string>): Promise<ApiResponse> {
    const response = await call(method, `${api.url}${path}`, body, headers)
    conforms(method, path.split('?')[0], response)
    return response
  }

  it('the kv endpoints, with each documented error', async () => {
    await check('PUT', '/api/v1/kv/spec-key?quorum=1', 'value')
    await check('GET', '/api/v1/kv/spec-key')
    await check('GET', '/api/v1/kv/never-stored')
    await check('PUT', `/api/v1/kv/${'x'.repeat(300)}`, 'v')
    await check('PUT', '/api/v1/kv/big', Buffer.alloc(70_000))
    await check('PUT', '/api/v1/kv/quorum?quorum=9', 'v')
  })

  it('peer, routing table, records, metrics and the dashboard', async () => {
    await check('GET', '/api/v1/peer')
    await check('GET', '/api/v1/routing-table')
    await check('GET', '/api/v1/records?offset=0&limit=5')
    await check('GET', '/api/v1/records?limit=0')
    await network.peers[0].put('held here', new Uint8Array([1, 2, 3]))
    const held = await check('GET', `/api/v1/records/kv/${encodeURIComponent('held here')}`)
    expect(held.json).to.include({ key: '/kv/held here', valueBytes: 3 })
    await check('GET', '/api/v1/records/kv/not-held')
    await check('GET', `/api/v1/records/kv/${'x'.repeat(300)}`)
    await check('GET', '/metrics')
    await check('GET', '/')
  })

  it('the event stream and its events', async () => {
    const events = await followEvents(`${api.url}/api/v1/events`)
    try {
      expect(events.response.status).to.equal(200)
      expect(Object.keys(spec.paths['/api/v1/events'].get.responses['200'].content)).to.include((events.response.headers.get('content-type') ?? '').split(';')[0])
      checked.add('GET /api/v1/events 200')
      const put = events.next('put')
      await network.peers[0].put('evented', new Uint8Array([1]))
      const validate = ajv.getSchema('openapi#/components/schemas/Event')!
      const data = await put
      expect(validate(data), ajv.errorsText(validate.errors)).to.equal(true)
    } finally {
      events.close()
    }
  })

  it('every documented path and method was exercised', () => {
    const exercised = new Set([...checked].map((entry) => entry.split(' ').slice(0, 2).join(' ')))
    for (const [template, item] of Object.entries<any>(spec.paths)) {
      for (const method of Object.keys(item).filter((m) => ['get', 'put', 'post', 'delete'].includes(m))) {
        expect(exercised, `${method.toUpperCase()} ${template} exercised`).to.include(`${method.toUpperCase()} ${template}`)
      }
    }
  })
})
