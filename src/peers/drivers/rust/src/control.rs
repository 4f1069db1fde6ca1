//! The control connection to gearspec: JSON lines, base64 payloads (docs/driver-protocol.md §2).
//! Blocking std I/O behind mutexes, because worker functions (on tokio's blocking pool) emit
//! events and read `release` commands at gates while the main thread sits in the work loop.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::sync::{Mutex, OnceLock};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde_json::{json, Map, Value};

struct Control {
    writer: Mutex<TcpStream>,
    reader: Mutex<BufReader<TcpStream>>,
}

static CONTROL: OnceLock<Control> = OnceLock::new();

pub fn connect(addr: &str) {
    let stream = match TcpStream::connect(addr) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("rustygear driver: cannot reach control {}: {}", addr, e);
            std::process::exit(2);
        }
    };
    let _ = stream.set_nodelay(true);
    let reader = BufReader::new(stream.try_clone().expect("clone control socket"));
    let _ = CONTROL.set(Control { writer: Mutex::new(stream), reader: Mutex::new(reader) });
}

fn control() -> &'static Control {
    CONTROL.get().expect("control connection")
}

/// One event per line; the harness going away ends the driver quietly (Rust ignores SIGPIPE,
/// so a closed socket shows up here as an error).
pub fn emit(event: Value) {
    let mut line = serde_json::to_vec(&event).expect("json");
    line.push(b'\n');
    let mut w = control().writer.lock().unwrap_or_else(|p| p.into_inner());
    if w.write_all(&line).and_then(|_| w.flush()).is_err() {
        std::process::exit(0);
    }
}

pub fn error(id: Option<&str>, message: &str) {
    match id {
        Some(id) => emit(json!({"event": "error", "id": id, "message": message})),
        None => emit(json!({"event": "error", "message": message})),
    }
}

/// The next command object; exits with 0 when the harness closes the connection.
pub fn read_command() -> Map<String, Value> {
    let mut r = control().reader.lock().unwrap_or_else(|p| p.into_inner());
    loop {
        let mut line = String::new();
        match r.read_line(&mut line) {
            Ok(0) | Err(_) => std::process::exit(0),
            Ok(_) => {}
        }
        let text = line.trim_end_matches(['\r', '\n']);
        if text.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(text) {
            Ok(Value::Object(m)) if m.get("op").map_or(false, |o| o.is_string()) => return m,
            _ => {
                let cut: String = text.chars().take(200).collect();
                error(None, &format!("bad command line: {}", cut));
            }
        }
    }
}

/// Reads commands until a `release` names this gate or `*`; `quit` exits.
pub fn wait_at_gate(gate: &str) {
    loop {
        let cmd = read_command();
        let op = cmd.get("op").and_then(|v| v.as_str()).unwrap_or("");
        let g = cmd.get("gate").and_then(|v| v.as_str()).unwrap_or("");
        if op == "release" && (g == gate || g == "*") {
            return;
        }
        if op == "quit" {
            std::process::exit(0);
        }
        error(None, &format!("at gate {}: unexpected op {}", gate, op));
    }
}

pub fn b64(raw: &[u8]) -> String {
    STANDARD.encode(raw)
}

pub fn unb64(text: &str) -> Result<Vec<u8>, String> {
    STANDARD.decode(text).map_err(|e| format!("bad base64 payload: {}", e))
}
