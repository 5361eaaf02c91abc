//! Group commit: the calls of one replica that need the same write at the same moment share one transaction.
//!
//! A batcher takes one request, then every request already waiting (up to its limit), runs them as one batch,
//! and answers each. Idle, a request goes alone and at once; under load the batches grow while the previous one
//! commits, so a commit (and its fsync) is paid once per batch instead of once per call. Each request is still
//! answered only after its batch has committed: nothing is acknowledged before it is durable.

use std::future::Future;

use tokio::sync::{mpsc, oneshot};

use super::{DbError, DbResult};

type Job<Req, Resp> = (Req, oneshot::Sender<DbResult<Resp>>);

pub struct Batcher<Req, Resp> {
    tx: mpsc::Sender<Job<Req, Resp>>,
    what: &'static str,
}

impl<Req, Resp> Clone for Batcher<Req, Resp> {
    fn clone(&self) -> Self {
        Batcher { tx: self.tx.clone(), what: self.what }
    }
}

impl<Req: Clone + Send + 'static, Resp: Send + 'static> Batcher<Req, Resp> {
    /// Runs `run` on batches of at most `max`; it must answer one response per request, in order.
    pub fn spawn<F, Fut>(what: &'static str, max: usize, run: F) -> Batcher<Req, Resp>
    where
        F: Fn(Vec<Req>) -> Fut + Send + 'static,
        Fut: Future<Output = DbResult<Vec<Resp>>> + Send,
    {
        let (tx, mut rx) = mpsc::channel::<Job<Req, Resp>>(max * 4);
        tokio::spawn(async move {
            while let Some(first) = rx.recv().await {
                let mut jobs = vec![first];
                while jobs.len() < max {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
                let (reqs, answers): (Vec<Req>, Vec<_>) = jobs.into_iter().unzip();
                let n = reqs.len();
                let result = match run(reqs.clone()).await {
                    // One bad request must not fail the others: a batch that fails is tried again one by one.
                    Err(_) if n > 1 => {
                        for (req, answer) in reqs.into_iter().zip(answers) {
                            let r = run(vec![req]).await.and_then(|mut v| {
                                v.pop().ok_or_else(|| DbError { engine: "", doing: what, detail: "no answer".into() })
                            });
                            let _ = answer.send(r);
                        }
                        continue;
                    }
                    other => other,
                };
                match result {
                    Ok(resps) if resps.len() == n => {
                        for (a, r) in answers.into_iter().zip(resps) {
                            let _ = a.send(Ok(r));
                        }
                    }
                    Ok(resps) => {
                        let e = DbError {
                            engine: "",
                            doing: what,
                            detail: format!("{} answers for {n} requests", resps.len()),
                        };
                        answers.into_iter().for_each(|a| drop(a.send(Err(e.clone()))));
                    }
                    Err(e) => answers.into_iter().for_each(|a| drop(a.send(Err(e.clone())))),
                }
            }
        });
        Batcher { tx, what }
    }

    pub async fn call(&self, req: Req) -> DbResult<Resp> {
        let gone = || DbError { engine: "", doing: self.what, detail: "the database writer has stopped".into() };
        let (tx, rx) = oneshot::channel();
        self.tx.send((req, tx)).await.map_err(|_| gone())?;
        rx.await.map_err(|_| gone())?
    }
}
