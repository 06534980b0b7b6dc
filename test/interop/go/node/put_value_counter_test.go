package node

import (
	"context"
	"sync"
	"testing"
	"time"

	"exper-dht/interop/kvrecord"
	record "github.com/libp2p/go-libp2p-record"
	ma "github.com/multiformats/go-multiaddr"
	"google.golang.org/protobuf/proto"
)

// putValues collects what a node's OnPutValue hears.
type putValues struct {
	mu   sync.Mutex
	sent []PutValueSent
}

func (p *putValues) add(sent PutValueSent) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sent = append(p.sent, sent)
}

func (p *putValues) snapshot() []PutValueSent {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]PutValueSent(nil), p.sent...)
}

func startTestNode(t *testing.T, bootstrap []ma.Multiaddr, onPutValue func(PutValueSent)) *Node {
	t.Helper()
	n, err := Start(Config{Listen: []string{"/ip4/127.0.0.1/tcp/0"}, Bootstrap: bootstrap, OnPutValue: onPutValue})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = n.Close() })
	return n
}

// eventually polls check every 50 ms until it holds or timeout passes.
func eventually(t *testing.T, timeout time.Duration, what string, check func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !check() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// A get that finds the record on one peer and not on another makes
// go-libp2p-kad-dht write it back to the one that lacked it, through the
// DHT's own message sender: OnPutValue hears that PUT_VALUE, with the size
// of the record sent. The node's own put goes out through SendPutValue and
// is not heard.
func TestOnPutValueHearsTheCorrectionAfterAGetAndNotOwnPuts(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	holder := startTestNode(t, nil, nil)
	first, err := ma.NewMultiaddr(holder.Addrs()[0])
	if err != nil {
		t.Fatal(err)
	}
	lacking := startTestNode(t, []ma.Multiaddr{first}, nil)
	var heard putValues
	getter := startTestNode(t, []ma.Multiaddr{first}, heard.add)
	eventually(t, 20*time.Second, "the holder's routing table to hold both other nodes", func() bool {
		return holder.DHT.RoutingTable().Size() == 2 && getter.DHT.RoutingTable().Size() >= 1
	})

	// the record, on the holder only
	dhtKey := kvrecord.DHTKey("corrected")
	now := time.Now()
	kv := kvrecord.Record{Value: []byte("best"), Seq: uint64(now.UnixMilli()), Publisher: []byte(holder.Host.ID()), Expires: kvrecord.ExpiresAt(now, 0)}
	rec := record.MakePutRecord(dhtKey, kvrecord.Encode(kv))
	if err := holder.values.Put(ctx, dhtKey, rec); err != nil {
		t.Fatal(err)
	}

	got, err := getter.Retrieve(ctx, "corrected")
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Value) != "best" {
		t.Fatalf("got %q, want %q", got.Value, "best")
	}
	eventually(t, 15*time.Second, "the correction to the node that lacked the record", func() bool {
		held, err := lacking.values.Get(ctx, dhtKey)
		return err == nil && held != nil
	})
	sent := heard.snapshot()
	if len(sent) == 0 {
		t.Fatal("OnPutValue heard no PUT_VALUE, but the node that lacked the record received it")
	}
	want := proto.Size(record.MakePutRecord(dhtKey, rec.GetValue()))
	for _, s := range sent {
		if s.Key != dhtKey || s.Bytes != want {
			t.Errorf("heard %+v, want key %q and %d bytes", s, dhtKey, want)
		}
	}

	// the getter's own put: sent with SendPutValue, not heard
	before := len(heard.snapshot())
	result, err := getter.Put(ctx, "own", []byte("mine"), 0)
	if err != nil {
		t.Fatal(err)
	}
	if result.Remote == 0 {
		t.Fatalf("the put reached no remote peer: %+v", result)
	}
	time.Sleep(500 * time.Millisecond)
	for _, s := range heard.snapshot()[before:] {
		if s.Key == kvrecord.DHTKey("own") {
			t.Errorf("OnPutValue heard the node's own put: %+v", s)
		}
	}
}
