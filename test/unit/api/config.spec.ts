import { expect } from 'chai'
import { ConfigError, defaultConfig, resolveConfig } from '../../../src/index.js'

describe('configuration of the HTTP API (api.*)', () => {
  it('is off by default, with no token and no CORS', () => {
    expect(defaultConfig().api).to.deep.equal({ listen: null, token: null, corsOrigins: [] })
  })

  it('takes a multiaddr, a token of 16 characters or more, and origin URLs; names the key it refuses', () => {
    expect(resolveConfig({ api: { listen: '/ip4/127.0.0.1/tcp/5080', token: 'a-long-enough-secret-token', corsOrigins: ['https://grafana.example'] } }).api.listen).to.equal('/ip4/127.0.0.1/tcp/5080')
    expect(() => resolveConfig({ api: { listen: 'localhost:5080' } })).to.throw(ConfigError, /api\.listen: not a valid multiaddr/)
    expect(() => resolveConfig({ api: { token: 'short' } })).to.throw(ConfigError, /api\.token must be at least 16 characters/)
    expect(() => resolveConfig({ api: { corsOrigins: ['not a url'] } })).to.throw(ConfigError, /api\.corsOrigins/)
  })
})
