//! An ordered chain of effects with the things every effect needs exactly once: bypass with a
//! crossfade, the NaN/Inf and blow-up guard, and flush-to-zero.

use super::denormal::DenormalGuard;
use super::effect::{Effect, ProcessContext};
use super::Smoothed;

/// A sample beyond ±10⁵ (+100 dBFS) means a feedback path or filter has blown up.
pub const BLOW_UP_LEVEL: f32 = 1.0e5;

/// How long enabling or bypassing an effect crossfades, in milliseconds.
pub const BYPASS_FADE_MS: f32 = 10.0;

struct Slot {
    effect: Box<dyn Effect>,
    /// 1 = fully in, 0 = bypassed; glides over [`BYPASS_FADE_MS`].
    wet: Smoothed,
}

/// An ordered effect chain on a track, bus or the master.
///
/// For each effect, each block: the dry block is kept, the effect runs in place, and the block is
/// checked. A non-finite sample or one beyond [`BLOW_UP_LEVEL`] resets the effect, replaces its
/// output with the dry block, and is counted ([`EffectChain::take_resets`]). Bypassing an effect
/// (or enabling it) crossfades between its output and its input over [`BYPASS_FADE_MS`]; a fully
/// bypassed effect is not run at all, and is reset when it is enabled again. Crossfading does
/// not compensate an effect's latency (the limiter's lookahead), which is short.
///
/// # Real-time
/// `process`, `set_param`, `set_enabled` and `reset` never allocate: the scratch buffer is sized
/// for the largest block when the chain is built.
pub struct EffectChain {
    slots: Vec<Slot>,
    dry: Vec<f32>,
    resets: u64,
}

impl EffectChain {
    /// An empty chain (costs nothing to run).
    pub fn empty() -> Self {
        Self {
            slots: Vec::new(),
            dry: Vec::new(),
            resets: 0,
        }
    }

    /// A chain of `effects`, run in order, for blocks of up to `max_block_frames` at `rate` Hz.
    pub fn new(effects: Vec<Box<dyn Effect>>, max_block_frames: usize, rate: u32) -> Self {
        let fade = (BYPASS_FADE_MS * 0.001 * rate as f32).round() as u32;
        let slots = effects
            .into_iter()
            .map(|effect| Slot {
                effect,
                wet: Smoothed::new(1.0, fade),
            })
            .collect();
        let dry = vec![0.0; max_block_frames * 2];
        Self {
            slots,
            dry,
            resets: 0,
        }
    }

    /// Number of effects.
    pub fn len(&self) -> usize {
        self.slots.len()
    }

    /// True if the chain has no effects.
    pub fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// Processes `block` (interleaved stereo, at most the build-time size) through every effect.
    ///
    /// # Real-time
    /// No allocation, lock, I/O or panic; sets flush-to-zero while it runs.
    // audio thread: no alloc, lock, I/O or print
    pub fn process(&mut self, block: &mut [f32], ctx: &ProcessContext) {
        if self.slots.is_empty() {
            return;
        }
        let len = block.len().min(self.dry.len()) & !1;
        let block = &mut block[..len];
        let _ftz = DenormalGuard::new();
        for slot in &mut self.slots {
            if !slot.wet.is_ramping() && slot.wet.current() == 0.0 {
                continue;
            }
            let dry = &mut self.dry[..len];
            dry.copy_from_slice(block);
            slot.effect.process(block, ctx);
            if !is_sane(block) {
                slot.effect.reset();
                block.copy_from_slice(dry);
                self.resets += 1;
                continue;
            }
            if slot.wet.is_ramping() {
                crossfade(block, dry, &mut slot.wet);
            }
        }
    }

    /// Sets parameter `param` of effect `slot` (smoothed by the effect). Out-of-range indices are
    /// ignored.
    // audio thread: no alloc, lock, I/O or print
    pub fn set_param(&mut self, slot: usize, param: usize, value: f32) {
        if let Some(s) = self.slots.get_mut(slot) {
            s.effect.set_param(param, value);
        }
    }

