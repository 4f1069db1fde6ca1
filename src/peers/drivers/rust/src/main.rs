//! gearspec driver for rustygear 0.15.0 (crates.io), a tokio-based Gearman client/worker library.
//!
//! Speaks the JSON-lines control protocol (docs/driver-protocol.md, version 2) on GEARSPEC_CONTROL
//! and lets rustygear talk Gearman to GEARSPEC_SERVER in the role GEARSPEC_ROLE.
//!
//! The driver is a plain synchronous program that owns a multi-threaded tokio runtime and
//! `block_on`s each library call, the way a non-async application uses an async library.
//! The control connection is ordinary blocking std I/O, shared with the worker functions
//! (they run on tokio's blocking pool and read it at gates).

mod control;

use std::collections::HashMap;
use std::io;
use std::pin::Pin;

use bytes::{BufMut, Bytes, BytesMut};
use futures::stream::{self, Stream, StreamExt};
use rustygear::client::{Client, ClientJob, WorkUpdate, WorkerJob};
use rustygear::conn::ServerHandle;
use rustygear::constants::{WORK_DATA, WORK_EXCEPTION, WORK_WARNING};
use rustygear::util::new_req;
use serde_json::{json, Map, Value};
use tokio::runtime::Runtime;

use control::{b64, emit, error, read_command, unb64};

const LIB_VERSION: &str = "0.15.0";

