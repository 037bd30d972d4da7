//! A scripted model server on 127.0.0.1 that the real agent CLIs talk to instead of a provider:
//! Anthropic Messages (Claude Code), OpenAI Responses (Codex) and Chat Completions (Aider). What it
//! answers is decided by `script`; every exchange is logged with the moment its response was
//! complete, so a test can time "the agent had its answer" -> "Grove says it needs you".
//!
//! Plain threads, one per connection: the clients open a handful of connections per turn.

mod anthropic;
mod http;
mod openai;
pub mod script;

use std::io::BufReader;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use serde_json::{Value, json};

use script::{Ask, Reply};

/// One request and its answer.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub ask: Ask,
    pub reply: Option<Reply>,
    /// The request's body as sent: the whole conversation the agent replayed to the model.
    pub body: String,
    /// When the last byte of the response was written and the connection closed.
    pub finished: Instant,
}

impl Exchange {
    /// The prompt of the turn this exchange belongs to ("" for side requests).
    pub fn prompt(&self) -> &str {
        match &self.ask {
            Ask::Turn { prompt, .. } => prompt,
            _ => "",
        }
    }
}

#[derive(Default)]
struct Shared {
    exchanges: Mutex<Vec<Exchange>>,
    next_id: AtomicU64,
    stopping: AtomicBool,
}

/// The running server; it stops when dropped.
pub struct ModelServer {
    port: u16,
    shared: Arc<Shared>,
}

impl ModelServer {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the model server on 127.0.0.1");
        let port = listener.local_addr().expect("model server address").port();
        let shared = Arc::new(Shared::default());
        let accepting = shared.clone();
        std::thread::Builder::new()
            .name("model-server".into())
            .spawn(move || {
                for stream in listener.incoming() {
                    if accepting.stopping.load(Ordering::SeqCst) {
                        break;
                    }
                    let Ok(stream) = stream else { continue };
                    let shared = accepting.clone();
                    let _ = std::thread::Builder::new().name("model-conn".into()).spawn(move || serve(stream, &shared));
                }
            })
            .expect("start the model server thread");
        Self { port, shared }
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Every exchange so far, oldest first.
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.shared.exchanges.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The last exchange of a turn whose prompt contains `marker` and whose reply matches `want`.
    pub fn last_turn(&self, marker: &str, want: impl Fn(&Reply) -> bool) -> Option<Exchange> {
        self.exchanges().into_iter().rev().find(|e| e.prompt().contains(marker) && e.reply.as_ref().is_some_and(&want))
    }
}

impl Drop for ModelServer {
    fn drop(&mut self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        // Wake the accept loop so it sees the flag.
        let _ = TcpStream::connect(("127.0.0.1", self.port));
    }
}

/// Serves one connection: one request, one response, close.
fn serve(stream: TcpStream, shared: &Shared) {
    let Ok(read_half) = stream.try_clone() else { return };
    let mut reader = BufReader::new(read_half);
    let Ok(Some(request)) = http::read_request(&mut reader) else { return };
    let mut stream = stream;
    let id = shared.next_id.fetch_add(1, Ordering::SeqCst) + 1;
    let body: Value = serde_json::from_slice(&request.body).unwrap_or(Value::Null);
    let api = request.path.rsplit('/').next().unwrap_or_default().to_owned();
    let ask = match (request.method.as_str(), api.as_str()) {
        ("POST", "messages") => Some(anthropic::ask(&body)),
        ("POST", "responses") => Some(openai::responses_ask(&body)),
        ("POST", "completions") => Some(openai::chat_ask(&body)),
        _ => None,
    };
    let Some(ask) = ask else {
        // Probes (model lists and the like): an empty list satisfies every client here.
        let found = request.method == "GET";
        let listing = json!({"object": "list", "data": [], "models": []});
        let _ = http::write_json(&mut stream, if found { 200 } else { 404 }, &listing);
        return;
    };
    let (reply, delay) = script::decide(&ask);
    std::thread::sleep(delay);
    let sent = match api.as_str() {
        "messages" => anthropic::respond(&mut stream, &body, &reply, id),
        "responses" => openai::respond_responses(&mut stream, &reply, id),
        _ => openai::respond_chat(&mut stream, &body, &reply, id),
    };
    let _ = stream.shutdown(std::net::Shutdown::Both);
    if sent.is_ok() {
        let body = String::from_utf8_lossy(&request.body).into_owned();
        record(shared, Exchange { ask, reply: Some(reply), body, finished: Instant::now() });
    }
}

fn record(shared: &Shared, exchange: Exchange) {
    shared.exchanges.lock().unwrap_or_else(|p| p.into_inner()).push(exchange);
}
