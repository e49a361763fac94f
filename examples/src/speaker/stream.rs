//! Per-connection I/O tasks shared by the speaker and the native node runtime: a reader task
//! that forwards received bytes and a writer task fed by a channel. The owning event loop keeps
//! every session; these tasks only move bytes and say when the connection is gone.

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

/// What a connection's I/O tasks report to the event loop.
pub(crate) enum StreamEvent {
    /// Bytes read from the peer, in order.
    Bytes(Vec<u8>),
    /// The peer closed the connection, or reading or writing failed.
    Closed,
}

/// The running I/O tasks of one connection.
pub(crate) struct StreamIo {
    /// Bytes queued here are written to the peer in order; dropping it shuts the write side.
    pub writer: mpsc::UnboundedSender<Vec<u8>>,
    pub reader: JoinHandle<()>,
    pub writer_task: JoinHandle<()>,
}

/// Splits `stream` into a reader and a writer task that report through `tx`, wrapping each
/// [`StreamEvent`] into the event loop's own message type with `wrap` (which adds the
/// connection's identity).
pub(crate) fn spawn_io<M, F>(stream: TcpStream, tx: mpsc::Sender<M>, wrap: F) -> StreamIo
where
    M: Send + 'static,
    F: Fn(StreamEvent) -> M + Clone + Send + 'static,
{
    let (mut rd, mut wr) = stream.into_split();
    let (reader_tx, reader_wrap) = (tx.clone(), wrap.clone());
    let reader = tokio::spawn(async move {
        let mut buf = vec![0u8; 65536];
        loop {
            match rd.read(&mut buf).await {
                Ok(0) | Err(_) => {
                    let _ = reader_tx.send(reader_wrap(StreamEvent::Closed)).await;
                    return;
                }
                Ok(n) => {
                    let event = reader_wrap(StreamEvent::Bytes(buf[..n].to_vec()));
                    if reader_tx.send(event).await.is_err() {
                        return;
                    }
                }
            }
        }
    });
    let (writer, mut queue) = mpsc::unbounded_channel::<Vec<u8>>();
    let writer_task = tokio::spawn(async move {
        while let Some(bytes) = queue.recv().await {
            if wr.write_all(&bytes).await.is_err() {
                let _ = tx.send(wrap(StreamEvent::Closed)).await;
                return;
            }
        }
        let _ = wr.shutdown().await;
    });
    StreamIo {
        writer,
        reader,
        writer_task,
    }
}
