import { readFile } from 'node:fs/promises'
import { fileURLToPath } from 'node:url'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { expect } from 'chai'
import type { ApiResponse } from './api.js'

const SPEC_PATH = fileURLToPath(new URL('../../../docs/openapi.json', import.meta.url))

/** JSON pointer escaping of one token. */
const pointer = (token: string): string => token.replace(/~/g, '~0').replace(/\//g, '~1')

/** docs/openapi.json, and a check of real responses against it. */
export class OpenApiSpec {
  /** `METHOD template status` of every response checked. */
  readonly checked = new Set<string>()

  private constructor (readonly spec: any, private readonly ajv: Ajv2020) {}

  static async load (): Promise<OpenApiSpec> {
    const spec = JSON.parse(await readFile(SPEC_PATH, 'utf8'))
    const ajv = new Ajv2020({ strict: false, allErrors: true })
    ajv.addSchema(spec, 'openapi')
    return new OpenApiSpec(spec, ajv)
  }

  /** The path template that `path` (a request path, no query) matches. */
  templateOf (path: string): string {
    for (const template of Object.keys(this.spec.paths)) {
      if (new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^?]+')}$`).test(path)) return template
    }
    throw new Error(`${path} is not in docs/openapi.json`)
  }

  /** Checks that the spec documents `response` to `method path`: its status, content type, headers and, for JSON, its schema. */
  conforms (method: string, path: string, response: ApiResponse): void {
    const template = this.templateOf(path)
    const operation = this.spec.paths[template][method.toLowerCase()]
    expect(operation, `${method} ${template} in the spec`).to.not.equal(undefined)
    const documented = operation.responses[String(response.status)]
    expect(documented, `${method} ${template} → ${response.status} in the spec`).to.not.equal(undefined)
    this.checked.add(`${method} ${template} ${response.status}`)
    if (documented.content == null) return
    const type = (response.headers.get('content-type') ?? '').split(';')[0]
    expect(Object.keys(documented.content), `${method} ${template} → ${response.status} content type`).to.include(type)
    if (type === 'application/json') {
      const validate = this.ajv.getSchema(`openapi#/paths/${pointer(template)}/${method.toLowerCase()}/responses/${response.status}/content/${pointer(type)}/schema`)!
      expect(validate(response.json), `${method} ${path} → ${response.status}: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(response.json)}`).to.equal(true)
    }
    for (const header of Object.keys(documented.headers ?? {})) {
      expect(response.headers.get(header), `${method} ${template} header ${header}`).to.not.equal(null)
    }
  }

  /** Whether `data` is valid against the component schema `name`, with the reason when not. */
  validates (name: string, data: unknown): string | true {
    const validate = this.ajv.getSchema(`openapi#/components/schemas/${name}`)!
    return validate(data) ? true : this.ajv.errorsText(validate.errors)
  }

  /** `METHOD template` of every documented operation, those of `tag` only or (with `tag` undefined) those without a tag. */
  operations (tag?: string): string[] {
    return Object.entries<any>(this.spec.paths).flatMap(([template, item]) =>
      Object.entries<any>(item).filter(([method, op]) => ['get', 'put', 'post', 'delete'].includes(method) && (op.tags?.[0] ?? undefined) === tag)
        .map(([method]) => `${method.toUpperCase()} ${template}`))
  }

  /** `METHOD template` of every operation checked so far. */
  exercised (): Set<string> {
    return new Set([...this.checked].map((entry) => entry.split(' ').slice(0, 2).join(' ')))
  }
}
