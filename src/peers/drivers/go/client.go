package main

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"github.com/mikespook/gearman-go/client"
)

// libClient is one application-level gearman-go client: a *client.Client for one server, or a
// *client.Pool (the library's only multi-server client API) for several, added in order.
type libClient struct {
	single *client.Client
	pool   *client.Pool
}

// pending tracks the jobs of the command in progress that have not ended yet, so that an error the
// library reports through its ErrorHandler is given to those jobs (as an application selecting on
// "result or error" would see it) instead of leaving the driver waiting for results that the
// library will never deliver.
type pendingSet struct {
	mu      sync.Mutex
	owner   *libClient
	ids     []string
	changed chan struct{}
}

var pend = &pendingSet{changed: make(chan struct{}, 1)}

func (p *pendingSet) notify() {
	select {
	case p.changed <- struct{}{}:
	default:
	}
}

func (p *pendingSet) begin(owner *libClient) {
	p.mu.Lock()
	p.owner, p.ids = owner, nil
	p.mu.Unlock()
}

func (p *pendingSet) add(id string) {
	p.mu.Lock()
	p.ids = append(p.ids, id)
	p.mu.Unlock()
}

// remove reports whether id was still pending.
func (p *pendingSet) remove(id string) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	for i, x := range p.ids {
		if x == id {
			p.ids = append(p.ids[:i], p.ids[i+1:]...)
			p.notify()
			return true
		}
	}
	return false
}

func (p *pendingSet) wait() {
	for {
		p.mu.Lock()
		n := len(p.ids)
		p.mu.Unlock()
		if n == 0 {
			return
		}
		<-p.changed
	}
}

func (p *pendingSet) end() {
	p.mu.Lock()
	p.owner, p.ids = nil, nil
	p.mu.Unlock()
}

// libraryError is the ErrorHandler given to every library client object.
func (p *pendingSet) libraryError(owner *libClient, e error) {
	msg := fmt.Sprintf("gearman-go client ErrorHandler: %v", e)
	p.mu.Lock()
	var ids []string
	if p.owner == owner {
		ids, p.ids = p.ids, nil
	}
	p.mu.Unlock()
	if len(ids) == 0 {
		emitError("", msg)
		return
	}
	for _, id := range ids {
		emitError(id, msg)
	}
	p.notify()
}

var clients = map[string]*libClient{}

func newLibClient() (*libClient, error) {
	lc := &libClient{}
	handler := func(e error) { pend.libraryError(lc, e) }
	if len(servers) == 1 {
		c, err := client.New(client.Network, servers[0])
		if err != nil {
			return nil, err
		}
		c.ErrorHandler = handler
		lc.single = c
		return lc, nil
	}
	pool := client.NewPool()
	var errs []error
	for _, addr := range servers {
		if err := pool.Add(client.Network, addr, 1); err != nil {
			errs = append(errs, fmt.Errorf("Pool.Add %s: %w", addr, err))
			continue
		}
		pool.Clients[addr].ErrorHandler = handler
	}
	if len(pool.Clients) == 0 {
		return nil, errors.Join(errs...)
	}
	for _, e := range errs {
		emitError("", e.Error()) // a server the pool could not add; the application goes on without it
	}
	lc.pool = pool
	return lc, nil
}

// clientFor returns the client object for one "exceptions" setting (absent or false; true is declined).
func clientFor(exceptions *bool) (*libClient, error) {
	key := "default"
	if exceptions != nil {
		key = "off"
	}
	if lc, ok := clients[key]; ok {
		return lc, nil
	}
	lc, err := newLibClient()
	if err != nil {
		return nil, err
	}
	clients[key] = lc
	return lc, nil
}

func priorityFlag(p string) byte {
	switch p {
	case "high":
		return client.JobHigh
	case "low":
		return client.JobLow
	}
	return client.JobNormal
}

func (lc *libClient) submit(j *command, data []byte, h client.ResponseHandler) (string, error) {
	flag := priorityFlag(j.Priority)
	if lc.pool != nil {
		if j.Unique != nil {
			return "", errors.New("gearman-go client.Pool has no DoWithId/DoBgWithId: a unique id cannot be given")
		}
		var handle string
		var err error
		if j.Background {
			_, handle, err = lc.pool.DoBg(j.Function, data, flag)
		} else {
			_, handle, err = lc.pool.Do(j.Function, data, flag, h)
		}
		return handle, err
	}
	switch {
	case j.Background && j.Unique != nil:
		return lc.single.DoBgWithId(j.Function, data, flag, *j.Unique)
	case j.Background:
		return lc.single.DoBg(j.Function, data, flag)
	case j.Unique != nil:
		return lc.single.DoWithId(j.Function, data, flag, h, *j.Unique)
	default:
		return lc.single.Do(j.Function, data, flag, h)
	}
}

