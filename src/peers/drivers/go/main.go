// gearspec driver for github.com/mikespook/gearman-go (packages client and worker).
// Speaks the JSON-lines control protocol of docs/driver-protocol.md on GEARSPEC_CONTROL and
// talks Gearman to GEARSPEC_SERVER in the role GEARSPEC_ROLE (client | worker).
package main

import (
	"bufio"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
)

const libPath = "github.com/mikespook/gearman-go"

// command is the union of every command's fields; unknown fields are ignored by encoding/json.
type command struct {
	Op         string          `json:"op"`
	ID         *string         `json:"id"`
	Function   string          `json:"function"`
	Payload    string          `json:"payload"`
	Unique     *string         `json:"unique"`
	Priority   string          `json:"priority"`
	Background bool            `json:"background"`
	Exceptions *bool           `json:"exceptions"`
	Jobs       []command       `json:"jobs"`
	Handle     string          `json:"handle"`
	Behaviour  json.RawMessage `json:"behaviour"`
	Gate       string          `json:"gate"`
}

func (c *command) id() string {
	if c.ID == nil {
		return ""
	}
	return *c.ID
}

var (
	ctl     net.Conn
	emitMu  sync.Mutex
	servers []string
	cmds    = make(chan *command)
)

func env(name string) string {
	v := os.Getenv(name)
	if v == "" {
		fmt.Fprintf(os.Stderr, "gearspec go driver: %s is not set\n", name)
		os.Exit(2)
	}
	return v
}

// emit writes one event line; a closed control connection ends the driver quietly.
func emit(ev map[string]any) {
	line, err := json.Marshal(ev)
	if err != nil {
		fmt.Fprintf(os.Stderr, "gearspec go driver: cannot encode event: %v\n", err)
		os.Exit(1)
	}
	emitMu.Lock()
	defer emitMu.Unlock()
	if _, err := ctl.Write(append(line, '\n')); err != nil {
		os.Exit(0)
	}
}

func emitError(id string, msg string) {
	// The library's errors can embed whole packets (fmt %v of a byte slice): keep them readable.
	if len(msg) > 2000 {
		msg = msg[:2000] + "…"
	}
	ev := map[string]any{"event": "error", "message": msg}
	if id != "" {
		ev["id"] = id
	}
	emit(ev)
}

func emitDone(id string) { emit(map[string]any{"event": "done", "id": id}) }

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func unb64(s string) ([]byte, error) { return base64.StdEncoding.DecodeString(s) }

// readCommands feeds cmds from the control connection; end-of-file ends the process (status 0).
func readCommands() {
	r := bufio.NewReader(ctl)
	for {
		line, err := r.ReadBytes('\n')
		text := strings.TrimSpace(string(line))
		if text != "" {
			var c command
			if json.Unmarshal([]byte(text), &c) != nil || c.Op == "" {
				if len(text) > 200 {
					text = text[:200]
				}
				emitError("", "bad command line: "+text)
			} else {
				cmds <- &c
			}
		}
		if err != nil {
			if err != io.EOF {
				fmt.Fprintf(os.Stderr, "gearspec go driver: control read: %v\n", err)
			}
			os.Exit(0)
		}
	}
}

func libVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, d := range info.Deps {
			if d.Path == libPath {
				return d.Version
			}
		}
	}
	return "unknown"
}

func main() {
	role := env("GEARSPEC_ROLE")
	servers = strings.Split(env("GEARSPEC_SERVER"), ",")
	control := env("GEARSPEC_CONTROL")
	if role != "client" && role != "worker" {
		fmt.Fprintf(os.Stderr, "gearspec go driver: unknown role %q\n", role)
		os.Exit(2)
	}
	var err error
	if ctl, err = net.Dial("tcp", control); err != nil {
		fmt.Fprintf(os.Stderr, "gearspec go driver: cannot reach control %s: %v\n", control, err)
		os.Exit(2)
	}
	version := libVersion()
	emit(map[string]any{
		"event":          "hello",
		"implementation": "gearman-go",
		"library":        fmt.Sprintf("%s %s on %s", libPath, version, runtime.Version()),
		"version":        version,
		"role":           role,
		"pid":            os.Getpid(),
		"protocol":       2,
	})
	go readCommands()
	if role == "client" {
		clientLoop()
	} else {
		workerLoop()
	}
}
