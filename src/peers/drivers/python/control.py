"""Library-independent plumbing shared by the Python gearspec drivers.

Implements the driver protocol version 2 (docs/driver-protocol.md): environment, the JSON-lines
control connection, hello, base64, the client and worker command loops, the behaviour step runner
(data / warning / status / sleep / gate) and the die / exit outcomes. Each driver supplies only its
library's calls through the small hooks below; nothing here touches the Gearman wire.
"""
import base64
import json
import os
import signal
import socket
import sys
import threading
import time


def _env(name):
    value = os.environ.get(name)
    if not value:
        sys.stderr.write("gearspec python driver: %s is not set\n" % name)
        sys.exit(2)
    return value


def host_port(text):
    host, _, port = text.strip().rpartition(":")
    return host, int(port)


def b64(raw):
    return base64.b64encode(bytes(raw or b"")).decode("ascii")


def unb64(text):
    return base64.b64decode(text or "", validate=True)


def text(value):
    """Handles, units and status numbers arrive as bytes from both libraries."""
    if value is None:
        return ""
    if isinstance(value, (bytes, bytearray)):
        return bytes(value).decode("utf-8", "replace")
    return str(value)


class Control:
    def __init__(self):
        self.role = _env("GEARSPEC_ROLE")
        # Several servers are comma-separated and go to the library in that order.
        self.servers = [host_port(s) for s in _env("GEARSPEC_SERVER").split(",") if s.strip()]
        self.sock = socket.create_connection(host_port(_env("GEARSPEC_CONTROL")))
        self.reader = self.sock.makefile("rb")
        # gear delivers client events on its own poll thread: one writer at a time.
        self.lock = threading.RLock()

    # ------------------------------------------------------------ transport
    def emit(self, **event):
        line = (json.dumps(event, separators=(",", ":")) + "\n").encode("utf-8")
        with self.lock:
            try:
                self.sock.sendall(line)
            except OSError:
                os._exit(0)  # the harness went away: end quietly

    def read_command(self):
        while True:
            line = self.reader.readline()
            if not line:
                sys.exit(0)  # control connection closed: that is a stop
            line = line.strip()
            if not line:
                continue
            try:
                cmd = json.loads(line.decode("utf-8"))
                if isinstance(cmd, dict) and isinstance(cmd.get("op"), str):
                    return cmd
            except ValueError:
                pass
            self.emit(event="error", message="bad command line: " + line[:200].decode("utf-8", "replace"))

    def hello(self, implementation, library, version):
        self.emit(event="hello", implementation=implementation, library=library, version=version,
                  role=self.role, pid=os.getpid(), protocol=2)

    # ------------------------------------------------------------ client
    def client_loop(self, run_jobs, status):
        """run_jobs(cmd_id, jobs, exceptions) and status(cmd_id, handle) emit the job events;
        a library exception escaping them becomes an error with the command's id."""
        while True:
            cmd = self.read_command()
            op = cmd["op"]
            cid = cmd.get("id")
            try:
                if op == "submit":
                    run_jobs(cid, [cmd], cmd.get("exceptions"))
                elif op == "submit-batch":
                    run_jobs(cid, list(cmd.get("jobs") or []), cmd.get("exceptions"))
                elif op == "status":
                    status(cid, cmd.get("handle", ""))
                elif op == "quit":
                    sys.exit(0)
                else:
                    self.emit(event="error", id=cid, message="unknown op %s (client)" % op)
            except Exception as e:  # the library's words, never retried
                self.emit(event="error", id=cid, message="%s: %s" % (type(e).__name__, e))
            if cid is not None:
                self.emit(event="done", id=cid)

    # ------------------------------------------------------------ worker
    def worker_loop(self, cannot_express, register, work):
        """cannot_express(outcome) -> reason or None; register(fn, behaviour); work() runs the
        library's loop and only returns or raises when that loop fails."""
        while True:
            cmd = self.read_command()
            op = cmd["op"]
            cid = cmd.get("id")
            if op == "register":
                behaviour = cmd.get("behaviour") or {}
                why = cannot_express(behaviour.get("outcome") or {})
                if why:
                    self.emit(event="error", id=cid, message=why)  # declined: carries the id
                else:
                    try:
                        register(cmd["function"], behaviour)
                    except Exception as e:  # the library's own failure: no id
                        self.emit(event="error", message="register %s: %s: %s" % (cmd.get("function"), type(e).__name__, e))
                self.emit(event="done", id=cid)
            elif op == "work":
                self.emit(event="done", id=cid)
                try:
                    work()
                except Exception as e:
                    self.emit(event="error", message="work: %s: %s" % (type(e).__name__, e))
                    sys.stderr.write("work loop failed: %r\n" % (e,))
                    sys.exit(1)
                self.emit(event="error", message="work: the library's loop returned")
                sys.exit(1)
            elif op == "quit":
                sys.exit(0)
            else:
                self.emit(event="error", id=cid, message="unknown op %s (worker, before work)" % op)
                if cid is not None:
                    self.emit(event="done", id=cid)

    def wait_at_gate(self, gate):
        while True:
            cmd = self.read_command()
            if cmd["op"] == "release" and cmd.get("gate") in (gate, "*"):
                return
            if cmd["op"] == "quit":
                sys.exit(0)
            self.emit(event="error", message="at gate %s: unexpected op %s" % (gate, cmd["op"]))

    def run_steps(self, handle, behaviour, send_data, send_warning, send_status):
        for step in behaviour.get("steps") or []:
            kind = step.get("kind")
            if kind == "data":
                send_data(unb64(step.get("payload")))
            elif kind == "warning":
                send_warning(unb64(step.get("payload")))
            elif kind == "status":
                send_status(int(step["numerator"]), int(step["denominator"]))
            elif kind == "sleep":
                time.sleep(int(step.get("ms", 0)) / 1000.0)
            elif kind == "gate":
                self.emit(event="gated", handle=handle, gate=step["gate"])
                self.wait_at_gate(step["gate"])

    def end_process(self, outcome):
        """die and exit: the process goes while it holds the job, no result is sent."""
        kind = outcome.get("kind")
        if kind == "die":
            os.kill(os.getpid(), signal.SIGKILL)
        if kind == "exit":
            sys.exit(int(outcome.get("code", 0)))  # ordinary exit: atexit/finally run

    def run(self, client_loop, worker_loop):
        if self.role == "client":
            client_loop()
        elif self.role == "worker":
            worker_loop()
        else:
            self.emit(event="error", message="unknown role %s" % self.role)
            sys.exit(2)


def forms_check(forms, why):
    """Builds cannot_express() from {kind: set of forms} and {form: reason it is declined};
    die and exit are always expressible."""
    def cannot_express(outcome):
        kind = outcome.get("kind")
        if kind == "die":
            return None
        if kind == "exit":
            return None if isinstance(outcome.get("code"), int) else "outcome exit needs an integer code"
        if kind not in forms:
            return "unknown outcome kind %s" % kind
        form = outcome.get("form") or "native"
        if form in forms[kind]:
            return None
        return "form %s of %s: %s" % (form, kind, why.get(form, "not supported"))
    return cannot_express
