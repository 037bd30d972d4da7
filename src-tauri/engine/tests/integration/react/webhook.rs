//! The `webhook` notifier against a real local HTTP server: what it sends, and that a dead or
//! silent endpoint is an error within the deadline.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use grove_engine::react::Notifier;
use grove_engine::react::notifiers::WebhookNotifier;

use super::support::needs_you;

/// What the server saw of one request.
#[derive(Debug)]
struct Request {
    method: String,
    path: String,
    content_type: Option<String>,
    body: Vec<u8>,
}

/// A one-request HTTP server on a free local port answering `status`: its base URL, and what it
/// received (sent once the request was read).
fn serve_once(status: &'static str) -> (String, mpsc::Receiver<Request>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a local port");
    let url = format!("http://{}", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let (stream, _) = listener.accept().expect("accept the webhook's connection");
        stream.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let mut reader = BufReader::new(stream);
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        let mut words = line.split_whitespace();
        let (method, path) = (words.next().unwrap_or_default().to_owned(), words.next().unwrap_or_default().to_owned());
        let (mut content_type, mut length) = (None, 0usize);
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).unwrap();
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            let (name, value) = header.split_once(':').unwrap();
            match name.to_ascii_lowercase().as_str() {
                "content-type" => content_type = Some(value.trim().to_owned()),
                "content-length" => length = value.trim().parse().unwrap(),
                _ => {}
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).unwrap();
        let answer = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
        reader.get_mut().write_all(answer.as_bytes()).unwrap();
        let _ = tx.send(Request { method, path, content_type, body });
    });
    (url, rx)
}

#[tokio::test]
async fn posts_the_notification_as_json() {
    let (url, received) = serve_once("200 OK");
    let notifier = WebhookNotifier::new("hook", format!("{url}/hooks/grove")).expect("an http URL");
    let notification = needs_you();
    notifier.notify(&notification).await.expect("the server answered 200");
    let request = received.recv_timeout(Duration::from_secs(10)).expect("the server saw the request");
    assert_eq!((request.method.as_str(), request.path.as_str()), ("POST", "/hooks/grove"));
    assert_eq!(request.content_type.as_deref(), Some("application/json"));
    let body: serde_json::Value = serde_json::from_slice(&request.body).expect("a JSON body");
    assert_eq!(body, serde_json::to_value(&notification).unwrap());
}

#[tokio::test]
async fn an_error_status_is_a_failure() {
    let (url, received) = serve_once("500 Internal Server Error");
    let err = WebhookNotifier::new("hook", url).unwrap().notify(&needs_you()).await.unwrap_err().to_string();
    assert!(err.starts_with("hook: ") && err.contains("500"), "{err}");
    received.recv_timeout(Duration::from_secs(10)).expect("the request was made");
}

#[tokio::test]
async fn an_unreachable_or_silent_endpoint_fails_within_the_deadline() {
    // A port nothing listens on: bound, then released.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap();
    let timeout = Duration::from_millis(500);
    let started = Instant::now();
    let refused = WebhookNotifier::new("hook", format!("http://{closed}/")).unwrap().with_timeout(timeout);
    refused.notify(&needs_you()).await.expect_err("nothing listens there");
    assert!(started.elapsed() < timeout + Duration::from_secs(3), "took {:?}", started.elapsed());

    // A server that accepts and never answers: the deadline ends it.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    let started = Instant::now();
    let err = WebhookNotifier::new("hook", url).unwrap().with_timeout(timeout).notify(&needs_you()).await;
    let took = started.elapsed();
    assert!(err.is_err(), "a silent endpoint is a failure");
    assert!(took >= timeout && took < timeout + Duration::from_secs(3), "failed after {took:?}");
    drop(silent);
}

#[test]
fn only_http_and_https_urls_are_accepted() {
    for url in ["http://example.test/h", "https://example.test/h"] {
        assert_eq!(WebhookNotifier::new("hook", url).expect(url).url(), url);
    }
    for url in ["ftp://example.test/h", "example.test/h", "file:///etc/passwd"] {
        let err = WebhookNotifier::new("hook", url).expect_err(url).to_string();
        assert!(err.contains("http://"), "{err}");
    }
}
