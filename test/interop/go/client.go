package main

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"unicode/utf8"

	"exper-dht/interop/kvproto"
	"exper-dht/interop/kvrecord"
	"exper-dht/interop/node"
)

// The JSON results of put and get, field order as exper-dht prints them.
type (
	putResult struct {
		Key      string `json:"key"`
		Replicas uint32 `json:"replicas"`
		Seq      any    `json:"seq"`
		// Expires is when the record published ends, Unix ms (0 from a peer
		// that predates the field).
		Expires uint64 `json:"expires"`
	}
	getResult struct {
		Key      string  `json:"key"`
		Value    *string `json:"value,omitempty"`
		Encoding string  `json:"encoding,omitempty"`
		Out      string  `json:"out,omitempty"`
		Bytes    *int    `json:"bytes,omitempty"`
		Seq      any     `json:"seq"`
		// Expires is when the record returned ends, Unix ms (0 from a peer
		// that predates the field).
		Expires uint64 `json:"expires"`
	}
)

// runPut stores a value through a peer's kv protocol and prints the replica count.
func runPut(args []string) error {
	var peerFlag peerAddr
	var timeout seconds
	var ttl ttlSeconds
	fs := newFlagSet("put")
	fs.Var(&peerFlag, "peer", "the peer to ask, ending in /p2p/<peer id> (required)")
	quorum := fs.Int("quorum", 0, fmt.Sprintf("peers that must store it, the asked one included (1-%d; default: the peer's)", kvproto.MaxQuorum))
	fs.Var(&ttl, "ttl", "seconds the record lives, a whole number from 1 (default: the peer's default lifetime; a Go peer caps it at 48 h)")
	fs.Var(&timeout, "timeout", "give up after this many seconds (default 35)")
	jsonOut := fs.Bool("json", false, `print {"key","replicas","seq","expires"}`)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 2 {
		return usageErrorf("put takes KEY VALUE, got %d arguments", len(positional))
	}
	key, value := positional[0], []byte(positional[1])
	switch {
	case peerFlag.addr == nil:
		return usageErrorf("--peer is required")
	case *quorum < 0 || *quorum > kvproto.MaxQuorum:
		return usageErrorf("--quorum must be from 1 to %d", kvproto.MaxQuorum)
	case len(value) > kvrecord.MaxValueBytes:
		return usageErrorf("value has %d bytes; the limit is %d (64 KiB)", len(value), kvrecord.MaxValueBytes)
	}
	if err := kvrecord.ValidateUserKey(key); err != nil {
		return usageErrorf("%v", err)
	}

	req := kvproto.Request{Type: kvproto.Store, Key: key, Value: value, Quorum: uint32(*quorum), TTL: ttl.s}
	var resp kvproto.Response
	err = withClient(timeout, func(ctx context.Context, client kvproto.Client) error {
		var requestErr error
		resp, requestErr = client.Request(ctx, peerFlag.addr, req)
		return requestErr
	})
	if err != nil {
		return err
	}
	if resp.Status != kvproto.StatusOK {
		return &kvproto.StatusError{Status: resp.Status, Reason: resp.Error, Replicas: resp.Replicas}
	}
	out := &output{json: *jsonOut}
	return out.print(putResult{Key: key, Replicas: resp.Replicas, Seq: jsonSeq(resp.Seq), Expires: resp.Expires},
		fmt.Sprintf("stored %q on %d peer%s (seq %d)", key, resp.Replicas, plural(resp.Replicas), resp.Seq))
}

// runGet retrieves a value through a peer's kv protocol: raw bytes on stdout
// (or in --out FILE). It ends in one of three ways: the value printed (exit
// 0); exit 3 when the peer answers NOT_FOUND; exit 1, with the reason on
// stderr, for any other failure, including an OK answer that carries no
// record (kvproto.ErrNoRecord) and a value that could not be written out.
func runGet(args []string) error {
	var peerFlag peerAddr
	var timeout seconds
	fs := newFlagSet("get")
	fs.Var(&peerFlag, "peer", "the peer to ask, ending in /p2p/<peer id> (required)")
	fs.Var(&timeout, "timeout", "give up after this many seconds (default 35)")
	outFile := fs.String("out", "", "write the value to FILE instead of stdout")
	jsonOut := fs.Bool("json", false, `print {"key","value","seq","expires"} (value as UTF-8 text, or base64 with "encoding":"base64"; expires in Unix ms)`)
	positional, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(positional) != 1 {
		return usageErrorf("get takes KEY, got %d arguments", len(positional))
	}
	key := positional[0]
	if peerFlag.addr == nil {
		return usageErrorf("--peer is required")
	}
	if err := kvrecord.ValidateUserKey(key); err != nil {
		return usageErrorf("%v", err)
	}

	var found kvproto.Found
	err = withClient(timeout, func(ctx context.Context, client kvproto.Client) error {
		var retrieveErr error
		found, retrieveErr = client.Retrieve(ctx, peerFlag.addr, key)
		return retrieveErr
	})
	if err != nil {
		if errors.Is(err, kvproto.ErrNotFound) {
			return notFoundErrorf("%v", err)
		}
		return fmt.Errorf("get %q: %w", key, err)
	}
	return printFound(key, found, *outFile, *jsonOut)
}

// printFound writes what get found: the raw value on stdout, or into outFile,
// and with asJSON the JSON line. Every write error is returned.
func printFound(key string, found kvproto.Found, outFile string, asJSON bool) error {
	result := getResult{Key: key, Seq: jsonSeq(found.Seq), Expires: found.Expires}
	if outFile != "" {
		if err := os.WriteFile(outFile, found.Value, 0o644); err != nil {
			return err
		}
		size := len(found.Value)
		result.Out, result.Bytes = outFile, &size
	} else if text := string(found.Value); utf8.ValidString(text) {
		result.Value = &text
	} else {
		encoded := base64.StdEncoding.EncodeToString(found.Value)
		result.Value, result.Encoding = &encoded, "base64"
	}
	switch {
	case asJSON:
		return (&output{json: true}).print(result, "")
	case outFile == "" && len(found.Value) > 0:
		return writeAll(stdout, found.Value)
	}
	// an empty value (a record with a seq or an expires, whose value is
	// empty) prints as nothing, as exper-dht's get prints it
	return nil
}

// withClient runs do with a client whose host only dials, within the
// request timeout (the --timeout flag, or kvproto.DefaultClientTimeout).
func withClient(timeout seconds, do func(context.Context, kvproto.Client) error) error {
	h, err := node.NewHost(nil)
	if err != nil {
		return err
	}
	defer h.Close()
	limit := timeout.d
	if limit == 0 {
		limit = kvproto.DefaultClientTimeout
	}
	ctx, cancel := context.WithTimeout(context.Background(), limit)
	defer cancel()
	return do(ctx, kvproto.Client{Host: h})
}

func plural(n uint32) string {
	if n == 1 {
		return ""
	}
	return "s"
}
