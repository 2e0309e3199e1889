//! The [`Effect`] trait: one object-safe interface for every effect, processing a whole block of
//! interleaved stereo in place (dynamic dispatch once per block, never per sample).
//!
//! Life cycle, after Firewheel's processor split:
//! 1. the control side parses an [`EffectSpec`](super::EffectSpec) and checks it;
//! 2. [`EffectSpec::build`](super::EffectSpec::build) allocates everything the effect will ever
//!    need for a given rate and largest block ([`BuildContext`]);
//! 3. the built effect moves to the audio thread, where `process`, `set_param` and `reset`
//!    never allocate, lock, print or do I/O.

/// Per-block information the renderer hands to effects.
#[derive(Debug, Clone, Copy, Default)]
pub struct ProcessContext<'a> {
    /// The side-chain signal for this block (interleaved stereo, same length as the block), if
    /// the effect was given one (a compressor keyed from a bus).
    pub sidechain: Option<&'a [f32]>,
}

/// An effect running on the audio thread.
///
/// # Real-time
/// Every method may be called on the audio thread and must not allocate, free, lock, block,
/// print or do I/O, and must not panic on any input. `process` must leave only finite samples
/// in the block (the chain checks it anyway and resets an effect that fails).
pub trait Effect: Send {
    /// Processes `block` (interleaved stereo, at most the build-time block size) in place.
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], ctx: &ProcessContext);

    /// Sets live parameter `index` (an index into the effect's [`ParamInfo`](super::ParamInfo)
    /// table) to `value`; the change is smoothed. Unknown indices and NaN are ignored.
    // audio thread: no alloc, lock, I/O or print
    fn set_param(&mut self, index: usize, value: f32);

    /// Clears all internal state (delay lines, filter memories, envelopes) to silence.
    // audio thread: no alloc, lock, I/O or print
    fn reset(&mut self);

    /// How many frames the output lags the input (lookahead, block buffering).
    fn latency_frames(&self) -> usize {
        0
    }

    /// How many frames the effect keeps sounding after its input falls silent (reverb and delay
    /// tails), after its latency.
    fn tail_frames(&self) -> usize {
        0
    }
}

/// An impulse response already at the engine rate: one `Vec` per channel (1 = mono, 2 = stereo,
/// 4 = true stereo in the order L→L, L→R, R→L, R→R).
#[derive(Debug, Clone, Default)]
pub struct ImpulseResponse {
    /// The channels, all the same length.
    pub channels: Vec<Vec<f32>>,
}

/// Loads an impulse response file at a given rate; supplied by the caller because `dsp` does no
/// I/O of its own. Errors are one line naming the file.
pub type IrLoader<'a> = dyn Fn(&str, u32) -> Result<ImpulseResponse, String> + 'a;

/// What an effect is built for.
pub struct BuildContext<'a> {
    /// The engine rate in Hz.
    pub rate: u32,
    /// The largest block, in frames, that `process` will be given.
    pub max_block_frames: usize,
    /// Reads impulse responses (for the convolution reverb).
    pub load_ir: &'a IrLoader<'a>,
}

impl BuildContext<'_> {
    /// A context whose IR loader always fails (for chains without convolution).
    pub fn without_files(rate: u32, max_block_frames: usize) -> BuildContext<'static> {
        BuildContext {
            rate,
            max_block_frames,
            load_ir: &|path: &str, _| Err(format!("{path}: files cannot be read here")),
        }
    }
}
