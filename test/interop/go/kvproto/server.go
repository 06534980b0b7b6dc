package kvproto

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"exper-dht/interop/kvrecord"
	"github.com/libp2p/go-libp2p/core/network"
)

// ErrNotFound is what a Backend's Retrieve returns when no peer holds the key.
var ErrNotFound = errors.New("not found")

// QuorumError is what a Backend's Store returns when fewer than Quorum peers stored the record.
type QuorumError struct {
	Replicas, Quorum int
	Reason           string
}

func (e *QuorumError) Error() string {
	return fmt.Sprintf("%d of the %d replicas required stored the record: %s", e.Replicas, e.Quorum, e.Reason)
}

// RecordError is what a Backend's StoreSigned returns for a signed record it
// refuses: invalid (signature, format, lifetime) or older than the one held.
type RecordError struct{ Err error }

func (e *RecordError) Error() string { return e.Err.Error() }

func (e *RecordError) Unwrap() error { return e.Err }

// Stored is what a Backend's Store published.
type Stored struct {
	// Replicas counts the peers that stored the record, the serving one included.
	Replicas int
	// Seq is the seq the record was published with.
	Seq uint64
	// Expires is when the record published ends (Unix ms).
	Expires uint64
}

// Backend does the DHT work of requests.
type Backend interface {
	// Store publishes value under the user key key on at least quorum peers,
	// to live for ttl (0: the backend's default lifetime), and says what it
	// published, or returns a *QuorumError.
	Store(ctx context.Context, key string, value []byte, quorum int, ttl time.Duration) (Stored, error)
	// Retrieve returns the best live record of the user key key, or an error
	// wrapping ErrNotFound.
	Retrieve(ctx context.Context, key string) (kvrecord.Record, error)
	// StoreSigned publishes the signed record (encoded KvRecord) of the
	// signed key "<owner>/<name>" on at least quorum peers, or returns a
	// *RecordError for a record it refuses, or a *QuorumError.
	StoreSigned(ctx context.Context, signedKey string, record []byte, quorum int) (Stored, error)
	// RetrieveSigned returns the best live signed record (encoded) of
	// "<owner>/<name>", or an error wrapping ErrNotFound.
	RetrieveSigned(ctx context.Context, signedKey string) ([]byte, error)
}

// Server serves /exper-dht/kv/1.0.0 streams for a Backend; register
// HandleStream with the host.
type Server struct {
	backend Backend

	mu      sync.Mutex
	total   int
	perConn map[network.Conn]int
}

// NewServer returns a server for backend.
func NewServer(backend Backend) *Server {
	return &Server{backend: backend, perConn: make(map[network.Conn]int)}
}

// HandleStream serves one stream: reads one Request frame, answers one
// Response frame and closes the stream. A stream over the concurrency caps,
// a malformed or oversized frame, or a client too slow to send its frame
// within the deadline gets the stream reset.
func (s *Server) HandleStream(stream network.Stream) {
	deadline := time.Now().Add(RequestDeadline)
	if !s.acquire(stream.Conn()) {
		_ = stream.Reset()
		return
	}
	defer s.release(stream.Conn())

	_ = stream.SetDeadline(deadline)
	frame, err := ReadFrame(stream)
	if err != nil {
		_ = stream.Reset()
		return
	}
	ctx, cancel := context.WithDeadline(context.Background(), deadline.Add(-ResponseMargin))
	defer cancel()
	if err := WriteFrame(stream, s.respond(ctx, frame).Marshal()); err != nil {
		_ = stream.Reset()
		return
	}
	_ = stream.Close()
}

func (s *Server) respond(ctx context.Context, frame []byte) Response {
	req, err := UnmarshalRequest(frame)
	if err != nil {
		return failure(StatusInvalidRequest, "request is not a valid Request protobuf: %v", err)
	}
	if req.SignedKey != "" {
		return s.signed(ctx, req)
	}
	if err := kvrecord.ValidateUserKey(req.Key); err != nil {
		return failure(StatusInvalidRequest, "%v", err)
	}
	if len(req.Record) > 0 {
		return failure(StatusInvalidRequest, "a record (field 7) is stored under a signed_key (field 6), not a key")
	}
	switch req.Type {
	case Store:
		return s.store(ctx, req)
	case Retrieve:
		return s.retrieve(ctx, req.Key)
	default:
		return failure(StatusInvalidRequest, "unknown request type %d", req.Type)
	}
}

