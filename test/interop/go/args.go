package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
)

// newFlagSet returns a flag set that reports errors instead of exiting.
func newFlagSet(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parseArgs parses flags placed anywhere among the arguments, as the
// TypeScript CLI allows ("put KEY VALUE --peer MA"), and returns the
// positional arguments in order.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, usageErrorf("%s", usageOf(fs))
			}
			return nil, usageErrorf("%v\n%s", err, usageOf(fs))
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// isSet reports whether the flag name was given on the command line.
func isSet(fs *flag.FlagSet, name string) bool {
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == name })
	return set
}

func usageOf(fs *flag.FlagSet) string {
	var b strings.Builder
	fs.SetOutput(&b)
	fs.PrintDefaults()
	fs.SetOutput(io.Discard)
	return fmt.Sprintf("usage of %s:\n%s", fs.Name(), b.String())
}

// multiaddrList is a repeatable multiaddr flag.
type multiaddrList []ma.Multiaddr

func (l *multiaddrList) String() string {
	return fmt.Sprint(*l)
}

func (l *multiaddrList) Set(value string) error {
	addr, err := ma.NewMultiaddr(value)
	if err != nil {
		return fmt.Errorf("not a valid multiaddr (%v)", err)
	}
	*l = append(*l, addr)
	return nil
}

// peerAddr is a flag holding one multiaddr ending in /p2p/<peer id>.
type peerAddr struct{ addr ma.Multiaddr }

func (p *peerAddr) String() string {
	if p.addr == nil {
		return ""
	}
	return p.addr.String()
}

func (p *peerAddr) Set(value string) error {
	addr, err := parsePeerAddr(value)
	p.addr = addr
	return err
}

// parsePeerAddr parses a multiaddr that names its peer.
func parsePeerAddr(value string) (ma.Multiaddr, error) {
	addr, err := ma.NewMultiaddr(value)
	if err != nil {
		return nil, fmt.Errorf("not a valid multiaddr (%v)", err)
	}
	if _, err := peer.AddrInfoFromP2pAddr(addr); err != nil {
		return nil, fmt.Errorf("the multiaddr must end in /p2p/<peer id> (%v)", err)
	}
	return addr, nil
}

// seconds is a duration flag given in seconds (fractions allowed).
type seconds struct{ d time.Duration }

func (s *seconds) String() string {
	return s.d.String()
}

func (s *seconds) Set(value string) error {
	v, err := strconv.ParseFloat(value, 64)
	if err != nil || !(v > 0) || v > 86400 {
		return errors.New("must be a number of seconds, more than 0 and at most 86400")
	}
	s.d = time.Duration(v * float64(time.Second))
	return nil
}

// ttlSeconds is put's --ttl: a positive whole number of seconds that fits the
// protocol's uint32 ttl field (as exper-dht's --ttl).
type ttlSeconds struct{ s uint32 }

func (t *ttlSeconds) String() string {
	return strconv.FormatUint(uint64(t.s), 10)
}

func (t *ttlSeconds) Set(value string) error {
	v, err := strconv.ParseUint(value, 10, 32)
	if err != nil || v == 0 {
		return fmt.Errorf("must be a whole number of seconds from 1 to %d", uint64(math.MaxUint32))
	}
	t.s = uint32(v)
	return nil
}
