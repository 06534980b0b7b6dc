package node

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"exper-dht/interop/kvproto"
	ds "github.com/ipfs/go-datastore"
	dssync "github.com/ipfs/go-datastore/sync"
	dht "github.com/libp2p/go-libp2p-kad-dht"
	"github.com/libp2p/go-libp2p-kad-dht/amino"
	"github.com/libp2p/go-libp2p-kad-dht/records"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// Config says how to start a Node.
type Config struct {
	// Listen holds the multiaddrs to listen on.
	Listen []string
	// Bootstrap holds the peers to join through, each ending in /p2p/<peer id>.
	Bootstrap []ma.Multiaddr
	// Reporter receives bootstrap progress; nil reports nothing.
	Reporter Reporter
	// OnPutValue hears every PUT_VALUE the DHT itself sends (its correction
	// after a GetValue; not this peer's own puts); nil hears nothing.
	OnPutValue func(PutValueSent)
}

// Node is a running exper-dht peer: a host, its DHT (server mode, the /kv
// validator) and the kv protocol server. Its records live in memory.
type Node struct {
	Host host.Host
	DHT  *dht.IpfsDHT

	// values is the store the DHT keeps its value records in, used by Put to
	// store this peer's replica with the same validation and selection.
	values *records.ValueStore

	ready     chan struct{}
	readyOnce sync.Once
	cancel    context.CancelFunc
	dialers   sync.WaitGroup
}

// Start starts a node: listens, serves the DHT and the kv protocol, and
// dials the bootstrap peers in the background (retrying with backoff).
func Start(cfg Config) (*Node, error) {
	h, err := NewHost(cfg.Listen)
	if err != nil {
		return nil, err
	}
	store := dssync.MutexWrap(ds.NewMapDatastore())
	options := DHTOptions(store)
	if cfg.OnPutValue != nil {
		options = append(options, dht.WithCustomMessageSender(countingMessageSender(cfg.OnPutValue)))
	}
	d, err := dht.New(h, options...)
	if err != nil {
		_ = h.Close()
		return nil, fmt.Errorf("starting the DHT: %w", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	n := &Node{
		Host:   h,
		DHT:    d,
		values: records.NewValueStore(store, Validator(), amino.DefaultMaxRecordAge),
		ready:  make(chan struct{}),
		cancel: cancel,
	}
	n.watchReadiness(len(cfg.Bootstrap) > 0)
	h.SetStreamHandler(kvproto.ID, kvproto.NewServer(n).HandleStream)
	for _, addr := range cfg.Bootstrap {
		n.dialers.Go(func() { dialUntilConnected(ctx, h, addr, cfg.Reporter) })
	}
	return n, nil
}

// Ready is closed once the routing table holds a peer (at once for a node
// without bootstrap peers): from then on, queries can succeed.
func (n *Node) Ready() <-chan struct{} {
	return n.ready
}

// Addrs are the node's listen addresses, each ending in /p2p/<peer id>.
func (n *Node) Addrs() []string {
	suffix := "/p2p/" + n.Host.ID().String()
	addrs := make([]string, 0, len(n.Host.Addrs()))
	for _, addr := range n.Host.Addrs() {
		addrs = append(addrs, addr.String()+suffix)
	}
	return addrs
}

// Close stops dialing, then closes the DHT and the host.
func (n *Node) Close() error {
	n.cancel()
	n.dialers.Wait()
	return errors.Join(n.DHT.Close(), n.Host.Close())
}

// watchReadiness closes ready when the routing table gains its first peer.
// go-libp2p-kbucket has a single PeerAdded callback, which the DHT uses to
// tag peers for the connection manager; it is wrapped before any bootstrap
// dial, so no peer can be added before.
func (n *Node) watchReadiness(waitForPeer bool) {
	rt := n.DHT.RoutingTable()
	if !waitForPeer || rt.Size() > 0 {
		n.markReady()
		return
	}
	tagPeer := rt.PeerAdded
	rt.PeerAdded = func(p peer.ID) {
		tagPeer(p)
		n.markReady()
	}
}

func (n *Node) markReady() {
	n.readyOnce.Do(func() { close(n.ready) })
}
