import type { FastifyInstance } from 'fastify'
import type { Registry } from 'prom-client'

/** `GET /metrics`: `registry` in Prometheus's text format. */
export function metricsRoutes (app: FastifyInstance, registry: Registry): void {
  app.get('/metrics', async (_request, reply) => {
    return reply.type(registry.contentType).send(await registry.metrics())
  })
}
