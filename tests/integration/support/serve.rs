//! The one way the fakes serve: a listener on 127.0.0.1:0 on its own thread and runtime, a task per
//! connection, serving until the returned [`Served`] is dropped.

use std::future::Future;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Request, Response};
use tokio::net::TcpStream;

/// A running loopback server. Dropping it stops the server and waits for its thread.
pub struct Served {
    pub addr: SocketAddr,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Serve raw connections: `conn` gets each accepted stream. `workers` 0 runs on the server thread alone.
pub fn serve<F, Fut>(workers: usize, conn: F) -> Served
where
    F: Fn(TcpStream) -> Fut + Send + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (addr_tx, addr_rx) = std::sync::mpsc::channel();
    let (shutdown_tx, mut shutdown_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::spawn(move || {
        let rt = if workers == 0 {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
        } else {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(workers)
                .enable_all()
                .build()
        }
        .expect("tokio runtime");
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                .await
                .expect("bind 127.0.0.1");
            addr_tx.send(listener.local_addr().unwrap()).unwrap();
            loop {
                tokio::select! {
                    _ = &mut shutdown_rx => break,
                    accepted = listener.accept() => {
                        let Ok((stream, _)) = accepted else { continue };
                        tokio::spawn(conn(stream));
                    }
                }
            }
        });
        rt.shutdown_timeout(Duration::from_millis(200));
    });
    let addr = addr_rx.recv().expect("loopback server address");
    Served {
        addr,
        shutdown: Some(shutdown_tx),
        thread: Some(thread),
    }
}

/// Serve HTTP/1: `handle(state.clone(), request)` answers each request.
pub fn serve_http<S, F, Fut, E>(workers: usize, state: S, handle: F) -> Served
where
    S: Clone + Send + Sync + 'static,
    F: Fn(S, Request<Incoming>) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = Result<Response<Full<Bytes>>, E>> + Send + 'static,
    E: Into<Box<dyn std::error::Error + Send + Sync>> + 'static,
{
    serve(workers, move |stream| {
        let state = state.clone();
        async move {
            let io = hyper_util::rt::TokioIo::new(stream);
            let svc = hyper::service::service_fn(move |req| handle(state.clone(), req));
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(io, svc)
                .await;
        }
    })
}
