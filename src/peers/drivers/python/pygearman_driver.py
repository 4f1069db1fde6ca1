"""gearspec driver for pygearman 0.2.6, the Python 3 fork of python-gearman 2.0.x (import name
`gearman`), client and worker.

Run with the interpreter of the environment install.sh builds:
    .peers/python/pygearman/bin/python src/peers/drivers/python/pygearman_driver.py
python-gearman is single-threaded: GearmanClient keeps what the server said in GearmanJobRequest
objects (data_updates, warning_updates, status, result) and GearmanWorker calls
`function(worker, job)`, sending WORK_COMPLETE with its return value and WORK_FAIL when it raises.
Its command handlers are the documented extension point (command_handler_class); the relay
subclass below only reports each packet after the library has accepted it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import control  # noqa: E402
from control import b64, text, unb64  # noqa: E402

import gearman  # noqa: E402
from gearman.client_handler import GearmanClientCommandHandler  # noqa: E402
from gearman.constants import JOB_CREATED  # noqa: E402
from gearman.job import GearmanJob, GearmanJobRequest  # noqa: E402
from importlib import metadata  # noqa: E402

VERSION = metadata.version("pygearman")
ctl = control.Control()
ctl.hello("pygearman-py", "pygearman %s (python-gearman 2.0 lineage, import gearman %s) on Python %s"
          % (VERSION, gearman.__version__, sys.version.split()[0]), VERSION)

SERVERS = ["%s:%d" % hp for hp in ctl.servers]
PRIORITY = {"high": gearman.PRIORITY_HIGH, "low": gearman.PRIORITY_LOW, "normal": gearman.PRIORITY_NONE}


# ------------------------------------------------------------------ client
submitting = [None]  # the id whose JOB_CREATED the library is waiting for (one submit at a time)


class RelayHandler(GearmanClientCommandHandler):
    def _request(self, job_handle):
        return self.handle_to_request_map[job_handle]

    def recv_job_created(self, job_handle):
        ok = super().recv_job_created(job_handle)
        request = self._request(job_handle)
        request.gs_id = submitting[0]
        ctl.emit(event="created", id=request.gs_id, handle=text(job_handle))
        return ok

    def recv_work_data(self, job_handle, data):
        ok = super().recv_work_data(job_handle, data)
        ctl.emit(event="data", id=self._request(job_handle).gs_id, payload=b64(data))
        return ok

    def recv_work_warning(self, job_handle, data):
        ok = super().recv_work_warning(job_handle, data)
        ctl.emit(event="warning", id=self._request(job_handle).gs_id, payload=b64(data))
        return ok

    def recv_work_status(self, job_handle, numerator, denominator):
        ok = super().recv_work_status(job_handle, numerator, denominator)
        st = self._request(job_handle).status  # the library turns both numbers into ints
        ctl.emit(event="status", id=self._request(job_handle).gs_id,
                 numerator=str(st["numerator"]), denominator=str(st["denominator"]))
        return ok

    def recv_work_complete(self, job_handle, data):
        ok = super().recv_work_complete(job_handle, data)
        request = self._request(job_handle)
        ctl.emit(event="complete", id=request.gs_id, payload=b64(request.result))
        return ok

    def recv_work_fail(self, job_handle):
        ok = super().recv_work_fail(job_handle)
        ctl.emit(event="fail", id=self._request(job_handle).gs_id)
        return ok

    def recv_work_exception(self, job_handle, data):
        # The library stores the exception and keeps the job open (it ends only with WORK_FAIL).
        ok = super().recv_work_exception(job_handle, data)
        request = self._request(job_handle)
        ctl.emit(event="exception", id=request.gs_id, payload=b64(request.exception))
        return ok


class RelayClient(gearman.GearmanClient):
    command_handler_class = RelayHandler


clients = {}
requests = {}  # handle -> (client, GearmanJobRequest), for `status`


def client_for(exceptions):
    key = exceptions is True
    if key not in clients:
        clients[key] = RelayClient(SERVERS)
    return clients[key]


def run_jobs(cid, jobs, exceptions):
    if exceptions is True:
        # python-gearman never sends OPTION_REQ and has no option API.
        ctl.emit(event="error", id=cid, message="pygearman has no way to request the 'exceptions' option (no OPTION_REQ)")
        return
    c = client_for(exceptions)
    waiting = []
    for j in jobs:
        info = {"task": j["function"], "data": unb64(j.get("payload")), "unique": j.get("unique"),
                "priority": PRIORITY[j.get("priority") or "normal"]}
        submitting[0] = j["id"]
        try:
            # One job per call, in order: background is a per-call flag in this API. The library
            # blocks until JOB_CREATED; completion is awaited below for all jobs together.
            [request] = c.submit_multiple_jobs([info], background=bool(j.get("background")),
                                               wait_until_complete=False)
        except Exception as e:
            ctl.emit(event="error", id=j["id"], message="submit_job: %s: %s" % (type(e).__name__, e))
            continue
        finally:
            submitting[0] = None
        if request.job.handle is None:
            ctl.emit(event="error", id=j["id"], message="submit_job: no job handle (state %s, timed_out %s)"
                     % (request.state, request.timed_out))
            continue
        requests[text(request.job.handle)] = (c, request)
        if not j.get("background"):
            waiting.append(request)
    if waiting:
        c.wait_until_jobs_completed(waiting)
        for request in waiting:
            if not request.complete:  # the library gave up on it (connection lost: state UNKNOWN)
                ctl.emit(event="error", id=request.gs_id, message="wait_until_jobs_completed: job not complete (state %s, timed_out %s)"
                         % (request.state, request.timed_out))


def status(cid, handle):
    if handle in requests:
        c, request = requests[handle]
    else:
        # A handle this process did not submit (an application that stored it): python-gearman
        # asks about GearmanJobRequest objects only, so build one on the first server, in the
        # state a request with a server handle has (get_job_statuses waits only for those).
        c = client_for(None)
        connection = c.establish_connection(c.connection_list[0])
        request = GearmanJobRequest(GearmanJob(connection, handle.encode("utf-8"), None, None, None))
        request.state = JOB_CREATED
    c.get_job_status(request)
    if request.timed_out:
        ctl.emit(event="error", id=cid, message="get_job_status: no STATUS_RES (state %s)" % request.state)
        return
    st = request.status
    ctl.emit(event="status-res", id=cid, known=bool(st.get("known")), running=bool(st.get("running")),
             numerator=str(st.get("numerator", "")), denominator=str(st.get("denominator", "")))


# ------------------------------------------------------------------ worker
class JobException(Exception):
    """Raised by a function to end its job with an exception payload (native form)."""

    def __init__(self, payload):
        super().__init__(payload)
        self.payload = payload


class Worker(gearman.GearmanWorker):
    # on_job_exception is GearmanWorker's hook for a raising function (default: WORK_FAIL only);
    # an application that wants WORK_EXCEPTION overrides it and calls send_job_exception.
    def on_job_exception(self, current_job, exc_info):
        if isinstance(exc_info[1], JobException):
            self.send_job_exception(current_job, exc_info[1].payload)
            return False
        return super().on_job_exception(current_job, exc_info)


# Every return becomes WORK_COMPLETE (worker.py on_job_execute/on_job_complete), so an explicit
# send_job_* cannot end a job by itself: `call` is declined. A failure is a raise (no failure
# return value exists), so fail native and throw are the same.
FORMS = {"complete": {"native"}, "fail": {"native", "throw"}, "exception": {"native", "throw"}}
WHY = {"call": "python-gearman sends WORK_COMPLETE with the return value of every function that "
               "returns (GearmanWorker.on_job_complete), so an explicit send_job_complete/failure/"
               "exception cannot end the job without a second result packet",
       "throw": "not supported"}

worker = Worker(SERVERS)


def make_function(name, behaviour):
    def function(gearman_worker, job):
        handle = text(job.handle)
        event = dict(event="job", handle=handle, function=name, payload=b64(job.data))
        if job.unique is not None:  # JOB_ASSIGN_UNIQ gives it; JOB_ASSIGN leaves None
            event["unique"] = text(job.unique)
        ctl.emit(**event)
        ctl.run_steps(handle, behaviour,
                      lambda d: gearman_worker.send_job_data(job, d),
                      lambda d: gearman_worker.send_job_warning(job, d),
                      lambda n, d: gearman_worker.send_job_status(job, n, d))
        outcome = behaviour["outcome"]
        kind = outcome["kind"]
        form = outcome.get("form") or "native"
        ctl.end_process(outcome)
        ctl.emit(event="finished", handle=handle, outcome=kind)
        if kind == "complete":
            return unb64(outcome["payload"]) if outcome.get("payload") is not None else job.data
        if kind == "fail":
            raise RuntimeError("gearspec: job failed")
        if kind == "exception":
            payload = unb64(outcome.get("payload"))
            if form == "throw":
                raise RuntimeError(payload.decode("latin-1"))
            raise JobException(payload)
    return function


def register(function, behaviour):
    # Registered as bytes: the Python 3 forks compare the JOB_ASSIGN task (bytes) with the
    # registered names (worker_handler.py:161, worker.py:228), so a str name never matches and the
    # first job kills the work loop with an AssertionError.
    worker.register_task(function.encode("utf-8"), make_function(function, behaviour))


ctl.run(lambda: ctl.client_loop(run_jobs, status),
        lambda: ctl.worker_loop(control.forms_check(FORMS, WHY), register, worker.work))
