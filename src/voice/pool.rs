//! The voice stage: a pool of voices allocated at start, and the events that start and stop them
//! on their exact frame.

use std::collections::BinaryHeap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use super::player::{Voice, VoiceStart, SCRATCH_FRAMES};
use super::schedule::{Action, Scheduled};
use super::{SampleBank, VoiceConfig, VoiceStats};

/// Counts kept on the audio thread and published once per block.
#[derive(Default)]
struct Counts {
    started: u64,
    ended: u64,
    stolen: u64,
    hard_cuts: u64,
    choked: u64,
    late: u64,
    dropped: u64,
}

/// The voices on the audio thread.
///
/// Active voices are kept packed at the front of a vector allocated for `max_voices`, so a block
/// only visits voices that sound; stolen voices fade out in a second, smaller vector. Events
/// come from the [`super::VoiceHandle`]s through a lock-free queue and wait in a min-heap
/// (allocated for `pending_capacity`) until their frame; a session's timeline is a sorted vector
/// walked by a cursor.
///
/// # Real-time
/// [`VoiceStage::process`] never allocates, frees, locks, blocks or prints.
pub struct VoiceStage {
    voices: Vec<Voice>,
    fading: Vec<Voice>,
    max_voices: usize,
    steal_fade_frames: u32,
    cut_fade_frames: u32,
    bank: Arc<SampleBank>,
    commands: rtrb::Consumer<Scheduled>,
    pending: BinaryHeap<Scheduled>,
    pending_capacity: usize,
    timeline: Vec<Scheduled>,
    cursor: usize,
    live: bool,
    seq: u64,
    last_end_frame: u64,
    position: Arc<AtomicU64>,
    stats: Arc<VoiceStats>,
    counts: Counts,
    scratch: [f32; SCRATCH_FRAMES],
}

impl VoiceStage {
    /// A stage with every buffer allocated. `timeline` must be sorted by frame.
    #[allow(clippy::too_many_arguments)] // crate-internal, called once by VoiceSpec::start
    pub(crate) fn new(
        config: &VoiceConfig,
        rate: u32,
        bank: Arc<SampleBank>,
        commands: rtrb::Consumer<Scheduled>,
        timeline: Vec<Scheduled>,
        live: bool,
        position: Arc<AtomicU64>,
        stats: Arc<VoiceStats>,
    ) -> Self {
        let frames = |ms: f32| ((ms.max(0.0) / 1000.0 * rate as f32).round() as u32).max(1);
        let max_voices = config.max_voices.max(1);
        Self {
            voices: Vec::with_capacity(max_voices),
            fading: Vec::with_capacity(config.fade_slots.max(1)),
            max_voices,
            steal_fade_frames: frames(config.steal_fade_ms),
            cut_fade_frames: frames(config.cut_fade_ms),
            bank,
            commands,
            pending: BinaryHeap::with_capacity(config.pending_capacity.max(1)),
            pending_capacity: config.pending_capacity.max(1),
            timeline,
            cursor: 0,
            live,
            seq: 0,
            last_end_frame: 0,
            position,
            stats,
            counts: Counts::default(),
            scratch: [0.0; SCRATCH_FRAMES],
        }
    }

    /// Voices sounding now (fading ones included).
    pub fn active_voices(&self) -> usize {
        self.voices.len() + self.fading.len()
    }

    /// When nothing is sounding or waiting and nothing can come (not live): the frame at which
    /// the last voice fell silent. `None` otherwise.
    pub fn end_frame(&self) -> Option<u64> {
        let idle = !self.live
            && self.voices.is_empty()
            && self.fading.is_empty()
            && self.pending.is_empty()
            && self.cursor >= self.timeline.len()
            && self.commands.is_empty();
        idle.then_some(self.last_end_frame)
    }

    /// Moves to song frame `frame` (a transport seek or stop): sounding voices fade out and the
    /// timeline resumes at its first event at or after `frame`. Events sent through the handles
    /// keep their frames.
    // audio thread: no alloc, lock, I/O or print
    pub fn seek(&mut self, frame: u64) {
        for v in self.voices.iter_mut() {
            v.fade(self.steal_fade_frames);
        }
        self.cursor = self.timeline.partition_point(|e| e.at < frame);
    }

    /// Adds this block's voices into `out` (interleaved stereo covering song frames
    /// `block_start .. block_start + out.len() / 2`). Every event is applied on its own frame:
    /// the block is split there. With no voice sounding and no event due, it returns at once.
    // audio thread: no alloc, lock, I/O or print
    pub fn process(&mut self, out: &mut [f32], block_start: u64) {
        let frames = out.len() / 2;
        let block_end = block_start + frames as u64;
        self.take_commands(block_start);
        if self.voices.is_empty() && self.fading.is_empty() && self.next_event_frame() >= block_end
        {
            self.position.store(block_end, Ordering::Relaxed);
            self.publish();
            return;
        }
        let mut done = 0usize;
        loop {
            let next = self.next_event_frame();
            let split = if next < block_end {
                next.saturating_sub(block_start) as usize
            } else {
                frames
            };
            if split > done {
                self.render(&mut out[done * 2..split * 2], block_start + done as u64);
                done = split;
            }
            if next >= block_end {
                break;
            }
            if let Some(event) = self.pop_event() {
                self.apply(event.action);
            }
        }
        self.position.store(block_end, Ordering::Relaxed);
        self.publish();
    }

