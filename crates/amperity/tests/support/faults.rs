//! A server on loopback that misbehaves on purpose, below HTTP: it counts every request it reads
//! and then answers, hangs, or closes the connection without a word, as scripted. A request that
//! the client sends twice is counted twice, whatever the client makes of the answers.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the server does with one request, once it has read all of it.
#[derive(Clone, Debug)]
pub enum Fault {
    /// Answers with this status and JSON body.
    Answer(u16, String),
    /// Never answers (the client's attempt timeout must end it).
    Hang,
    /// Closes the connection without answering.
    Cut,
}

impl Fault {
    pub fn json(status: u16, body: serde_json::Value) -> Self {
        Fault::Answer(status, body.to_string())
    }

    pub fn error(status: u16) -> Self {
        Self::json(
            status,
            serde_json::json!({"status": status, "message": format!("scripted {status}")}),
        )
    }
}

/// A request as the server read it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    pub method: String,
    pub path: String,
    pub body: String,
}

/// The server: scripted faults in order, the last one repeated.
pub struct FaultServer {
    pub base_url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl FaultServer {
    pub async fn start(faults: Vec<Fault>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener, faults)
    }

    /// Serves on `listener`, for a test that chose the port before the server existed.
    pub fn serve(listener: TcpListener, faults: Vec<Fault>) -> Self {
        let addr = listener.local_addr().unwrap();
        let received = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new((VecDeque::from(faults), None::<Fault>)));
        let seen = received.clone();
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                tokio::spawn(connection(stream, script.clone(), seen.clone()));
            }
        });
        Self {
            base_url: format!("http://{addr}/api"),
            received,
        }
    }

    pub fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

type Script = Arc<Mutex<(VecDeque<Fault>, Option<Fault>)>>;

async fn connection(mut stream: TcpStream, script: Script, seen: Arc<Mutex<Vec<Received>>>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        seen.lock().unwrap().push(request);
        let fault = {
            let mut script = script.lock().unwrap();
            if let Some(next) = script.0.pop_front() {
                script.1 = Some(next);
            }
            script
                .1
                .clone()
                .expect("a fault server needs at least one fault")
        };
        match fault {
            Fault::Answer(status, body) => {
                let response = format!(
                    "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\n\r\n{body}",
                    body.len()
                );
                if stream.write_all(response.as_bytes()).await.is_err() {
                    return;
                }
            }
            Fault::Hang => {
                std::future::pending::<()>().await;
            }
            Fault::Cut => return,
        }
    }
}

/// Reads one whole request (head and `content-length` body), or `None` when the peer is gone.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<Received> {
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(end) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break end + 4;
        }
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut request_line = head.lines().next()?.split_whitespace();
    let method = request_line.next()?.to_owned();
    let path = request_line.next()?.to_owned();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8_lossy(&buffer[head_end..head_end + length]).into_owned();
    buffer.drain(..head_end + length);
    Some(Received { method, path, body })
}
