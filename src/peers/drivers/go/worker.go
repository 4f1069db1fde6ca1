package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sync"
	"syscall"
	"time"

	"github.com/mikespook/gearman-go/worker"
)

type step struct {
	Kind        string `json:"kind"`
	Payload     string `json:"payload"`
	Numerator   int    `json:"numerator"`
	Denominator int    `json:"denominator"`
	Ms          int    `json:"ms"`
	Gate        string `json:"gate"`
}

type outcome struct {
	Kind    string  `json:"kind"`
	Payload *string `json:"payload"`
	Form    string  `json:"form"`
	Code    *int    `json:"code"`
}

type behaviour struct {
	Steps   []step   `json:"steps"`
	Outcome *outcome `json:"outcome"`
}

// The forms gearman-go can express. A JobFunc ends a job only by what it returns (or panics):
// (data, nil) -> WORK_COMPLETE, (nil|empty, err) -> WORK_FAIL, (data, err) -> WORK_EXCEPTION
// (worker/worker.go lines 286-300). The Job interface has no send-complete/fail/exception call,
// so every `call` form is declined.
var forms = map[string]map[string]bool{
	"complete":  {"native": true},
	"fail":      {"native": true, "throw": true},
	"exception": {"native": true, "throw": true},
}

func cannotExpress(b *behaviour) string {
	if b.Outcome == nil || b.Outcome.Kind == "" {
		return "behaviour has no outcome"
	}
	o := b.Outcome
	switch o.Kind {
	case "die":
		return ""
	case "exit":
		if o.Code == nil {
			return "outcome exit needs an integer code"
		}
		return ""
	}
	f, ok := forms[o.Kind]
	if !ok {
		return "unknown outcome kind " + o.Kind
	}
	form := o.Form
	if form == "" {
		form = "native"
	}
	if !f[form] {
		return fmt.Sprintf("outcome form %q of %s is not expressible with gearman-go (its Job has no explicit send-complete/fail/exception call)", form, o.Kind)
	}
	for _, s := range b.Steps {
		switch s.Kind {
		case "data", "warning", "status", "sleep", "gate":
		default:
			return "unknown step kind " + s.Kind
		}
	}
	return ""
}

// Gates: with worker.Unlimited the library runs several jobs at once, so several may wait at
// gates; one dispatcher (after `work`) hands each release to the gate it names.
type gateWaiter struct {
	name    string
	release chan struct{}
}

var (
	gatesMu sync.Mutex
	waiting []*gateWaiter
)

func waitAtGate(handle, name string) {
	g := &gateWaiter{name: name, release: make(chan struct{})}
	gatesMu.Lock()
	waiting = append(waiting, g)
	gatesMu.Unlock()
	emit(map[string]any{"event": "gated", "handle": handle, "gate": name})
	<-g.release
}

func releaseGate(name string) bool {
	gatesMu.Lock()
	defer gatesMu.Unlock()
	for i, g := range waiting {
		if name == "*" || g.name == name {
			waiting = append(waiting[:i], waiting[i+1:]...)
			close(g.release)
			return true
		}
	}
	return false
}

// dispatch reads the control connection while the library's loop runs.
func dispatch() {
	for c := range cmds {
		switch c.Op {
		case "release":
			if !releaseGate(c.Gate) {
				emitError(c.id(), "release "+c.Gate+": no job waits at that gate")
			}
		case "quit":
			os.Exit(0)
		default:
			emitError(c.id(), "unexpected op "+c.Op+" while in the work loop")
		}
	}
}

// The errors a job function returns for its native fail and exception. The library hands a job's
// returned error to ErrorHandler too (worker/worker.go lines 150-151 and 296); that echo of the
// job's own result is not a library failure, so the handler does not report these two.
var (
	errNativeFail      = errors.New("gearspec: job failed")
	errNativeException = errors.New("gearspec: job exception")
)