// relay turns the library's responses for one job into events; it holds them until `created`
// is out, because the library may call it before Do has returned the handle.
func relay(jid string, created <-chan struct{}) client.ResponseHandler {
	return func(resp *client.Response) {
		<-created
		switch resp.DataType {
		case client.WorkData:
			emit(map[string]any{"event": "data", "id": jid, "payload": b64(resp.Data)})
		case client.WorkWarning:
			emit(map[string]any{"event": "warning", "id": jid, "payload": b64(resp.Data)})
		case client.WorkStatus:
			st, err := resp.Status()
			if err != nil {
				emitError(jid, "Response.Status: "+err.Error())
				return
			}
			emit(map[string]any{"event": "status", "id": jid,
				"numerator": fmt.Sprint(st.Numerator), "denominator": fmt.Sprint(st.Denominator)})
		case client.WorkComplete:
			emit(map[string]any{"event": "complete", "id": jid, "payload": b64(resp.Data)})
			pend.remove(jid)
		case client.WorkFail:
			emit(map[string]any{"event": "fail", "id": jid})
			pend.remove(jid)
		case client.WorkException:
			emit(map[string]any{"event": "exception", "id": jid, "payload": b64(resp.Data)})
			pend.remove(jid)
		default:
			emitError(jid, fmt.Sprintf("gearman-go delivered response type %d to the job handler", resp.DataType))
		}
	}
}

func runJobs(jobs []command, exceptions *bool) {
	if exceptions != nil && *exceptions {
		// gearman-go's client has no OPTION_REQ call at all (client/client.go): decline, never fake it.
		for _, j := range jobs {
			emitError(j.id(), "gearman-go client cannot request the exceptions option (no OPTION_REQ in the library)")
		}
		return
	}
	lc, err := clientFor(exceptions)
	if err != nil {
		for _, j := range jobs {
			emitError(j.id(), "client.New: "+err.Error())
		}
		return
	}
	pend.begin(lc)
	defer pend.end()
	for i := range jobs {
		j := &jobs[i]
		jid := j.id()
		data, err := unb64(j.Payload)
		if err != nil {
			emitError(jid, "bad base64 payload: "+err.Error())
			continue
		}
		pend.add(jid)
		created := make(chan struct{})
		handle, err := lc.submit(j, data, relay(jid, created))
		if err != nil {
			close(created)
			pend.remove(jid)
			emitError(jid, err.Error())
			continue
		}
		emit(map[string]any{"event": "created", "id": jid, "handle": handle})
		close(created)
		if j.Background {
			pend.remove(jid)
		}
	}
	pend.wait()
}

func runStatus(cid, handle string) {
	lc, err := clientFor(nil)
	if err != nil {
		emitError(cid, "client.New: "+err.Error())
		return
	}
	pend.begin(lc)
	defer pend.end()
	pend.add(cid)
	type answer struct {
		st  *client.Status
		err error
	}
	ch := make(chan answer, 1)
	go func() {
		var a answer
		if lc.pool != nil {
			a.st, a.err = lc.pool.Status(servers[0], handle)
		} else {
			a.st, a.err = lc.single.Status(handle)
		}
		ch <- a
		pend.notify()
	}()
	for {
		select {
		case a := <-ch:
			if !pend.remove(cid) {
				return // the library already reported an error for it
			}
			switch {
			case a.err != nil:
				emitError(cid, "Status: "+a.err.Error())
			case a.st == nil:
				emitError(cid, "Status returned neither a status nor an error")
			default:
				emit(map[string]any{"event": "status-res", "id": cid, "known": a.st.Known, "running": a.st.Running,
					"numerator": fmt.Sprint(a.st.Numerator), "denominator": fmt.Sprint(a.st.Denominator)})
			}
			return
		case <-pend.changed:
			pend.mu.Lock()
			n := len(pend.ids)
			pend.mu.Unlock()
			if n == 0 {
				return // an error came through the ErrorHandler; Status itself may never return
			}
		}
	}
}

func clientLoop() {
	for c := range cmds {
		cid := c.id()
		switch c.Op {
		case "submit":
			runJobs([]command{*c}, c.Exceptions)
		case "submit-batch":
			runJobs(c.Jobs, c.Exceptions)
		case "status":
			runStatus(cid, c.Handle)
		case "quit":
			os.Exit(0)
		default:
			emitError(cid, "unknown op "+c.Op+" (client driver)")
		}
		if c.ID != nil {
			emitDone(cid)
		}
	}
}
