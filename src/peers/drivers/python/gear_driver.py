"""gearspec driver for gear 0.16.0 (OpenStack's pure-Python Gearman library), client and worker.

Run with the interpreter of the environment install.sh builds:
    .peers/python/gear/bin/python src/peers/drivers/python/gear_driver.py
gear is threaded: a poll thread reads packets and calls the Client's handle* methods, which gear
documents as the place to react to job events (subclass, call the superclass). The worker side has
no function dispatch: the application calls Worker.getJob() and ends each job with
sendWorkComplete / sendWorkFail / sendWorkException itself.
"""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import control  # noqa: E402
from control import b64, text, unb64  # noqa: E402

import gear  # noqa: E402
from importlib import metadata  # noqa: E402

VERSION = metadata.version("gear")
ctl = control.Control()
ctl.hello("gear-py", "gear %s on Python %s" % (VERSION, sys.version.split()[0]), VERSION)

PRECEDENCE = {"high": gear.PRECEDENCE_HIGH, "low": gear.PRECEDENCE_LOW, "normal": gear.PRECEDENCE_NORMAL}


# ------------------------------------------------------------------ client
class RelayClient(gear.Client):
    """Reports every job event gear's poll thread handles, after gear has processed it."""

    def __init__(self):
        super().__init__(client_id="gearspec")
        self.ended = threading.Condition(ctl.lock)

    def _relay(self, job, **event):
        jid = getattr(job, "gs_id", None)
        if jid is None:
            return
        with ctl.lock:
            # JOB_CREATED is reported when submitJob returns on the main thread; events the poll
            # thread handles before that wait here so that `created` stays first.
            if job.gs_created:
                ctl.emit(id=jid, **event)
            else:
                job.gs_pending.append(event)

    def _end(self, job, **event):
        self._relay(job, **event)
        with ctl.lock:
            job.gs_ended = True
            self.ended.notify_all()

    def handleWorkComplete(self, packet):
        job = super().handleWorkComplete(packet)
        self._end(job, event="complete", payload=b64(packet.getArgument(1, True)))
        return job

    def handleWorkFail(self, packet):
        job = super().handleWorkFail(packet)
        self._end(job, event="fail")
        return job

    def handleWorkException(self, packet):
        job = super().handleWorkException(packet)
        self._end(job, event="exception", payload=b64(packet.getArgument(1, True)))
        return job

    def handleWorkData(self, packet):
        job = super().handleWorkData(packet)
        self._relay(job, event="data", payload=b64(packet.getArgument(1, True)))
        return job

    def handleWorkWarning(self, packet):
        job = super().handleWorkWarning(packet)
        self._relay(job, event="warning", payload=b64(packet.getArgument(1, True)))
        return job

    def handleWorkStatus(self, packet):
        job = super().handleWorkStatus(packet)
        self._relay(job, event="status", numerator=text(job.numerator), denominator=text(job.denominator))
        return job

    def handleDisconnect(self, job):
        # gear's notice that the server connection holding this job is gone: no result will come.
        job = super().handleDisconnect(job)
        if getattr(job, "gs_id", None) is not None and not job.gs_ended:
            self._end(job, event="error", message="gear: server connection lost (handleDisconnect) before the job ended")
        return job


clients = {}  # one gear.Client per exceptions setting: the option belongs to the connection


def client_for(exceptions):
    if exceptions not in clients:
        c = RelayClient()
        for host, port in ctl.servers:
            c.addServer(host, port)
        c.waitForServer()  # gear's documented start-up: block until one server is connected
        clients[exceptions] = c
        if exceptions is True and not c.setOption("exceptions"):
            ctl.emit(event="error", message="gear setOption('exceptions') returned False: not every server accepted it")
    return clients[exceptions]


def run_jobs(cid, jobs, exceptions):
    c = client_for(exceptions)
    waiting = []
    for j in jobs:
        unique = j.get("unique")
        job = gear.Job(j["function"], unb64(j.get("payload")), unique=unique)
        job.gs_id, job.gs_created, job.gs_ended, job.gs_pending = j["id"], False, False, []
        try:
            c.submitJob(job, background=bool(j.get("background")),
                        precedence=PRECEDENCE[j.get("priority") or "normal"])
        except Exception as e:
            ctl.emit(event="error", id=j["id"], message="submitJob: %s: %s" % (type(e).__name__, e))
            continue
        with ctl.lock:
            ctl.emit(event="created", id=j["id"], handle=text(job.handle))
            job.gs_created = True
            for event in job.gs_pending:
                ctl.emit(id=j["id"], **event)
            job.gs_pending = []
        if not j.get("background"):
            waiting.append(job)
    with ctl.lock:
        while not all(job.gs_ended for job in waiting):
            c.ended.wait()


def status(cid, handle):
    # gear.Client has handleStatusRes() but no call that sends GET_STATUS (gear/__init__.py 0.16.0).
    ctl.emit(event="error", id=cid, message="gear 0.16.0 Client has no job-status (GET_STATUS) call")


# ------------------------------------------------------------------ worker
# gear has no return value or raise that ends a job: native is its explicit send call, so native
# and call are the same packet; a raise never reaches gear (the application owns the loop).
FORMS = {"complete": {"native", "call"}, "fail": {"native", "call"}, "exception": {"native", "call"}}
WHY = {"throw": "gear has no worker-function dispatch (the application calls Worker.getJob() and ends "
                "jobs itself), so a raise never reaches the library"}

behaviours = {}
worker = None


def get_worker():
    global worker
    if worker is None:
        worker = gear.Worker(client_id="gearspec-worker")
        for host, port in ctl.servers:
            worker.addServer(host, port)
    return worker


def register(function, behaviour):
    get_worker().registerFunction(function)
    behaviours[function] = behaviour


def run_job(job):
    handle = text(job.handle)
    behaviour = behaviours.get(job.name)
    event = dict(event="job", handle=handle, function=job.name, payload=b64(job.arguments))
    if job.unique is not None:  # gear reports an empty unique as None
        event["unique"] = text(job.unique)
    ctl.emit(**event)
    if behaviour is None:
        ctl.emit(event="error", message="gear assigned a job for unregistered function %r" % job.name)
        return
    ctl.run_steps(handle, behaviour, job.sendWorkData, job.sendWorkWarning, job.sendWorkStatus)
    outcome = behaviour["outcome"]
    kind = outcome["kind"]
    ctl.end_process(outcome)
    ctl.emit(event="finished", handle=handle, outcome=kind)
    if kind == "complete":
        job.sendWorkComplete(unb64(outcome["payload"]) if outcome.get("payload") is not None else job.arguments)
    elif kind == "fail":
        job.sendWorkFail()
    elif kind == "exception":
        job.sendWorkException(unb64(outcome.get("payload")))


def work():
    w = get_worker()
    w.waitForServer()
    while True:  # gear's worker loop as its documentation shows it
        run_job(w.getJob())


ctl.run(lambda: ctl.client_loop(run_jobs, status),
        lambda: ctl.worker_loop(control.forms_check(FORMS, WHY), register, work))
