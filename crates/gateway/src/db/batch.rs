//! Group commit: the calls of one replica that need the same write at the same moment share one statement.
//!
//! A batcher takes one request, then every request already waiting (up to its limit), runs them as one batch,
//! and answers each. Idle, a request goes alone and at once; under load the batches grow while earlier ones
//! commit, so a commit (and its fsync) is paid once per batch instead of once per call. Up to `in_flight` batches
//! run at once (on PostgreSQL, each on its own pooled connection): a call never waits for a whole batch ahead of
//! it to commit before its own can start, and the batch it joins grows only while every slot is busy. Each
//! request is still answered only after its batch has committed: nothing is acknowledged before it is durable.
//!
//! Batches in flight together must not deadlock each other: every batch statement takes its row locks in key
//! order (nonces sorted, order lines sorted, orders sorted; see the engines).

use std::future::Future;
use std::sync::Arc;

use tokio::sync::{mpsc, oneshot, Semaphore};

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
    /// Runs `run` on batches of at most `max`, at most `in_flight` at once; `run` must answer one response per
    /// request, in order.
    pub fn spawn<F, Fut>(what: &'static str, max: usize, in_flight: usize, run: F) -> Batcher<Req, Resp>
    where
        F: Fn(Vec<Req>) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = DbResult<Vec<Resp>>> + Send + 'static,
    {
        let (tx, mut rx) = mpsc::channel::<Job<Req, Resp>>(max * 4);
        let run = Arc::new(run);
        let slots = Arc::new(Semaphore::new(in_flight.max(1)));
        tokio::spawn(async move {
            loop {
                // A free slot first: while every slot is busy, requests queue and the next batch grows.
                let Ok(slot) = slots.clone().acquire_owned().await else { break };
                let Some(first) = rx.recv().await else { break };
                let mut jobs = vec![first];
                while jobs.len() < max {
                    match rx.try_recv() {
                        Ok(j) => jobs.push(j),
                        Err(_) => break,
                    }
                }
                let run = run.clone();
                tokio::spawn(async move {
                    run_batch(what, &*run, jobs).await;
                    drop(slot);
                });
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

async fn run_batch<Req, Resp, F, Fut>(what: &'static str, run: &F, jobs: Vec<Job<Req, Resp>>)
where
    Req: Clone,
    F: Fn(Vec<Req>) -> Fut,
    Fut: Future<Output = DbResult<Vec<Resp>>>,
{
    let (reqs, answers): (Vec<Req>, Vec<_>) = jobs.into_iter().unzip();
    let n = reqs.len();
    let result = match run(reqs.clone()).await {
        // One bad request must not fail the others: a batch that fails (and so committed nothing) is tried
        // again one by one.
        Err(_) if n > 1 => {
            for (req, answer) in reqs.into_iter().zip(answers) {
                let r = run(vec![req]).await.and_then(|mut v| {
                    v.pop().ok_or_else(|| DbError { engine: "", doing: what, detail: "no answer".into() })
                });
                let _ = answer.send(r);
            }
            return;
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
            let e = DbError { engine: "", doing: what, detail: format!("{} answers for {n} requests", resps.len()) };
            answers.into_iter().for_each(|a| drop(a.send(Err(e.clone()))));
        }
        Err(e) => answers.into_iter().for_each(|a| drop(a.send(Err(e.clone())))),
    }
}
