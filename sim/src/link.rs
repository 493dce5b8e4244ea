//! A cluster's TCP connections as the network treats them: passed through,
//! held silent (partition), or reset (outage), following the cluster's faults
//! at every read and write, so connections already open are hit too.

use std::future::Future;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::time::Sleep;

use crate::cluster::Cluster;
use crate::faults::Link;

/// How often a connection waiting on the network looks at the link again.
const RECHECK: Duration = Duration::from_millis(200);

/// Wraps each accepted TCP stream of one cluster in a [`FaultyStream`].
#[derive(Clone)]
pub struct LinkAcceptor {
    pub cluster: Arc<Cluster>,
}

impl<S> axum_server::accept::Accept<TcpStream, S> for LinkAcceptor {
    type Stream = FaultyStream;
    type Service = S;
    type Future = std::future::Ready<io::Result<(FaultyStream, S)>>;

    fn accept(&self, stream: TcpStream, service: S) -> Self::Future {
        let timed = self.cluster.faults.has_link_faults();
        // As a real API server's: Go sets TCP_NODELAY on every connection.
        // Without it, the last small segment of a response waits for the
        // client's delayed ACK (40 ms on Linux), and a paged list of
        // 100,000 pods spent most of its time in that wait.
        if let Err(e) = stream.set_nodelay(true) {
            return std::future::ready(Err(e));
        }
        std::future::ready(Ok((
            FaultyStream {
                inner: stream,
                cluster: self.cluster.clone(),
                timer: timed.then(|| Box::pin(tokio::time::sleep(RECHECK))),
            },
            service,
        )))
    }
}

pub struct FaultyStream {
    inner: TcpStream,
    cluster: Arc<Cluster>,
    /// Wakes a pending read or write to re-check the link; only when the
    /// cluster has link faults, since nothing else would wake it.
    timer: Option<Pin<Box<Sleep>>>,
}

impl FaultyStream {
    /// Ready(Ok) when bytes may pass, Ready(Err) when the connection is reset,
    /// Pending (with a wake-up armed) while partitioned.
    fn gate(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.cluster.faults.link() {
            Link::Up => Poll::Ready(Ok(())),
            Link::Down => {
                // Linger 0: dropping the socket sends RST, as a dead peer's
                // host does; a zero linger never blocks, unlike the deprecation's case.
                #[allow(deprecated)]
                let _ = self.inner.set_linger(Some(Duration::ZERO));
                Poll::Ready(Err(io::ErrorKind::ConnectionReset.into()))
            }
            Link::Silent => {
                self.arm(cx);
                Poll::Pending
            }
        }
    }

    /// Registers the re-check timer with this task.
    fn arm(&mut self, cx: &mut Context<'_>) {
        if let Some(timer) = self.timer.as_mut() {
            while timer.as_mut().poll(cx).is_ready() {
                timer.as_mut().reset(tokio::time::Instant::now() + RECHECK);
            }
        }
    }

    fn pass<T>(&mut self, cx: &mut Context<'_>, r: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if r.is_pending() {
            self.arm(cx);
        }
        r
    }
}

impl AsyncRead for FaultyStream {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.gate(cx))?;
        let r = Pin::new(&mut this.inner).poll_read(cx, buf);
        this.pass(cx, r)
    }
}

impl AsyncWrite for FaultyStream {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        std::task::ready!(this.gate(cx))?;
        let r = Pin::new(&mut this.inner).poll_write(cx, buf);
        this.pass(cx, r)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.gate(cx))?;
        let r = Pin::new(&mut this.inner).poll_flush(cx);
        this.pass(cx, r)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum_server::accept::Accept;

    /// The API server's connections send each write at once, as Go's do:
    /// with Nagle's algorithm on, a response's last segment waited for the
    /// client's delayed ACK.
    #[tokio::test]
    async fn accepted_connections_have_nodelay() {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        let client = tokio::spawn(TcpStream::connect(addr));
        let (server_side, _) = listener.accept().await.expect("accept");
        assert!(!server_side.nodelay().expect("nodelay"), "off by default");
        let acceptor = LinkAcceptor {
            cluster: Arc::new(Cluster::new("c", "eu-west-1", 31, "t".into(), 1)),
        };
        let (wrapped, ()) = acceptor.accept(server_side, ()).await.expect("wrapped");
        assert!(wrapped.inner.nodelay().expect("nodelay"));
        drop(client);
    }
}
