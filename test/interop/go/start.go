package main

import (
	"errors"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	"exper-dht/interop/kvrecord"
	"exper-dht/interop/node"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// defaultListen keeps a test peer on loopback, on a port the OS picks.
const defaultListen = "/ip4/127.0.0.1/tcp/0"

// shutdownTimeout bounds a clean shutdown, as exper-dht's shutdownTimeoutMs.
const shutdownTimeout = 5 * time.Second

// The JSON events of start; field order as exper-dht prints them.
type (
	readyEvent struct {
		Event  string   `json:"event"`
		Index  *int     `json:"index,omitempty"`
		PeerID string   `json:"peerId"`
		Addrs  []string `json:"addrs"`
	}
	clusterPeer struct {
		Index  int      `json:"index"`
		PeerID string   `json:"peerId"`
		Addrs  []string `json:"addrs"`
	}
	clusterReadyEvent struct {
		Event string        `json:"event"`
		Peers []clusterPeer `json:"peers"`
	}
	bootstrapConnectedEvent struct {
		Event  string `json:"event"`
		Index  *int   `json:"index,omitempty"`
		Addr   string `json:"addr"`
		PeerID string `json:"peerId"`
	}
	bootstrapRetryEvent struct {
		Event     string `json:"event"`
		Index     *int   `json:"index,omitempty"`
		Addr      string `json:"addr"`
		Attempt   int    `json:"attempt"`
		RetryInMs int64  `json:"retryInMs"`
		Error     string `json:"error"`
	}
	// correctionEvent: the DHT sent a PUT_VALUE of its own (go-libp2p-kad-dht's
	// correction after a get, writing the best record back to a peer on the
	// lookup path that lacked it). One per message; bytes: the encoded Kad
	// record, as exper-dht's replicated and write-back events count them.
	correctionEvent struct {
		Event    string `json:"event"`
		Index    *int   `json:"index,omitempty"`
		Key      string `json:"key"`
		Messages int    `json:"messages"`
		Bytes    int    `json:"bytes"`
	}
	stoppingEvent struct {
		Event  string `json:"event"`
		Signal string `json:"signal"`
	}
	stoppedEvent struct {
		Event string `json:"event"`
	}
)

// startFlags are the flags of start.
type startFlags struct {
	listen    multiaddrList
	bootstrap multiaddrList
	peers     int
	json      bool
}

// runStart runs one node, or --peers N nodes in this process (node 0 joins
// through --bootstrap, the others through node 0), until SIGINT/SIGTERM.
func runStart(args []string) error {
	flags, err := parseStartFlags(args)
	if err != nil {
		return err
	}
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)

	out := &output{json: flags.json}
	nodes, err := startNodes(flags, out)
	if err != nil {
		return err
	}
	go reportReadiness(nodes, flags.peers > 0, out)
	sig := <-signals
	return stop(nodes, sig, signals, out)
}

func parseStartFlags(args []string) (startFlags, error) {
	var flags startFlags
	fs := newFlagSet("start")
	fs.Var(&flags.listen, "listen", "address to listen on; repeatable (default "+defaultListen+")")
	fs.Var(&flags.bootstrap, "bootstrap", "a peer to join through, ending in /p2p/<peer id>; repeatable")
	fs.IntVar(&flags.peers, "peers", 0, "run N DHT nodes in this process: node 0 joins through --bootstrap, the others through node 0")
	fs.BoolVar(&flags.json, "json", false, "one JSON object per line on stdout")
	positional, err := parseArgs(fs, args)
	switch {
	case err != nil:
		return flags, err
	case len(positional) > 0:
		return flags, usageErrorf("start takes no arguments, got %q", positional)
	case isSet(fs, "peers") && flags.peers < 1:
		return flags, usageErrorf("--peers must be at least 1")
	}
	for _, addr := range flags.bootstrap {
		if _, err := peer.AddrInfoFromP2pAddr(addr); err != nil {
			return flags, usageErrorf("--bootstrap %s: the multiaddr must end in /p2p/<peer id>", addr)
		}
	}
	if len(flags.listen) == 0 {
		flags.listen = multiaddrList{ma.StringCast(defaultListen)}
	}
	return flags, nil
}

