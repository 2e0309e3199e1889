//! The control side of the voices: starting and stopping them from any thread, and setting the
//! stage up when a song starts.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use super::player::VoiceStart;
use super::schedule::{Action, Scheduled};
use super::{
    EventTime, SampleId, SampleLibrary, TempoMap, VoiceError, VoiceParams, VoiceSpec, VoiceStage,
    VoiceStats,
};

/// Identifies a started voice, to stop it later.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VoiceId(pub u64);

struct Shared {
    producer: Mutex<rtrb::Producer<Scheduled>>,
    next: AtomicU64,
    rate: u32,
    library: SampleLibrary,
    tempo: Mutex<TempoMap>,
    position: Arc<AtomicU64>,
    stats: Arc<VoiceStats>,
    warnings: Mutex<Vec<String>>,
}

/// Starts and stops voices from any thread: cheap to clone, `Send + Sync`.
///
/// Each call takes a short lock on the control side only (the producer end of the queue to the
/// audio thread); the audio thread never locks. Sending never allocates.
#[derive(Clone)]
pub struct VoiceHandle {
    shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl VoiceSpec {
    /// Loads the samples at `rate`, resolves the timeline and builds the audio-thread stage with
    /// every buffer allocated. Missing sample names and unreadable files are warnings, available
    /// from [`VoiceHandle::take_warnings`] and counted in [`VoiceStats::missing_samples`].
    pub fn start(&self, rate: u32) -> Result<(VoiceHandle, VoiceStage), VoiceError> {
        let (library, mut warnings) =
            SampleLibrary::load(self.samples_dir.as_deref(), &self.memory_samples, rate)?;
        let stats = Arc::new(VoiceStats::default());
        let mut timeline = Vec::with_capacity(self.events.len());
        for (seq, e) in self.events.iter().enumerate() {
            let mut params = e.params;
            if let Some(name) = &e.sample {
                match library.find_str(name) {
                    Some(id) => params.sound = super::Sound::Sample(id),
                    None => {
                        warnings.push(format!("unknown sample '{name}': event skipped"));
                        VoiceStats::add(&stats.missing_samples, 1);
                        continue;
                    }
                }
            }
            let at = e.at.to_frame(rate, &self.tempo).unwrap_or(0);
            let start = VoiceStart::resolve(&params, library.bank(), rate, seq as u64 + 1)?;
            timeline.push(Scheduled {
                at,
                seq: seq as u64,
                asap: false,
                action: Action::Start(start),
            });
        }
        timeline.sort_by_key(|e| (e.at, e.seq));
        let (producer, consumer) = rtrb::RingBuffer::new(self.config.queue_capacity.max(1));
        let position = Arc::new(AtomicU64::new(0));
        let stage = VoiceStage::new(
            &self.config,
            rate,
            library.bank().clone(),
            consumer,
            timeline,
            self.live,
            position.clone(),
            stats.clone(),
        );
        let shared = Shared {
            producer: Mutex::new(producer),
            next: AtomicU64::new(self.events.len() as u64 + 1),
            rate,
            library,
            tempo: Mutex::new(self.tempo.clone()),
            position,
            stats,
            warnings: Mutex::new(warnings),
        };
        Ok((
            VoiceHandle {
                shared: Arc::new(shared),
            },
            stage,
        ))
    }
}

impl VoiceHandle {
    /// Starts a voice at `at`. Returns its id.
    ///
    /// # Errors
    /// [`VoiceError::QueueFull`] if the renderer is not draining the queue, or
    /// [`VoiceError::Invalid`] for a parameter out of range or an unknown sample id.
    pub fn play(&self, at: EventTime, params: &VoiceParams) -> Result<VoiceId, VoiceError> {
        let id = self.shared.next.fetch_add(1, Ordering::Relaxed);
        let start = VoiceStart::resolve(params, self.shared.library.bank(), self.shared.rate, id)?;
        self.send(at, Action::Start(start), id)?;
        Ok(VoiceId(id))
    }

    /// Closes the gate of voice `id` at `at`: its release follows. Unknown or ended ids are
    /// ignored.
    pub fn stop(&self, id: VoiceId, at: EventTime) -> Result<(), VoiceError> {
        let seq = self.shared.next.fetch_add(1, Ordering::Relaxed);
        self.send(at, Action::Stop(id.0), seq)
    }

    /// Closes every gate at `at`.
    pub fn stop_all(&self, at: EventTime) -> Result<(), VoiceError> {
        let seq = self.shared.next.fetch_add(1, Ordering::Relaxed);
        self.send(at, Action::StopAll, seq)
    }

    fn send(&self, at: EventTime, action: Action, seq: u64) -> Result<(), VoiceError> {
        let frame = {
            let tempo = lock(&self.shared.tempo);
            at.to_frame(self.shared.rate, &tempo)
        };
        let asap = frame.is_none();
        if asap && at != EventTime::Now {
            return Err(VoiceError::Invalid(format!(
                "voice: {at:?} is not a valid time"
            )));
        }
        let event = Scheduled {
            at: frame.unwrap_or(0),
            seq,
            asap,
            action,
        };
        let mut producer = lock(&self.shared.producer);
        producer
            .push(event)
            .map_err(|_| VoiceError::QueueFull(producer.buffer().capacity()))
    }

    /// The sample `name:n` (wrapping), or `None` with a warning and a count if the name is
    /// unknown.
    pub fn sample(&self, name: &str, n: i64) -> Option<SampleId> {
        let found = self.shared.library.find(name, n);
        if found.is_none() {
            self.missing(name);
        }
        found
    }

    /// Like [`VoiceHandle::sample`] for `"name"` or `"name:n"`.
    pub fn sample_str(&self, text: &str) -> Option<SampleId> {
        let found = self.shared.library.find_str(text);
        if found.is_none() {
            self.missing(text);
        }
        found
    }

    fn missing(&self, name: &str) {
        VoiceStats::add(&self.shared.stats.missing_samples, 1);
        let mut w = lock(&self.shared.warnings);
        if w.len() < 1000 {
            w.push(format!("unknown sample '{name}'"));
        }
    }

    /// The library (names and sample data).
    pub fn library(&self) -> &SampleLibrary {
        &self.shared.library
    }

    /// Takes the warnings collected so far (unknown samples, unreadable files).
    pub fn take_warnings(&self) -> Vec<String> {
        std::mem::take(&mut *lock(&self.shared.warnings))
    }

    /// The engine rate in Hz.
    pub fn rate(&self) -> u32 {
        self.shared.rate
    }

    /// The song frame the renderer has reached (the end of its last block).
    pub fn position_frames(&self) -> u64 {
        self.shared.position.load(Ordering::Relaxed)
    }

    /// Replaces the tempo used for times in beats from now on (events already sent keep their
    /// frame).
    pub fn set_tempo(&self, tempo: TempoMap) {
        *lock(&self.shared.tempo) = tempo;
    }

    /// The counters.
    pub fn stats(&self) -> &Arc<VoiceStats> {
        &self.shared.stats
    }
}
