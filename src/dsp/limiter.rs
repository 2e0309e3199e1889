//! A lookahead brick-wall limiter whose output never exceeds its ceiling.
//!
//! For each frame the gain needed to bring the stereo-linked sample peak under the ceiling is
//! computed; a sliding minimum over the lookahead window `W` holds it, a release lets it rise
//! again, and a moving average over `W` frames smooths it. The signal is delayed by `W − 1`
//! frames, so that each averaged gain covers the frame it is applied to: every value averaged
//! is at most the gain that frame needs. A final clamp to the ceiling catches rounding.
//! Sample peaks only (no inter-sample true-peak estimation).

use super::db_to_gain;
use super::effect::{Effect, ProcessContext};
use super::param::{ParamBank, ParamInfo};

/// The longest lookahead in milliseconds.
pub const MAX_LOOKAHEAD_MS: f32 = 20.0;

/// Parameters of `limiter`.
pub static LIMITER_PARAMS: [ParamInfo; 3] = [
    ParamInfo::number(
        "ceiling_db",
        "dB",
        -24.0,
        0.0,
        -1.0,
        "the output never exceeds this sample peak",
    ),
    ParamInfo::number(
        "lookahead_ms",
        "ms",
        0.5,
        MAX_LOOKAHEAD_MS,
        5.0,
        "attack window and latency (fixed when built)",
    )
    .smooth(0.0),
    ParamInfo::number(
        "release_ms",
        "ms",
        1.0,
        2000.0,
        100.0,
        "time constant as the gain recovers",
    ),
];

/// The limiter.
pub struct Limiter {
    params: ParamBank,
    window: usize,
    /// Delayed input (stereo interleaved ring of `window` frames).
    delay: Vec<f32>,
    /// Sliding-minimum deque: values and frame numbers, ring of `mask + 1`.
    dq_val: Vec<f32>,
    dq_pos: Vec<u64>,
    dq_head: usize,
    dq_len: usize,
    mask: usize,
    /// Moving average ring of the released gain.
    avg_ring: Vec<f32>,
    avg_sum: f64,
    envelope: f32,
    frame: u64,
    rate: f32,
}

impl Limiter {
    /// A limiter with values in [`LIMITER_PARAMS`] order.
    pub fn new(values: &[f32], rate: u32) -> Self {
        let params = ParamBank::new(&LIMITER_PARAMS, values, rate as f32);
        let window = ((params.get(1) * 0.001 * rate as f32).round() as usize).max(1);
        let cap = (window + 1).next_power_of_two();
        let mut l = Self {
            params,
            window,
            delay: vec![0.0; 2 * window],
            dq_val: vec![0.0; cap],
            dq_pos: vec![0; cap],
            dq_head: 0,
            dq_len: 0,
            mask: cap - 1,
            avg_ring: vec![1.0; window],
            avg_sum: window as f64,
            envelope: 1.0,
            frame: 0,
            rate: rate as f32,
        };
        l.reset();
        l
    }

    /// Pushes `g` into the sliding minimum and returns the minimum of the last `window` values.
    #[inline]
    fn sliding_min(&mut self, g: f32) -> f32 {
        let n = self.frame;
        while self.dq_len > 0 && self.dq_val[(self.dq_head + self.dq_len - 1) & self.mask] >= g {
            self.dq_len -= 1;
        }
        let back = (self.dq_head + self.dq_len) & self.mask;
        self.dq_val[back] = g;
        self.dq_pos[back] = n;
        self.dq_len += 1;
        while self.dq_pos[self.dq_head] + (self.window as u64) <= n {
            self.dq_head = (self.dq_head + 1) & self.mask;
            self.dq_len -= 1;
        }
        self.dq_val[self.dq_head]
    }
}

impl Effect for Limiter {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        let mut rel = (-1.0 / (self.params.get(2) * 0.001 * self.rate)).exp();
        let w = self.window;
        for frame in block.chunks_exact_mut(2) {
            if self.params.any_ramping() {
                self.params.advance_all(1);
                rel = (-1.0 / (self.params.get(2) * 0.001 * self.rate)).exp();
            }
            let ceiling = db_to_gain(self.params.get(0));
            let peak = frame[0].abs().max(frame[1].abs());
            let need = if peak > ceiling { ceiling / peak } else { 1.0 };
            let held = self.sliding_min(need);
            self.envelope = if held < self.envelope {
                held
            } else {
                held + (self.envelope - held) * rel
            };
            let slot = (self.frame % w as u64) as usize;
            self.avg_sum += self.envelope as f64 - self.avg_ring[slot] as f64;
            self.avg_ring[slot] = self.envelope;
            let gain = (self.avg_sum / w as f64) as f32;
            // The ring holds the last `w` frames: write this one, read the one `w − 1` back.
            self.delay[2 * slot] = frame[0];
            self.delay[2 * slot + 1] = frame[1];
            let next = (slot + 1) % w;
            let (ol, or) = (self.delay[2 * next], self.delay[2 * next + 1]);
            frame[0] = (ol * gain).clamp(-ceiling, ceiling);
            frame[1] = (or * gain).clamp(-ceiling, ceiling);
            self.frame += 1;
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        if index != 1 {
            self.params.set(index, value);
        }
    }
    fn reset(&mut self) {
        self.params.snap_all();
        self.delay.fill(0.0);
        self.avg_ring.fill(1.0);
        self.avg_sum = self.window as f64;
        self.dq_len = 0;
        self.dq_head = 0;
        self.envelope = 1.0;
        self.frame = 0;
    }
    fn latency_frames(&self) -> usize {
        self.window - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delays_by_latency_and_holds_the_ceiling() {
        let mut lim = Limiter::new(&[-6.0, 1.0, 50.0], 8000);
        let lat = lim.latency_frames();
        let mut block = vec![0.0f32; 2 * 64];
        block[20] = 0.1;
        block[21] = 0.1;
        block[40] = 4.0;
        lim.process(&mut block, &ProcessContext::default());
        assert!(
            (block[20 + 2 * lat] - 0.1).abs() < 1e-6,
            "{:?}",
            &block[..40]
        );
        let c = db_to_gain(-6.0);
        assert!(block.iter().all(|x| x.abs() <= c));
        assert!((block[40 + 2 * lat] - c).abs() < 1e-5);
    }
}
