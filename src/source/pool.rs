//! The decode pool: a few shared threads that keep every track's ring filled.
//!
//! Each track is a job: its [`FrameReader`], the producer end of its ring and at most one
//! decoded piece that did not fit yet. Workers sweep the jobs; a job whose ring is full is simply
//! passed over until the renderer makes room (backpressure: the reader waits, nothing is
//! dropped), so one slow consumer never holds a thread hostage. A worker that finds nothing to
//! do sleeps briefly. When a reader ends, its producer is dropped: the ring reports itself
//! abandoned and the renderer knows the track is over once the ring is empty.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rtrb::{Consumer, Producer, RingBuffer};

use super::FrameReader;

/// How long an idle worker sleeps before it looks again.
const IDLE_SLEEP: Duration = Duration::from_micros(200);

/// Settings of a [`DecodePool`].
#[derive(Debug, Clone)]
pub struct PoolConfig {
    /// Capacity of each track's ring, in stereo frames.
    pub ring_frames: usize,
    /// Number of decoder threads (at least one).
    pub threads: usize,
    /// Test hook: sleep this long before every read, to prove that slow decoders lose nothing.
    pub read_delay: Duration,
}

impl Default for PoolConfig {
    fn default() -> Self {
        let threads = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        Self {
            ring_frames: 48_000 * 2,
            threads,
            read_delay: Duration::ZERO,
        }
    }
}

struct Job {
    reader: Box<dyn FrameReader>,
    producer: Option<Producer<f32>>,
    pending: Vec<f32>,
    pending_pos: usize,
    ended: bool,
}

struct Shared {
    jobs: Vec<Mutex<Job>>,
    live_jobs: AtomicUsize,
    stop: AtomicBool,
    warnings: Mutex<Vec<String>>,
    read_delay: Duration,
}

/// Decoder threads feeding one SPSC ring per track. Dropping the pool stops its threads.
pub struct DecodePool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl DecodePool {
    /// Starts decoding `readers`, one ring each; returns the pool and the rings' consumer ends
    /// in the same order.
    ///
    /// # Errors
    /// Fails only if the operating system refuses to start a thread.
    pub fn start(
        readers: Vec<Box<dyn FrameReader>>,
        config: &PoolConfig,
    ) -> std::io::Result<(Self, Vec<Consumer<f32>>)> {
        let mut consumers = Vec::with_capacity(readers.len());
        let jobs: Vec<Mutex<Job>> = readers
            .into_iter()
            .map(|reader| {
                let (producer, consumer) = RingBuffer::new(config.ring_frames.max(64) * 2);
                consumers.push(consumer);
                Mutex::new(Job {
                    reader,
                    producer: Some(producer),
                    pending: Vec::new(),
                    pending_pos: 0,
                    ended: false,
                })
            })
            .collect();
        let shared = Arc::new(Shared {
            live_jobs: AtomicUsize::new(jobs.len()),
            jobs,
            stop: AtomicBool::new(false),
            warnings: Mutex::new(Vec::new()),
            read_delay: config.read_delay,
        });
        let threads = config.threads.clamp(1, shared.jobs.len().max(1));
        let mut pool = Self {
            shared,
            workers: Vec::with_capacity(threads),
        };
        for i in 0..threads {
            let shared = pool.shared.clone();
            let handle = std::thread::Builder::new()
                .name(format!("tutti-decode-{i}"))
                .spawn(move || worker(&shared, i))?;
            pool.workers.push(handle);
        }
        Ok((pool, consumers))
    }

    /// Takes the warnings reported so far (corrupt packets, tracks that ended early).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(
            &mut *self
                .shared
                .warnings
                .lock()
                .unwrap_or_else(|e| e.into_inner()),
        )
    }

    /// True once every track has been read to its end.
    pub fn is_done(&self) -> bool {
        self.shared.live_jobs.load(Ordering::Acquire) == 0
    }
}

impl Drop for DecodePool {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        for w in self.workers.drain(..) {
            let _ = w.join();
        }
    }
}

fn worker(shared: &Shared, first: usize) {
    let n = shared.jobs.len();
    while !shared.stop.load(Ordering::Acquire) && shared.live_jobs.load(Ordering::Acquire) > 0 {
        let mut progressed = false;
        for i in 0..n {
            if let Ok(mut job) = shared.jobs[(first + i) % n].try_lock() {
                progressed |= job.step(shared);
            }
        }
        if !progressed {
            std::thread::sleep(IDLE_SLEEP);
        }
    }
}

impl Job {
    /// Moves one piece forward; returns true if anything happened.
    fn step(&mut self, shared: &Shared) -> bool {
        let Some(producer) = &mut self.producer else {
            return false;
        };
        if producer.is_abandoned() {
            return self.finish(shared);
        }
        if self.pending_pos < self.pending.len() {
            let (pushed, _) = producer.push_partial_slice(&self.pending[self.pending_pos..]);
            self.pending_pos += pushed.len();
            return !pushed.is_empty();
        }
        if self.ended {
            return self.finish(shared);
        }
        self.pending.clear();
        self.pending_pos = 0;
        if !shared.read_delay.is_zero() {
            std::thread::sleep(shared.read_delay);
        }
        let mut warn = |w: String| {
            shared
                .warnings
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(w)
        };
        self.ended = !self.reader.read(&mut self.pending, &mut warn);
        true
    }

    /// Drops the producer, which tells the renderer that this track has no more frames.
    fn finish(&mut self, shared: &Shared) -> bool {
        self.producer = None;
        self.pending = Vec::new();
        shared.live_jobs.fetch_sub(1, Ordering::AcqRel);
        true
    }
}
