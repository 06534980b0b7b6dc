package kvproto

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// ErrNoRecord is what Client.Retrieve returns for a response that says OK
// but carries no record: no value, no seq and no expires. That is the
// zero-length frame (the encoding of a Response with every field at its
// default), or the answer to a STORE: no peer following docs/protocol.md
// answers a RETRIEVE with it, since every record it can return is live and so
// has an expires (and a put always gives a seq).
var ErrNoRecord = errors.New("the peer answered OK without a record (no value, seq or expires)")

// StatusError is a response whose status is neither OK nor, for a RETRIEVE,
// NOT_FOUND.
type StatusError struct {
	Status Status
	// Reason is the response's error field.
	Reason string
	// Replicas is the response's replica count (QUORUM_FAILED).
	Replicas uint32
}

func (e *StatusError) Error() string {
	if e.Reason == "" {
		return e.Status.String()
	}
	return fmt.Sprintf("%s: %s", e.Status, e.Reason)
}

// notFoundError is a NOT_FOUND answer: it says the peer's reason and is ErrNotFound.
type notFoundError struct{ reason string }

func (e notFoundError) Error() string {
	if e.reason == "" {
		return ErrNotFound.Error()
	}
	return e.reason
}

func (e notFoundError) Is(target error) bool { return target == ErrNotFound }

// Found is what a RETRIEVE returned.
type Found struct {
	Value   []byte
	Seq     uint64
	Expires uint64 // Unix ms; 0 from a peer that predates the field
}

// Retrieve asks the peer at addr for the record of key. It returns the
// record, or an error: one wrapping ErrNotFound for NOT_FOUND (with the
// peer's reason), ErrNoRecord for an OK without a record, a *StatusError for
// any other status, or the failure of the exchange itself.
func (c Client) Retrieve(ctx context.Context, addr ma.Multiaddr, key string) (Found, error) {
	resp, err := c.Request(ctx, addr, Request{Type: Retrieve, Key: key})
	if err != nil {
		return Found{}, err
	}
	return RetrieveResult(resp)
}

// RetrieveResult classifies the response to a RETRIEVE, as Client.Retrieve
// does.
func RetrieveResult(resp Response) (Found, error) {
	switch {
	case resp.Status == StatusNotFound:
		return Found{}, notFoundError{reason: resp.Error}
	case resp.Status != StatusOK:
		return Found{}, &StatusError{Status: resp.Status, Reason: resp.Error, Replicas: resp.Replicas}
	case len(resp.Value) == 0 && resp.Seq == 0 && resp.Expires == 0:
		return Found{}, ErrNoRecord
	}
	return Found{Value: resp.Value, Seq: resp.Seq, Expires: resp.Expires}, nil
}

// Client sends requests through a libp2p host (one that need not listen nor
// run a DHT), one stream per request.
type Client struct {
	Host host.Host
}

// Request dials the peer at addr (a multiaddr ending in /p2p/<peer id>),
// sends req and returns the peer's response. A reset stream, a malformed
// response or anything after it is an error.
func (c Client) Request(ctx context.Context, addr ma.Multiaddr, req Request) (Response, error) {
	info, err := peer.AddrInfoFromP2pAddr(addr)
	if err != nil {
		return Response{}, fmt.Errorf("%s: %w (the address must end in /p2p/<peer id>)", addr, err)
	}
	if err := c.Host.Connect(ctx, *info); err != nil {
		return Response{}, fmt.Errorf("cannot connect to %s: %w", addr, err)
	}
	stream, err := c.Host.NewStream(ctx, info.ID, ID)
	if err != nil {
		return Response{}, fmt.Errorf("cannot open a %s stream to %s: %w", ID, addr, err)
	}
	if deadline, ok := ctx.Deadline(); ok {
		_ = stream.SetDeadline(deadline)
	}
	resp, err := exchange(stream, req)
	if err != nil {
		_ = stream.Reset()
		if ctx.Err() != nil || isTimeout(err) {
			return Response{}, fmt.Errorf("no answer from %s in time: %w", addr, err)
		}
		return Response{}, fmt.Errorf("request to %s failed: %w", addr, err)
	}
	_ = stream.Close()
	return resp, nil
}

func exchange(stream io.ReadWriter, req Request) (Response, error) {
	if err := WriteFrame(stream, req.Marshal()); err != nil {
		return Response{}, err
	}
	if closer, ok := stream.(interface{ CloseWrite() error }); ok {
		if err := closer.CloseWrite(); err != nil {
			return Response{}, err
		}
	}
	frame, err := ReadFrame(stream)
	if err != nil {
		return Response{}, err
	}
	resp, err := UnmarshalResponse(frame)
	if err != nil {
		return Response{}, fmt.Errorf("malformed response: %w", err)
	}
	if n, err := stream.Read(make([]byte, 1)); n > 0 || !errors.Is(err, io.EOF) {
		return Response{}, fmt.Errorf("unexpected data after the response (%v)", err)
	}
	return resp, nil
}

func isTimeout(err error) bool {
	var timeout interface{ Timeout() bool }
	return errors.As(err, &timeout) && timeout.Timeout()
}
