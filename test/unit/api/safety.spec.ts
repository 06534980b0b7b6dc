import { expect } from 'chai'
import { ApiAddressError, ApiTokenRequiredError, apiUrl, bearerMatches, checkExposure, parseApiListen } from '../../../src/index.js'

describe('API listen address and token', () => {
  it('parses /ip4 and /ip6 TCP multiaddrs and knows loopback', () => {
    expect(parseApiListen('/ip4/127.0.0.1/tcp/5080')).to.deep.equal({ host: '127.0.0.1', port: 5080, loopback: true })
    expect(parseApiListen('/ip4/127.1.2.3/tcp/0').loopback).to.equal(true)
    expect(parseApiListen('/ip6/::1/tcp/5080')).to.deep.equal({ host: '::1', port: 5080, loopback: true })
    expect(parseApiListen('/ip4/0.0.0.0/tcp/5080').loopback).to.equal(false)
    expect(parseApiListen('/ip4/192.168.1.2/tcp/5080').loopback).to.equal(false)
    expect(apiUrl('::1', 80)).to.equal('http://[::1]:80')
  })

  it('refuses other multiaddrs with an ApiAddressError', () => {
    for (const bad of ['/ip4/127.0.0.1/udp/5080', '/dns4/localhost/tcp/5080', '/ip4/127.0.0.1/tcp/5080/ws', '/ip4/127.0.0.1', 'localhost:5080', '']) {
      expect(() => parseApiListen(bad), bad).to.throw(ApiAddressError)
    }
  })

  it('beyond loopback needs a token', () => {
    expect(() => { checkExposure(parseApiListen('/ip4/0.0.0.0/tcp/1'), undefined) }).to.throw(ApiTokenRequiredError, /token/)
    expect(() => { checkExposure(parseApiListen('/ip4/0.0.0.0/tcp/1'), '') }).to.throw(ApiTokenRequiredError)
    expect(() => { checkExposure(parseApiListen('/ip4/0.0.0.0/tcp/1'), 'a-token-of-16-chars') }).to.not.throw()
    expect(() => { checkExposure(parseApiListen('/ip4/127.0.0.1/tcp/1'), undefined) }).to.not.throw()
  })

  it('matches "Bearer <token>" exactly', () => {
    const token = 'a-long-enough-secret-token'
    expect(bearerMatches(`Bearer ${token}`, token)).to.equal(true)
    expect(bearerMatches(`bearer ${token}`, token)).to.equal(true)
    for (const wrong of [undefined, '', token, `Bearer ${token} `, `Bearer ${token.slice(0, -1)}`, `Bearer ${token}x`, `Basic ${token}`, 'Bearer ']) {
      expect(bearerMatches(wrong, token), String(wrong)).to.equal(false)
    }
  })
})