    /// Moves queued events into the pending heap; events already due count as late.
    fn take_commands(&mut self, block_start: u64) {
        while let Ok(mut event) = self.commands.pop() {
            if event.asap {
                event.at = block_start;
            } else if event.at < block_start {
                self.counts.late += 1;
            }
            if self.pending.len() < self.pending_capacity {
                self.pending.push(event);
            } else {
                self.counts.dropped += 1;
            }
        }
    }

    fn next_event_frame(&self) -> u64 {
        let heap = self.pending.peek().map_or(u64::MAX, |e| e.at);
        let line = self.timeline.get(self.cursor).map_or(u64::MAX, |e| e.at);
        heap.min(line)
    }

    fn pop_event(&mut self) -> Option<Scheduled> {
        let heap = self.pending.peek().map(|e| (e.at, e.seq));
        let line = self.timeline.get(self.cursor).map(|e| (e.at, e.seq));
        match (heap, line) {
            (Some(h), Some(l)) if l <= h => self.next_timeline(),
            (None, Some(_)) => self.next_timeline(),
            _ => self.pending.pop(),
        }
    }

    fn next_timeline(&mut self) -> Option<Scheduled> {
        let e = self.timeline.get(self.cursor).copied();
        self.cursor += 1;
        e
    }

    fn apply(&mut self, action: Action) {
        match action {
            Action::Start(start) => self.start(&start),
            Action::Stop(id) => {
                for v in self.voices.iter_mut().filter(|v| v.id == id) {
                    v.release();
                }
            }
            Action::StopAll => self.voices.iter_mut().for_each(Voice::release),
        }
    }

    /// Starts a voice: chokes its group, steals the oldest voice if the pool is full.
    fn start(&mut self, start: &VoiceStart) {
        self.seq += 1;
        let new = Voice::new(start, self.seq);
        if new.cut != 0 {
            let sample = new.sample_id();
            for v in self.voices.iter_mut() {
                let same_group = v.cut == new.cut
                    && v.orbit == new.orbit
                    && (new.cut > 0 || v.sample_id() == sample);
                if same_group && !v.is_releasing() {
                    v.fade(self.cut_fade_frames);
                    self.counts.choked += 1;
                }
            }
        }
        if self.voices.len() >= self.max_voices {
            self.steal_oldest();
        }
        if self.voices.len() < self.voices.capacity() {
            self.voices.push(new);
            self.counts.started += 1;
        }
    }

    /// Moves the oldest voice to the fade slots (cutting the oldest fading voice if they are
    /// full) and fades it out.
    fn steal_oldest(&mut self) {
        let Some(first) = oldest(&self.voices) else {
            return;
        };
        let mut victim = self.voices.swap_remove(first);
        self.counts.stolen += 1;
        if self.fading.len() >= self.fading.capacity() {
            if let Some(o) = oldest(&self.fading) {
                self.fading.swap_remove(o);
                self.counts.hard_cuts += 1;
                self.counts.ended += 1;
            }
        }
        victim.fade(self.steal_fade_frames);
        self.fading.push(victim);
    }

    /// Renders every sounding voice over `out`, which starts at song frame `start`; removes the
    /// voices that end.
    fn render(&mut self, out: &mut [f32], start: u64) {
        for list in [&mut self.voices, &mut self.fading] {
            let mut i = 0;
            while i < list.len() {
                match list[i].render(&self.bank, out, &mut self.scratch) {
                    None => i += 1,
                    Some(frames) => {
                        list.swap_remove(i);
                        self.counts.ended += 1;
                        self.last_end_frame = self.last_end_frame.max(start + frames as u64);
                    }
                }
            }
        }
    }

    fn publish(&mut self) {
        let c = std::mem::take(&mut self.counts);
        let s = &*self.stats;
        VoiceStats::add(&s.started, c.started);
        VoiceStats::add(&s.ended, c.ended);
        VoiceStats::add(&s.stolen, c.stolen);
        VoiceStats::add(&s.hard_cuts, c.hard_cuts);
        VoiceStats::add(&s.choked, c.choked);
        VoiceStats::add(&s.late, c.late);
        VoiceStats::add(&s.dropped, c.dropped);
        s.active
            .store(self.active_voices() as u64, Ordering::Relaxed);
    }
}

/// The index of the voice started first.
fn oldest(voices: &[Voice]) -> Option<usize> {
    voices
        .iter()
        .enumerate()
        .min_by_key(|(_, v)| v.seq)
        .map(|(i, _)| i)
}
