import { expect } from 'chai'
import { ConfigError } from '../../../src/index.js'
import { listenAddress, tcpPortOf } from '../../../src/supervisor/listen-address.js'

describe('supervisor listen addresses', () => {
  it('builds a TCP multiaddr for an IPv4 or IPv6 host', () => {
    expect(listenAddress('127.0.0.1', 0)).to.equal('/ip4/127.0.0.1/tcp/0')
    expect(listenAddress('::1', 4001)).to.equal('/ip6/::1/tcp/4001')
  })

  it('refuses a host that is not an IP address', () => {
    expect(() => listenAddress('localhost', 0)).to.throw(ConfigError, /not an IP address: "localhost"/)
  })

  it('reads the TCP port of the first address that has one', () => {
    expect(tcpPortOf(['/ip4/127.0.0.1/tcp/40467/p2p/12D3KooWGzh8G8sbP6DDnJb7Lf1GJCHUjzfXtw2qmD9SUrmEbcXv'])).to.equal(40467)
    expect(tcpPortOf(['/ip4/127.0.0.1/udp/5/quic-v1', '/ip6/::1/tcp/7'])).to.equal(7)
    expect(tcpPortOf([])).to.equal(undefined)
  })
})
