package kvproto

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"exper-dht/interop/kvrecord"
	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// fakeBackend records the STOREs it gets and serves one record.
type fakeBackend struct {
	mu     sync.Mutex
	ttls   []time.Duration
	record *kvrecord.Record
}

func (b *fakeBackend) Store(_ context.Context, _ string, _ []byte, _ int, ttl time.Duration) (Stored, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.ttls = append(b.ttls, ttl)
	return Stored{Replicas: 1, Seq: 42, Expires: 1_767_225_600_000 + uint64(ttl.Milliseconds())}, nil
}

func (b *fakeBackend) Retrieve(context.Context, string) (kvrecord.Record, error) {
	if b.record == nil {
		return kvrecord.Record{}, ErrNotFound
	}
	return *b.record, nil
}

func (b *fakeBackend) StoreSigned(_ context.Context, _ string, record []byte, _ int) (Stored, error) {
	r, err := kvrecord.Decode(record)
	if err != nil {
		return Stored{}, &RecordError{Err: err}
	}
	return Stored{Replicas: 1, Seq: r.Seq, Expires: r.Expires}, nil
}

func (b *fakeBackend) RetrieveSigned(context.Context, string) ([]byte, error) {
	if b.record == nil {
		return nil, ErrNotFound
	}
	return kvrecord.Encode(*b.record), nil
}

func newTestHost(t *testing.T, listen bool) host.Host {
	t.Helper()
	options := []libp2p.Option{libp2p.DisableMetrics(), libp2p.NoListenAddrs}
	if listen {
		options = []libp2p.Option{libp2p.DisableMetrics(), libp2p.ListenAddrStrings("/ip4/127.0.0.1/tcp/0")}
	}
	h, err := libp2p.New(options...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = h.Close() })
	return h
}

func serve(t *testing.T, backend Backend) (Client, ma.Multiaddr) {
	t.Helper()
	server := newTestHost(t, true)
	server.SetStreamHandler(ID, NewServer(backend).HandleStream)
	addrs, err := peer.AddrInfoToP2pAddrs(&peer.AddrInfo{ID: server.ID(), Addrs: server.Addrs()})
	if err != nil {
		t.Fatal(err)
	}
	return Client{Host: newTestHost(t, false)}, addrs[0]
}

func TestServerPassesTheTTLAndAnswersTheExpires(t *testing.T) {
	backend := &fakeBackend{}
	client, addr := serve(t, backend)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	resp, err := client.Request(ctx, addr, Request{Type: Store, Key: "k", Value: []byte("v"), TTL: 60})
	if err != nil || resp.Status != StatusOK || resp.Seq != 42 || resp.Expires != 1_767_225_600_000+60_000 {
		t.Fatalf("STORE with ttl 60: got %+v, %v", resp, err)
	}
	// a STORE without field 5 (an older client) asks for the default lifetime
	resp, err = client.Request(ctx, addr, Request{Type: Store, Key: "k", Value: []byte("v")})
	if err != nil || resp.Status != StatusOK || resp.Expires != 1_767_225_600_000 {
		t.Fatalf("STORE without ttl: got %+v, %v", resp, err)
	}
	if len(backend.ttls) != 2 || backend.ttls[0] != time.Minute || backend.ttls[1] != 0 {
		t.Fatalf("the backend got the ttls %v, want [1m0s 0s]", backend.ttls)
	}
}

func TestServerAnswersARetrieveWithTheRecordsExpires(t *testing.T) {
	backend := &fakeBackend{record: &kvrecord.Record{Value: []byte("v"), Seq: 7, Expires: 1_767_225_600_000}}
	client, addr := serve(t, backend)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	found, err := client.Retrieve(ctx, addr, "k")
	if err != nil || string(found.Value) != "v" || found.Seq != 7 || found.Expires != 1_767_225_600_000 {
		t.Fatalf("got %+v, %v", found, err)
	}
	backend.record = nil
	if _, err := client.Retrieve(ctx, addr, "k"); !errors.Is(err, ErrNotFound) {
		t.Fatalf("got %v, want ErrNotFound", err)
	}
}

func TestServerAnswersSignedRequests(t *testing.T) {
	const owner = "12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5"
	backend := &fakeBackend{record: &kvrecord.Record{Value: []byte("v"), Seq: 7, Expires: 1_767_225_600_000, Signature: make([]byte, 64)}}
	client, addr := serve(t, backend)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()

	resp, err := client.Request(ctx, addr, Request{Type: Retrieve, SignedKey: owner + "/name"})
	want := kvrecord.Encode(*backend.record)
	if err != nil || resp.Status != StatusOK || len(resp.Value) != 0 || string(resp.Record) != string(want) || resp.Seq != 7 || resp.Expires != 1_767_225_600_000 {
		t.Fatalf("signed RETRIEVE: got %+v, %v; want the record alone, with its seq and expires", resp, err)
	}
	resp, err = client.Request(ctx, addr, Request{Type: Store, SignedKey: owner + "/name", Record: want})
	if err != nil || resp.Status != StatusOK || resp.Seq != 7 {
		t.Fatalf("signed STORE: got %+v, %v", resp, err)
	}
	resp, _ = client.Request(ctx, addr, Request{Type: Store, SignedKey: owner + "/name", Record: []byte{0xff}})
	if resp.Status != StatusInvalidRecord {
		t.Fatalf("a record the backend refuses: got %+v, want INVALID_RECORD", resp)
	}
	for name, req := range map[string]Request{
		"key and signed_key":          {Type: Retrieve, Key: "k", SignedKey: owner + "/name"},
		"a signed STORE's value":      {Type: Store, SignedKey: owner + "/name", Value: []byte("v"), Record: want},
		"a signed STORE's ttl":        {Type: Store, SignedKey: owner + "/name", TTL: 5, Record: want},
		"no record":                   {Type: Store, SignedKey: owner + "/name"},
		"a record under a /kv key":    {Type: Store, Key: "k", Value: []byte("v"), Record: want},
		"an owner that is no peer id": {Type: Retrieve, SignedKey: "nobody/name"},
	} {
		resp, err := client.Request(ctx, addr, req)
		if err != nil || resp.Status != StatusInvalidRequest {
			t.Errorf("%s: got %+v, %v; want INVALID_REQUEST", name, resp, err)
		}
	}
}