fn env(name: &str) -> String {
    match std::env::var(name) {
        Ok(v) if !v.is_empty() => v,
        _ => {
            eprintln!("rustygear driver: {} is not set", name);
            std::process::exit(2);
        }
    }
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn main() {
    let role = env("GEARSPEC_ROLE");
    // Several servers are given to the library in order, as an application would.
    let servers: Vec<String> = env("GEARSPEC_SERVER").split(',').map(|s| s.trim().to_string()).collect();
    let control_addr = env("GEARSPEC_CONTROL");
    // As in rustygear's examples; warn level shows the packets the library drops or refuses.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("rustygear=warn")).init();
    control::connect(&control_addr);
    emit(json!({
        "event": "hello",
        "implementation": "rustygear",
        "library": format!("rustygear {} (crates.io) on tokio, Rust", LIB_VERSION),
        "version": LIB_VERSION,
        "role": role,
        "pid": std::process::id(),
        "protocol": 2,
    }));
    // #[tokio::main] equivalent: the library's examples run on the multi-threaded runtime.
    let rt = Runtime::new().expect("tokio runtime");
    match role.as_str() {
        "client" => ClientSide { rt, servers, clients: HashMap::new(), handle_server: HashMap::new() }.run(),
        "worker" => WorkerSide { rt, servers, worker: None, lost: None }.run(),
        other => {
            error(None, &format!("unknown role {}", other));
            std::process::exit(2);
        }
    }
}

fn id_of(cmd: &Map<String, Value>) -> Option<String> {
    cmd.get("id").and_then(|v| v.as_str()).map(str::to_string)
}

fn done(id: &Option<String>) {
    if let Some(id) = id {
        emit(json!({"event": "done", "id": id}));
    }
}

// ------------------------------------------------------------------ client

struct ClientSide {
    rt: Runtime,
    servers: Vec<String>,
    /// One library client (and so one set of connections) per `exceptions` setting.
    clients: HashMap<Option<bool>, Client>,
    /// handle -> the server that created it, to build the ServerHandle get_status needs.
    handle_server: HashMap<String, String>,
}

type Updates = Pin<Box<dyn Stream<Item = (String, Result<WorkUpdate, String>)> + Send>>;

impl ClientSide {
    fn run(mut self) {
        loop {
            let cmd = read_command();
            let op = cmd.get("op").and_then(|v| v.as_str()).unwrap_or("").to_string();
            let id = id_of(&cmd);
            let exceptions = cmd.get("exceptions").and_then(|v| v.as_bool());
            match op.as_str() {
                "submit" => self.run_jobs(vec![Value::Object(cmd.clone())], exceptions),
                "submit-batch" => {
                    let jobs = cmd.get("jobs").and_then(|v| v.as_array()).cloned().unwrap_or_default();
                    self.run_jobs(jobs, exceptions)
                }
                "status" => self.status(&id, cmd.get("handle").and_then(|v| v.as_str()).unwrap_or("")),
                "quit" => std::process::exit(0),
                _ => error(id.as_deref(), &format!("unknown op {} (client driver)", op)),
            }
            done(&id);
        }
    }

    /// The connected library client for an `exceptions` setting, connecting on first use.
    fn client_for(&mut self, exceptions: Option<bool>) -> Result<&mut Client, String> {
        if !self.clients.contains_key(&exceptions) {
            let mut c = Client::new();
            for s in &self.servers {
                c = c.add_server(s);
            }
            // connect() returns once every server is connected (client.rs 627-650).
            let c = self.rt.block_on(c.connect()).map_err(|e| format!("connect: {}", e))?;
            self.clients.insert(exceptions, c);
        }
        Ok(self.clients.get_mut(&exceptions).expect("inserted above"))
    }

    fn run_jobs(&mut self, jobs: Vec<Value>, exceptions: Option<bool>) {
        let mut waiting: Vec<Updates> = Vec::new();
        for j in jobs {
            let jid = j.get("id").and_then(|v| v.as_str()).unwrap_or("").to_string();
            match self.submit_one(&j, exceptions) {
                Err(msg) => error(Some(&jid), &msg),
                Ok(None) => {}
                Ok(Some(job)) => waiting.push(follow(jid, job)),
            }
        }
        if waiting.is_empty() {
            return;
        }
        // The jobs run concurrently; events go out in the order the library delivers them.
        let mut all = stream::select_all(waiting);
        self.rt.block_on(async {
            while let Some((jid, update)) = all.next().await {
                match update {
                    Err(msg) => error(Some(&jid), &msg),
                    Ok(u) => relay(&jid, u),
                }
            }
        });
    }

    /// Submits one job; Some(job) when it is a foreground job to follow.
    fn submit_one(&mut self, j: &Value, exceptions: Option<bool>) -> Result<Option<ClientJob>, String> {
        let jid = j.get("id").and_then(|v| v.as_str()).unwrap_or("").to_string();
        if exceptions == Some(true) {
            // client.rs has no OPTION_REQ call and handle_option_res (conn.rs 175-182) ignores answers.
            return Err("rustygear 0.15.0 cannot request the exceptions option: Client has no OPTION_REQ API".into());
        }
        let priority = j.get("priority").and_then(|v| v.as_str()).unwrap_or("normal");
        if priority != "normal" {
            // Only submit/submit_unique/submit_background(_unique) are public (client.rs 608-649).
            return Err(format!("rustygear 0.15.0 has no {} priority submit: Client offers only SUBMIT_JOB and SUBMIT_JOB_BG", priority));
        }
        let function = j.get("function").and_then(|v| v.as_str()).unwrap_or("").to_string();
        let payload = unb64(j.get("payload").and_then(|v| v.as_str()).unwrap_or(""))?;
        let unique = j.get("unique").and_then(|v| v.as_str()).map(|s| s.as_bytes().to_vec());
        let background = j.get("background").and_then(|v| v.as_bool()).unwrap_or(false);
        let rt = self.rt.handle().clone();
        let client = self.client_for(exceptions)?;
        let job = rt
            .block_on(async {
                match (background, &unique) {
                    (false, None) => client.submit(&function, &payload).await,
                    (false, Some(u)) => client.submit_unique(&function, u, &payload).await,
                    (true, None) => client.submit_background(&function, &payload).await,
                    (true, Some(u)) => client.submit_background_unique(&function, u, &payload).await,
                }
            })
            .map_err(|e| format!("submit: {}", e))?;
        let handle = lossy(job.handle().handle());
        self.handle_server.insert(handle.clone(), job.handle().server().clone());
        emit(json!({"event": "created", "id": jid, "handle": handle}));
        Ok(if background { None } else { Some(job) })
    }

    fn status(&mut self, id: &Option<String>, handle: &str) {
        let server = self.handle_server.get(handle).cloned().unwrap_or_else(|| self.servers[0].clone());
        let sh = ServerHandle::new(server, Bytes::copy_from_slice(handle.as_bytes()));
        let rt = self.rt.handle().clone();
        let res = match self.client_for(None) {
            Err(e) => Err(e),
            Ok(client) => rt.block_on(client.get_status(&sh)).map_err(|e| format!("get_status: {}", e)),
        };
        match res {
            Err(msg) => error(id.as_deref(), &msg),
            Ok(st) => emit(json!({
                "event": "status-res", "id": id, "known": st.known, "running": st.running,
                "numerator": st.numerator.to_string(), "denominator": st.denominator.to_string(),
            })),
        }
    }
}

/// The updates of one foreground job, up to and including its final one.
fn follow(jid: String, job: ClientJob) -> Updates {
    Box::pin(stream::unfold(Some(job), move |state| {
        let jid = jid.clone();
        async move {
            let mut job = state?;
            match job.response().await {
                Err(e) => Some(((jid, Err(format!("response: {}", e))), None)),
                Ok(u) => {
                    let last = matches!(u, WorkUpdate::Complete { .. } | WorkUpdate::Fail(_) | WorkUpdate::Exception { .. });
                    Some(((jid, Ok(u)), if last { None } else { Some(job) }))
                }
            }
        }
    }))
}

fn relay(jid: &str, u: WorkUpdate) {
    let e = match u {
        WorkUpdate::Data { payload, .. } => json!({"event": "data", "id": jid, "payload": b64(&payload)}),
        WorkUpdate::Warning { payload, .. } => json!({"event": "warning", "id": jid, "payload": b64(&payload)}),
        WorkUpdate::Status { numerator, denominator, .. } => json!({
            "event": "status", "id": jid, "numerator": numerator.to_string(), "denominator": denominator.to_string()}),
        WorkUpdate::Complete { payload, .. } => json!({"event": "complete", "id": jid, "payload": b64(&payload)}),
        WorkUpdate::Exception { payload, .. } => json!({"event": "exception", "id": jid, "payload": b64(&payload)}),
        WorkUpdate::Fail(_) => json!({"event": "fail", "id": jid}),
    };
    emit(e);
}

// ------------------------------------------------------------------ worker

struct WorkerSide {
    rt: Runtime,
    servers: Vec<String>,
    worker: Option<Client>,
    /// Set when can_do failed: it consumes the Client and returns only the error.
    lost: Option<String>,
}

impl WorkerSide {
    fn run(mut self) {
        loop {
            let cmd = read_command();
            let op = cmd.get("op").and_then(|v| v.as_str()).unwrap_or("").to_string();
            let id = id_of(&cmd);
            match op.as_str() {
                "register" => {
                    let function = cmd.get("function").and_then(|v| v.as_str()).unwrap_or("").to_string();
                    let behaviour = cmd.get("behaviour").cloned().unwrap_or(Value::Null);
                    match cannot_express(&behaviour) {
                        Some(why) => error(id.as_deref(), &why), // declined: the register's id
                        None => {
                            if let Err(msg) = self.register(&function, behaviour) {
                                error(None, &msg); // the library's own failure
                            }
                        }
                    }
                    done(&id);
                }
                "work" => {
                    let worker = match self.take_worker() {
                        Err(msg) => {
                            error(id.as_deref(), &msg);
                            done(&id);
                            continue;
                        }
                        Ok(w) => w,
                    };
                    done(&id);
                    // work() loops until do_one_job fails (client.rs 881-885).
                    let res = self.rt.block_on(worker.work());
                    match res {
                        Err(e) => error(None, &format!("work: {}", e)),
                        Ok(()) => error(None, "work: the library's loop ended"),
                    }
                    std::process::exit(1);
                }
                "quit" => std::process::exit(0),
                _ => {
                    error(id.as_deref(), &format!("unknown op {} (worker driver, before work)", op));
                    done(&id);
                }
            }
        }
    }

    fn take_worker(&mut self) -> Result<Client, String> {
        if let Some(why) = &self.lost {
            return Err(why.clone());
        }
        if let Some(w) = self.worker.take() {
            return Ok(w);
        }
        let mut c = Client::new();
        for s in &self.servers {
            c = c.add_server(s);
        }
        self.rt.block_on(c.connect()).map_err(|e| format!("connect: {}", e))
    }

    fn register(&mut self, function: &str, behaviour: Value) -> Result<(), String> {
        let worker = self.take_worker()?;
        let name = function.to_string();
        match self.rt.block_on(worker.can_do(function, move |job: &mut WorkerJob| run_job(job, &name, &behaviour))) {
            Ok(w) => {
                self.worker = Some(w);
                Ok(())
            }
            Err(e) => {
                let msg = format!("can_do {}: {}", function, e);
                self.lost = Some(format!("worker client lost: {}", msg));
                Err(msg)
            }
        }
    }
}

/// What this library can express per outcome kind and form (docs/driver-protocol.md §5).
/// `call` exists (WorkerJob::work_complete / work_fail, send_packet for WORK_EXCEPTION), but
/// rustygear still sends its own result after the function returns (client.rs 799-810).
fn cannot_express(behaviour: &Value) -> Option<String> {
    let outcome = behaviour.get("outcome")?;
    let kind = outcome.get("kind").and_then(|v| v.as_str()).unwrap_or("");
    if kind == "die" {
        return None;
    }
    if kind == "exit" {
        return if outcome.get("code").and_then(|v| v.as_i64()).is_some() { None } else { Some("outcome exit needs an integer code".into()) };
    }
    if !matches!(kind, "complete" | "fail" | "exception") {
        return Some(format!("unknown outcome kind {}", kind));
    }
    let form = outcome.get("form").and_then(|v| v.as_str()).unwrap_or("native");
    match (kind, form) {
        (_, "native") | (_, "call") | ("fail", "throw") | ("exception", "throw") => None,
        _ => Some(format!("outcome form '{}' of {} is not supported by the rustygear driver", form, kind)),
    }
}

/// A packet rustygear has no method for, built for WorkerJob::send_packet, the library's
/// documented hook "for a packet that isn't implemented by this library" (client.rs 233-246).
fn handle_packet(ptype: u32, handle: &[u8], payload: &[u8]) -> rustygear::codec::Packet {
    let mut data = BytesMut::with_capacity(handle.len() + 1 + payload.len());
    data.extend_from_slice(handle);
    data.put_u8(0);
    data.extend_from_slice(payload);
    new_req(ptype, data.freeze())
}

/// The worker function: the closure rustygear calls on its blocking pool for every job.
/// Ok(bytes) -> WORK_COMPLETE, Err -> WORK_FAIL (client.rs 794-810).
fn run_job(job: &mut WorkerJob, name: &str, behaviour: &Value) -> Result<Vec<u8>, io::Error> {
    // As in the WorkerJob::work_status docs: the function drives the job's async calls itself.
    let rt = tokio::runtime::Builder::new_current_thread().build().expect("tokio builder");
    let handle = lossy(job.handle());
    // rustygear grabs with GRAB_JOB_UNIQ, so the unique is known to the worker.
    emit(json!({"event": "job", "handle": handle, "function": name,
                "payload": b64(job.payload()), "unique": lossy(job.unique())}));
    let steps = behaviour.get("steps").and_then(|v| v.as_array()).cloned().unwrap_or_default();
    for step in steps {
        let kind = step.get("kind").and_then(|v| v.as_str()).unwrap_or("");
        let payload = || unb64(step.get("payload").and_then(|v| v.as_str()).unwrap_or("")).unwrap_or_default();
        let sent = match kind {
            "data" => rt.block_on(job.send_packet(handle_packet(WORK_DATA, job.handle(), &payload()))),
            "warning" => rt.block_on(job.send_packet(handle_packet(WORK_WARNING, job.handle(), &payload()))),
            "status" => {
                let n = step.get("numerator").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
                let d = step.get("denominator").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
                rt.block_on(job.work_status(n, d))
            }
            "sleep" => {
                std::thread::sleep(std::time::Duration::from_millis(step.get("ms").and_then(|v| v.as_u64()).unwrap_or(0)));
                Ok(())
            }
            "gate" => {
                let gate = step.get("gate").and_then(|v| v.as_str()).unwrap_or("").to_string();
                emit(json!({"event": "gated", "handle": handle, "gate": gate}));
                control::wait_at_gate(&gate);
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = sent {
            // An application would propagate with `?`; the library then sends WORK_FAIL.
            error(None, &format!("{} step: {}", kind, e));
            return Err(e);
        }
    }
    let outcome = behaviour.get("outcome").cloned().unwrap_or(Value::Null);
    let kind = outcome.get("kind").and_then(|v| v.as_str()).unwrap_or("");
    let form = outcome.get("form").and_then(|v| v.as_str()).unwrap_or("native");
    match kind {
        "die" => {
            // A crash: no result packet, no orderly close.
            unsafe { libc::kill(libc::getpid(), libc::SIGKILL) };
            std::process::exit(137);
        }
        "exit" => std::process::exit(outcome.get("code").and_then(|v| v.as_i64()).unwrap_or(0) as i32),
        _ => {}
    }
    let out_payload = || unb64(outcome.get("payload").and_then(|v| v.as_str()).unwrap_or("")).unwrap_or_default();
    emit(json!({"event": "finished", "handle": handle, "outcome": kind}));
    match (kind, form) {
        ("complete", f) => {
            let result = if outcome.get("payload").map_or(false, |p| !p.is_null()) { out_payload() } else { job.payload().to_vec() };
            if f == "call" {
                rt.block_on(job.work_complete(result.clone()))?;
            }
            Ok(result)
        }
        ("fail", "throw") => panic!("gearspec: job failed (fail/throw)"),
        ("fail", f) => {
            if f == "call" {
                rt.block_on(job.work_fail())?;
            }
            Err(io::Error::new(io::ErrorKind::Other, "gearspec: job failed"))
        }
        ("exception", "throw") => panic!("{}", lossy(&out_payload())),
        ("exception", f) => {
            let payload = out_payload();
            if f == "call" {
                rt.block_on(job.send_packet(handle_packet(WORK_EXCEPTION, job.handle(), &payload)))?;
            }
            // Native: Rust's error value carrying the exception text; rustygear has no
            // exception path of its own and turns any Err into WORK_FAIL.
            Err(io::Error::new(io::ErrorKind::Other, lossy(&payload)))
        }
        _ => Err(io::Error::new(io::ErrorKind::Other, format!("unknown outcome {}", kind))),
    }
}
