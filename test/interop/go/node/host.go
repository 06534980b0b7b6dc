// Package node runs an exper-dht peer on go-libp2p: a libp2p host with a
// Kad-DHT configured to join an exper-dht network, the /exper-dht/kv/1.0.0
// server, and a put that counts the peers that really stored a record.
package node

import (
	"crypto/rand"
	"fmt"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
)

// NewHost builds a libp2p host that speaks what every exper-dht peer speaks:
// TCP, Noise and Yamux, with a fresh Ed25519 identity. It listens on listen;
// with none it only dials (a thin client).
//
// go-libp2p's defaults need nothing more on loopback: its resource manager
// exempts 127.0.0.0/8 and ::1 from the per-IP connection limits (8 concurrent
// connections, 0.2 new ones per second per IPv4 address). Peers of a LAN that
// share one address would need rcmgr.WithNetworkPrefixLimit for their range.
func NewHost(listen []string) (host.Host, error) {
	key, _, err := crypto.GenerateEd25519Key(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generating an identity: %w", err)
	}
	options := []libp2p.Option{
		libp2p.Identity(key),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.DisableMetrics(),
	}
	if len(listen) == 0 {
		options = append(options, libp2p.NoListenAddrs)
	} else {
		options = append(options, libp2p.ListenAddrStrings(listen...))
	}
	return libp2p.New(options...)
}
