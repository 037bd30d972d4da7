//! Just enough HTTP/1.1 for the agents' model clients: one request per connection, read whole
//! (Content-Length or chunked body), one response, then the connection is closed. Closing after
//! every response is deliberate: Claude Code hangs after running a tool when a streamed response
//! leaves its connection open, and no client here needs keep-alive.

use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::TcpStream;

/// Bodies above this are refused: the agents' requests are at most a few hundred kilobytes.
const MAX_BODY: usize = 32 * 1024 * 1024;

/// One request as read from a client.
pub struct Request {
    pub method: String,
    /// The path without its query string.
    pub path: String,
    pub body: Vec<u8>,
}

/// Reads one request; `None` when the client closed the connection before sending one.
pub fn read_request(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Request>> {
    let mut line = String::new();
    if reader.read_line(&mut line)? == 0 {
        return Ok(None);
    }
    let mut words = line.split_whitespace();
    let method = words.next().unwrap_or_default().to_owned();
    let target = words.next().unwrap_or_default();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let (mut length, mut chunked) = (0usize, false);
    loop {
        let mut header = String::new();
        if reader.read_line(&mut header)? == 0 || header.trim().is_empty() {
            break;
        }
        let Some((name, value)) = header.split_once(':') else { continue };
        let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
        match name.as_str() {
            "content-length" => length = value.parse().map_err(|_| invalid("bad content-length"))?,
            "transfer-encoding" => chunked = value.eq_ignore_ascii_case("chunked"),
            _ => {}
        }
    }
    let body = if chunked { read_chunked(reader)? } else { read_exact(reader, length)? };
    Ok(Some(Request { method, path, body }))
}

fn read_exact(reader: &mut impl Read, length: usize) -> io::Result<Vec<u8>> {
    if length > MAX_BODY {
        return Err(invalid("body too large"));
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body)?;
    Ok(body)
}

fn read_chunked(reader: &mut BufReader<TcpStream>) -> io::Result<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let mut size_line = String::new();
        reader.read_line(&mut size_line)?;
        let size_text = size_line.trim().split(';').next().unwrap_or_default();
        let size = usize::from_str_radix(size_text, 16).map_err(|_| invalid("bad chunk size"))?;
        if size == 0 {
            // Trailers, then the empty line.
            loop {
                let mut trailer = String::new();
                if reader.read_line(&mut trailer)? == 0 || trailer.trim().is_empty() {
                    return Ok(body);
                }
            }
        }
        body.extend(read_exact(reader, size)?);
        if body.len() > MAX_BODY {
            return Err(invalid("body too large"));
        }
        let mut crlf = [0; 2];
        reader.read_exact(&mut crlf)?;
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

/// Writes a complete JSON response.
pub fn write_json(stream: &mut TcpStream, status: u16, body: &serde_json::Value) -> io::Result<()> {
    let text = body.to_string();
    let reason = if status == 200 { "OK" } else { "Not Found" };
    write!(
        stream,
        "HTTP/1.1 {status} {reason}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
         connection: close\r\n\r\n{text}",
        text.len()
    )?;
    stream.flush()
}

/// A server-sent-events response; its body ends when the connection closes.
pub struct EventStream<'a>(&'a mut TcpStream);

impl<'a> EventStream<'a> {
    pub fn start(stream: &'a mut TcpStream) -> io::Result<Self> {
        stream.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncache-control: no-cache\r\n\
              connection: close\r\n\r\n",
        )?;
        Ok(Self(stream))
    }

    /// One event; `name` is the `event:` line, which OpenAI's chat stream does not use.
    pub fn event(&mut self, name: Option<&str>, data: &str) -> io::Result<()> {
        if let Some(name) = name {
            writeln!(self.0, "event: {name}")?;
        }
        write!(self.0, "data: {data}\n\n")?;
        self.0.flush()
    }

    /// A named event whose data is `data`'s JSON.
    pub fn json(&mut self, name: &str, data: serde_json::Value) -> io::Result<()> {
        self.event(Some(name), &data.to_string())
    }
}