func makeFunc(name string, b *behaviour) worker.JobFunc {
	return func(job worker.Job) ([]byte, error) {
		handle := job.Handle()
		// The library grabs with GRAB_JOB_UNIQ (worker/agent.go line 498), so it knows the unique.
		emit(map[string]any{"event": "job", "handle": handle, "function": name,
			"payload": b64(job.Data()), "unique": job.UniqueId()})
		for _, s := range b.Steps {
			switch s.Kind {
			case "data":
				d, _ := unb64(s.Payload)
				job.SendData(d)
			case "warning":
				d, _ := unb64(s.Payload)
				job.SendWarning(d)
			case "status":
				job.UpdateStatus(s.Numerator, s.Denominator)
			case "sleep":
				time.Sleep(time.Duration(s.Ms) * time.Millisecond)
			case "gate":
				waitAtGate(handle, s.Gate)
			}
		}
		o := b.Outcome
		switch o.Kind {
		case "die":
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		case "exit":
			os.Exit(*o.Code)
		}
		form := o.Form
		if form == "" {
			form = "native"
		}
		emit(map[string]any{"event": "finished", "handle": handle, "outcome": o.Kind})
		switch o.Kind {
		case "complete":
			if o.Payload == nil {
				return job.Data(), nil
			}
			d, _ := unb64(*o.Payload)
			return d, nil
		case "fail":
			if form == "throw" {
				panic(errors.New("gearspec: job failed (fail/throw)"))
			}
			return nil, errNativeFail
		default: // exception
			d, _ := unb64(*o.Payload)
			if form == "throw" {
				panic(errors.New(string(d)))
			}
			return d, errNativeException
		}
	}
}

func workerLoop() {
	w := worker.New(worker.Unlimited)
	var discMu sync.Mutex
	gone := map[string]bool{}
	w.ErrorHandler = func(e error) {
		if e == errNativeFail || e == errNativeException {
			return
		}
		emitError("", fmt.Sprintf("gearman-go worker ErrorHandler: %v", e))
		// The library reports a lost server connection as *WorkerDisconnectError and leaves
		// reconnecting to the application (worker/worker.go lines 337-350); this application
		// does not reconnect: once no server is left, it ends, as the loop can do nothing more.
		var de *worker.WorkerDisconnectError
		if errors.As(e, &de) {
			_, addr := de.Server()
			discMu.Lock()
			gone[addr] = true
			n := len(gone)
			discMu.Unlock()
			if n >= len(servers) {
				os.Exit(1)
			}
		}
	}
	for _, addr := range servers {
		if err := w.AddServer(worker.Network, addr); err != nil {
			emitError("", "AddServer "+addr+": "+err.Error())
		}
	}
	for c := range cmds {
		cid := c.id()
		switch c.Op {
		case "register":
			var b behaviour
			if err := json.Unmarshal(c.Behaviour, &b); err != nil {
				emitError(cid, "bad behaviour: "+err.Error())
			} else if why := cannotExpress(&b); why != "" {
				emitError(cid, why) // declined: carries the register's id
			} else if err := w.AddFunc(c.Function, makeFunc(c.Function, &b), worker.Unlimited); err != nil {
				emitError("", "AddFunc "+c.Function+": "+err.Error()) // the library's own failure
			}
			emitDone(cid)
		case "work":
			// Ready connects to every server and sends CAN_DO; an application ends when it fails.
			if err := w.Ready(); err != nil {
				emitError(cid, "Ready: "+err.Error())
				emitDone(cid)
				os.Exit(1)
			}
			emitDone(cid)
			go dispatch()
			w.Work() // returns only if the worker is closed
			emitError("", "work: the library's loop ended")
			os.Exit(1)
		case "quit":
			os.Exit(0)
		default:
			emitError(cid, "unknown op "+c.Op+" (worker, before work)")
			if c.ID != nil {
				emitDone(cid)
			}
		}
	}
}