    /// Enables or bypasses effect `slot`, with a crossfade.
    // audio thread: no alloc, lock, I/O or print
    pub fn set_enabled(&mut self, slot: usize, enabled: bool) {
        let Some(s) = self.slots.get_mut(slot) else {
            return;
        };
        let target = if enabled { 1.0 } else { 0.0 };
        if s.wet.target() == target {
            return;
        }
        if enabled && s.wet.current() == 0.0 {
            s.effect.reset();
        }
        s.wet.set(target);
    }

    /// Enables or bypasses effect `slot` at once, without a crossfade (before rendering starts).
    pub fn set_enabled_now(&mut self, slot: usize, enabled: bool) {
        if let Some(s) = self.slots.get_mut(slot) {
            s.wet.set(if enabled { 1.0 } else { 0.0 });
            s.wet.snap();
        }
    }

    /// Clears every effect's state.
    // audio thread: no alloc, lock, I/O or print
    pub fn reset(&mut self) {
        for s in &mut self.slots {
            s.effect.reset();
        }
    }

    /// Returns how many times an effect was reset by the guard since the last call, and clears it.
    pub fn take_resets(&mut self) -> u64 {
        std::mem::take(&mut self.resets)
    }

    /// The chain's total latency in frames.
    pub fn latency_frames(&self) -> usize {
        self.slots.iter().map(|s| s.effect.latency_frames()).sum()
    }

    /// How long the chain keeps sounding after its input ends, latency included, in frames.
    pub fn tail_frames(&self) -> usize {
        self.slots
            .iter()
            .map(|s| s.effect.latency_frames() + s.effect.tail_frames())
            .sum()
    }
}

/// True if every sample is finite and below the blow-up level.
#[inline]
fn is_sane(block: &[f32]) -> bool {
    // `!(x <= L)` is also true for NaN; the max keeps the loop branch-free.
    let peak = block.iter().fold(0.0f32, |m, &x| {
        if x.abs() <= BLOW_UP_LEVEL {
            m
        } else {
            f32::INFINITY
        }
    });
    peak == 0.0
}

/// `block = dry + (block − dry) · wet`, with `wet` advancing one frame at a time.
fn crossfade(block: &mut [f32], dry: &[f32], wet: &mut Smoothed) {
    for (o, d) in block.chunks_exact_mut(2).zip(dry.chunks_exact(2)) {
        let w = wet.next();
        o[0] = d[0] + (o[0] - d[0]) * w;
        o[1] = d[1] + (o[1] - d[1]) * w;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Blow(f32);
    impl Effect for Blow {
        fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
            block.iter_mut().for_each(|x| *x *= self.0);
        }
        fn set_param(&mut self, _: usize, v: f32) {
            self.0 = v;
        }
        fn reset(&mut self) {
            self.0 = 1.0;
        }
    }

    #[test]
    fn nan_is_caught_counted_and_reset() {
        let mut chain = EffectChain::new(vec![Box::new(Blow(f32::NAN))], 4, 48_000);
        let mut block = [0.5; 8];
        chain.process(&mut block, &ProcessContext::default());
        assert_eq!(block, [0.5; 8]);
        assert_eq!(chain.take_resets(), 1);
        chain.process(&mut block, &ProcessContext::default());
        assert_eq!(block, [0.5; 8]);
        assert_eq!(chain.take_resets(), 0);
        chain.set_param(0, 0, 1e9);
        chain.process(&mut block, &ProcessContext::default());
        assert_eq!(chain.take_resets(), 1);
    }

    #[test]
    fn bypass_crossfades_then_skips() {
        let mut chain = EffectChain::new(vec![Box::new(Blow(0.0))], 1000, 1000);
        chain.set_enabled(0, false);
        let mut block = vec![1.0; 2000];
        chain.process(&mut block, &ProcessContext::default());
        assert!(block[0] < 0.2 && block[1998] == 1.0);
        assert!(block.windows(2).all(|w| w[1] >= w[0] - 1e-6));
    }
}
