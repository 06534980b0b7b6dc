package main

import (
	"encoding/json"
	"fmt"
	"os"
	"sync"
)

// output writes a command's results to stdout: human lines, or with --json
// one JSON object per line. Safe for concurrent use.
type output struct {
	json bool
	mu   sync.Mutex
}

// print writes v as a JSON line in JSON mode, human otherwise.
func (o *output) print(v any, human string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.json {
		fmt.Println(human)
		return
	}
	line, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("encoding %T: %v", v, err))
	}
	_, _ = os.Stdout.Write(append(line, '\n'))
}

// jsonSeq is a seq for JSON, as exper-dht prints it: a number while a double
// holds it exactly, a decimal string beyond 2^53-1.
func jsonSeq(seq uint64) any {
	if seq <= 1<<53-1 {
		return seq
	}
	return fmt.Sprintf("%d", seq)
}
