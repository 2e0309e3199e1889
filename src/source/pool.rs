//! The decode pool: a few shared threads that keep every track's ring filled.
//!
//! Each track is a job: its [`FrameReader`], the producer end of its ring and at most one
//! decoded piece that did not fit yet. Workers sweep the jobs; a job whose ring is full is simply
//! passed over until the renderer makes room (backpressure: the reader waits, nothing is
//! dropped), so one slow consumer never holds a thread hostage. A worker that finds nothing to
//! do sleeps briefly. Jobs also answer seek requests from the audio thread (see
//! [`super::ring`]), so workers live until the pool is dropped.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use rtrb::{Producer, RingBuffer};

use super::ring::{RingLink, TrackRing};
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
    producer: Producer<f32>,
    link: Arc<RingLink>,
    pending: Vec<f32>,
    pending_pos: usize,
    pushed: u64,
    acked: u64,
    ended: bool,
    end_marked: bool,
    gone: bool,
}

struct Shared {
    jobs: Vec<Mutex<Job>>,
    stop: AtomicBool,
    warnings: Mutex<Vec<String>>,
    read_delay: Duration,
    peak_buffered_frames: AtomicUsize,
}

impl Shared {
    fn warn(&self, w: String) {
        self.warnings
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(w);
    }
}

/// Decoder threads feeding one SPSC ring per track. Dropping the pool stops its threads.
pub struct DecodePool {
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl DecodePool {
    /// Starts decoding `readers`, one ring each; returns the pool and the rings in the same
    /// order.
    ///
    /// # Errors
    /// Fails only if the operating system refuses to start a thread.
    pub fn start(
        readers: Vec<Box<dyn FrameReader>>,
        config: &PoolConfig,
    ) -> std::io::Result<(Self, Vec<TrackRing>)> {
        let mut rings = Vec::with_capacity(readers.len());
        let jobs: Vec<Mutex<Job>> = readers
            .into_iter()
            .map(|reader| {
                let (producer, consumer) = RingBuffer::new(config.ring_frames.max(64) * 2);
                let link = Arc::new(RingLink::default());
                rings.push(TrackRing {
                    consumer,
                    link: link.clone(),
                });
                Mutex::new(Job {
                    reader,
                    producer,
                    link,
                    pending: Vec::new(),
                    pending_pos: 0,
                    pushed: 0,
                    acked: 0,
                    ended: false,
                    end_marked: false,
                    gone: false,
                })
            })
            .collect();
        let shared = Arc::new(Shared {
            jobs,
            stop: AtomicBool::new(false),
            warnings: Mutex::new(Vec::new()),
            read_delay: config.read_delay,
            peak_buffered_frames: AtomicUsize::new(0),
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
        Ok((pool, rings))
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

    /// The most frames one track ever had decoded and waiting (in its ring plus the piece that
    /// did not fit yet): the decoders' memory bound, whatever the song's length.
    pub fn peak_buffered_frames(&self) -> usize {
        self.shared.peak_buffered_frames.load(Ordering::Relaxed)
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
    while !shared.stop.load(Ordering::Acquire) {
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
        if self.gone {
            return false;
        }
        if self.producer.is_abandoned() {
            // The renderer is gone: free the reader now.
            self.gone = true;
            self.pending = Vec::new();
            return true;
        }
        if let Some((generation, frame)) = self.link.pending_seek(self.acked) {
            return self.seek(shared, generation, frame);
        }
        if self.pending_pos < self.pending.len() {
            let (pushed, _) = self
                .producer
                .push_partial_slice(&self.pending[self.pending_pos..]);
            self.pending_pos += pushed.len();
            self.pushed += pushed.len() as u64;
            return !pushed.is_empty();
        }
        if self.ended {
            if !self.end_marked {
                self.end_marked = true;
                self.link.mark_end(self.pushed);
                return true;
            }
            return false;
        }
        self.read(shared);
        true
    }

    /// Decodes the next piece into `pending`.
    fn read(&mut self, shared: &Shared) {
        self.pending.clear();
        self.pending_pos = 0;
        if !shared.read_delay.is_zero() {
            std::thread::sleep(shared.read_delay);
        }
        let more = self.reader.read(&mut self.pending, &mut |w| shared.warn(w));
        let in_ring = self.producer.buffer().capacity() - self.producer.slots();
        shared
            .peak_buffered_frames
            .fetch_max((in_ring + self.pending.len()) / 2, Ordering::Relaxed);
        self.ended = !more;
    }

    /// Repositions the reader at `frame` and acknowledges the request.
    fn seek(&mut self, shared: &Shared, generation: u64, frame: u64) -> bool {
        self.pending.clear();
        self.pending_pos = 0;
        self.ended = false;
        self.end_marked = false;
        if let Err(e) = self.reader.seek(frame) {
            shared.warn(e);
            self.ended = true;
        }
        self.acked = generation;
        self.link.acknowledge(generation, self.pushed);
        true
    }
}
