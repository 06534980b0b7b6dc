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
