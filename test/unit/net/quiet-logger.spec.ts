import { disable, enable } from '@libp2p/logger'
import { expect } from 'chai'
import { quietLogger } from '../../../src/net/quiet-logger.js'

describe('quietLogger', () => {
  afterEach(() => {
    disable()
  })

  it('hands out a silent logger for every name DEBUG does not enable, scopes included', () => {
    const log = quietLogger().forComponent('libp2p:connection')
    expect(log.enabled).to.equal(false)
    expect(() => { log('a %s', 'message'); log.error('an error'); log.trace('a trace') }).not.to.throw()
    expect(log.newScope('stream').enabled).to.equal(false)
  })

  it("hands out @libp2p/logger's own logger for an enabled name, also below a silent one", () => {
    enable('libp2p:connection:stream*')
    const components = quietLogger()
    expect(components.forComponent('libp2p:connection').enabled).to.equal(false)
    expect(components.forComponent('libp2p:connection').newScope('stream').enabled).to.equal(true)
    enable('libp2p:dialer:error')
    const dialer = components.forComponent('libp2p:dialer')
    expect(dialer.enabled).to.equal(false)
    expect(dialer.error).to.be.a('function')
    expect((dialer.error as unknown as { enabled: boolean }).enabled).to.equal(true)
  })
})