// signed serves a request for a signed record (docs/protocol.md, "Signed
// records"): a STORE of the record its owner signed, or a RETRIEVE answered
// with the whole record (and no separate value).
func (s *Server) signed(ctx context.Context, req Request) Response {
	if req.Key != "" {
		return failure(StatusInvalidRequest, "give a key (field 2) or a signed_key (field 6), not both")
	}
	if _, _, err := kvrecord.SignedKey(kvrecord.SignedKeyPrefix + req.SignedKey); err != nil {
		return failure(StatusInvalidRequest, "%v", err)
	}
	switch req.Type {
	case Retrieve:
		rec, err := s.backend.RetrieveSigned(ctx, req.SignedKey)
		switch {
		case errors.Is(err, ErrNotFound):
			return failure(StatusNotFound, "%q: %v", req.SignedKey, err)
		case err != nil:
			return backendFailure(ctx, err)
		}
		r, err := kvrecord.Decode(rec)
		if err != nil {
			return failure(StatusInternal, "the record found does not decode: %v", err)
		}
		return Response{Status: StatusOK, Seq: r.Seq, Expires: r.Expires, Record: rec}
	case Store:
	default:
		return failure(StatusInvalidRequest, "unknown request type %d", req.Type)
	}
	switch {
	case len(req.Value) > 0 || req.TTL != 0:
		return failure(StatusInvalidRequest, "a STORE of a signed record carries the record (field 7) alone: its value and expiry are inside, signed (no value, no ttl)")
	case len(req.Record) == 0:
		return failure(StatusInvalidRequest, "a STORE with a signed_key needs the signed record (field 7)")
	case req.Quorum > MaxQuorum:
		return failure(StatusInvalidRequest, "quorum %d is over the limit of %d", req.Quorum, MaxQuorum)
	}
	quorum := int(req.Quorum)
	if quorum == 0 {
		quorum = DefaultQuorum
	}
	stored, err := s.backend.StoreSigned(ctx, req.SignedKey, req.Record, quorum)
	return storeResponse(ctx, stored, err)
}

func (s *Server) store(ctx context.Context, req Request) Response {
	if len(req.Value) > kvrecord.MaxValueBytes {
		return failure(StatusTooLarge, "value has %d bytes; the limit is %d (64 KiB)", len(req.Value), kvrecord.MaxValueBytes)
	}
	if req.Quorum > MaxQuorum {
		return failure(StatusInvalidRequest, "quorum %d is over the limit of %d", req.Quorum, MaxQuorum)
	}
	quorum := int(req.Quorum)
	if quorum == 0 {
		quorum = DefaultQuorum
	}
	// ttl is seconds in a uint32 (at most ~136 years), within a Duration's range
	ttl := time.Duration(req.TTL) * time.Second
	stored, err := s.backend.Store(ctx, req.Key, req.Value, quorum, ttl)
	return storeResponse(ctx, stored, err)
}

// storeResponse answers a STORE with what the backend did.
func storeResponse(ctx context.Context, stored Stored, err error) Response {
	var quorumErr *QuorumError
	var recordErr *RecordError
	switch {
	case errors.As(err, &quorumErr):
		resp := failure(StatusQuorumFailed, "%v", err)
		resp.Replicas = uint32(quorumErr.Replicas)
		return resp
	case errors.As(err, &recordErr):
		return failure(StatusInvalidRecord, "%v", err)
	case err != nil:
		return backendFailure(ctx, err)
	}
	return Response{Status: StatusOK, Seq: stored.Seq, Replicas: uint32(stored.Replicas), Expires: stored.Expires}
}

func (s *Server) retrieve(ctx context.Context, key string) Response {
	r, err := s.backend.Retrieve(ctx, key)
	switch {
	case errors.Is(err, ErrNotFound):
		return failure(StatusNotFound, "%q: %v", key, err)
	case err != nil:
		return backendFailure(ctx, err)
	}
	return Response{Status: StatusOK, Value: r.Value, Seq: r.Seq, Expires: r.Expires}
}

func backendFailure(ctx context.Context, err error) Response {
	if ctx.Err() != nil {
		return failure(StatusTimeout, "the DHT operation did not finish within the request deadline: %v", err)
	}
	return failure(StatusInternal, "%v", err)
}

func failure(status Status, format string, args ...any) Response {
	return Response{Status: status, Error: fmt.Sprintf(format, args...)}
}

// acquire takes a slot for a stream of conn, or reports that a cap is reached.
func (s *Server) acquire(conn network.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.total >= MaxInboundStreams || s.perConn[conn] >= MaxInboundStreamsPerConnection {
		return false
	}
	s.total++
	s.perConn[conn]++
	return true
}

func (s *Server) release(conn network.Conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.total--
	if s.perConn[conn]--; s.perConn[conn] == 0 {
		delete(s.perConn, conn)
	}
}
