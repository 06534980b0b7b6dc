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
	if err := kvrecord.ValidateUserKey(req.Key); err != nil {
		return failure(StatusInvalidRequest, "%v", err)
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
	var quorumErr *QuorumError
	switch {
	case errors.As(err, &quorumErr):
		resp := failure(StatusQuorumFailed, "%v", err)
		resp.Replicas = uint32(quorumErr.Replicas)
		return resp
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