// startNodes starts node 0, then the others bootstrapping from it.
func startNodes(flags startFlags, out *output) ([]*node.Node, error) {
	count := max(flags.peers, 1)
	listen := make([]string, len(flags.listen))
	for i, addr := range flags.listen {
		listen[i] = addr.String()
	}
	nodes := make([]*node.Node, 0, count)
	bootstrap := []ma.Multiaddr(flags.bootstrap)
	for i := range count {
		var index *int
		if flags.peers > 0 {
			index = &i
		}
		r := reporter{out: out, index: index}
		n, err := node.Start(node.Config{Listen: listen, Bootstrap: bootstrap, Reporter: r, OnPutValue: r.Corrected})
		if err != nil {
			closeNodes(nodes)
			return nil, fmt.Errorf("starting node %d: %w", i, err)
		}
		nodes = append(nodes, n)
		if i == 0 {
			first, err := ma.NewMultiaddr(n.Addrs()[0])
			if err != nil {
				closeNodes(nodes)
				return nil, err
			}
			bootstrap = []ma.Multiaddr{first}
		}
	}
	return nodes, nil
}

// reportReadiness prints each node's ready line as it becomes ready, then
// cluster-ready once all are (in --peers mode).
func reportReadiness(nodes []*node.Node, cluster bool, out *output) {
	var wg sync.WaitGroup
	peers := make([]clusterPeer, len(nodes))
	for i, n := range nodes {
		wg.Go(func() {
			<-n.Ready()
			peers[i] = clusterPeer{Index: i, PeerID: n.Host.ID().String(), Addrs: n.Addrs()}
			event := readyEvent{Event: "ready", PeerID: peers[i].PeerID, Addrs: peers[i].Addrs}
			if cluster {
				event.Index = &peers[i].Index
			}
			out.print(event, fmt.Sprintf("node %d ready: %s\n  %s", i, event.PeerID, strings.Join(event.Addrs, "\n  ")))
		})
	}
	wg.Wait()
	if cluster {
		out.print(clusterReadyEvent{Event: "cluster-ready", Peers: peers}, fmt.Sprintf("all %d nodes ready", len(nodes)))
	}
}

// stop closes every node after the first signal; a second signal, or a
// shutdown longer than shutdownTimeout, exits at once with code 1.
func stop(nodes []*node.Node, sig os.Signal, signals <-chan os.Signal, out *output) error {
	name := signalName(sig)
	out.print(stoppingEvent{Event: "stopping", Signal: name}, name+": stopping")
	go func() {
		select {
		case again := <-signals:
			fmt.Fprintf(os.Stderr, "exper-dht-go: error: %s again: exiting without a clean shutdown\n", signalName(again))
		case <-time.After(shutdownTimeout):
			fmt.Fprintf(os.Stderr, "exper-dht-go: error: shutdown took longer than %s; exiting\n", shutdownTimeout)
		}
		os.Exit(exitError)
	}()
	if err := closeNodes(nodes); err != nil {
		return fmt.Errorf("shutdown failed: %w", err)
	}
	out.print(stoppedEvent{Event: "stopped"}, "stopped")
	return nil
}

func closeNodes(nodes []*node.Node) error {
	errs := make([]error, len(nodes))
	var wg sync.WaitGroup
	for i, n := range nodes {
		wg.Go(func() { errs[i] = n.Close() })
	}
	wg.Wait()
	return errors.Join(errs...)
}

func signalName(sig os.Signal) string {
	if sig == syscall.SIGINT {
		return "SIGINT"
	}
	return "SIGTERM"
}

// reporter prints a node's bootstrap progress.
type reporter struct {
	out   *output
	index *int
}

func (r reporter) Connected(addr ma.Multiaddr, id peer.ID) {
	r.out.print(bootstrapConnectedEvent{Event: "bootstrap-connected", Index: r.index, Addr: addr.String(), PeerID: id.String()},
		fmt.Sprintf("bootstrap peer %s connected", addr))
}

// Corrected prints a correction event for a PUT_VALUE the DHT sent.
func (r reporter) Corrected(sent node.PutValueSent) {
	key := strings.TrimPrefix(sent.Key, kvrecord.KeyPrefix)
	r.out.print(correctionEvent{Event: "correction", Index: r.index, Key: key, Messages: 1, Bytes: sent.Bytes},
		fmt.Sprintf("get of %q: wrote the best record back to a peer that lacked it (%d bytes)", key, sent.Bytes))
}

func (r reporter) Retrying(addr ma.Multiaddr, attempt int, retryIn time.Duration, err error) {
	r.out.print(bootstrapRetryEvent{Event: "bootstrap-retry", Index: r.index, Addr: addr.String(), Attempt: attempt, RetryInMs: retryIn.Milliseconds(), Error: err.Error()},
		fmt.Sprintf("bootstrap peer %s unreachable (attempt %d: %v); retrying in %s", addr, attempt, err, retryIn))
}
