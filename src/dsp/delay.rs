//! A stereo feedback delay: damping (one-pole low pass in the loop), ping-pong, tempo sync, and
//! time changes that crossfade between two read heads instead of clicking or pitch-gliding.

use super::biquad::CONTROL_FRAMES;
use super::effect::{Effect, ProcessContext};
use super::param::{ParamBank, ParamInfo};

/// The longest delay, in milliseconds.
pub const MAX_DELAY_MS: f32 = 4000.0;
/// How long a change of delay time crossfades, in milliseconds.
pub const TIME_FADE_MS: f32 = 30.0;
/// Tails are cut off after this many seconds, whatever the feedback.
const MAX_TAIL_SECONDS: f32 = 60.0;

/// Parameters of `delay`.
pub static DELAY_PARAMS: [ParamInfo; 7] = [
    ParamInfo::number(
        "time_ms",
        "ms",
        1.0,
        MAX_DELAY_MS,
        375.0,
        "delay time (crossfades when changed)",
    )
    .smooth(0.0),
    ParamInfo::number("feedback", "", 0.0, 0.95, 0.4, "fraction fed back"),
    ParamInfo::number(
        "damping_hz",
        "Hz",
        200.0,
        20_000.0,
        8000.0,
        "low-pass corner in the feedback path",
    )
    .log(),
    ParamInfo::toggle("ping_pong", false, "bounce between left and right"),
    ParamInfo::number(
        "bpm",
        "BPM",
        0.0,
        300.0,
        0.0,
        "tempo for sync; 0 = use time_ms",
    )
    .smooth(0.0),
    ParamInfo::number(
        "beats",
        "beats",
        0.0625,
        8.0,
        0.5,
        "delay in beats when bpm > 0 (0.75 = dotted eighth)",
    )
    .smooth(0.0),
    ParamInfo::number("mix", "", 0.0, 1.0, 0.3, "dry/wet, 0 = dry only"),
];

/// The delay effect.
pub struct Delay {
    params: ParamBank,
    lines: [Vec<f32>; 2],
    mask: usize,
    write: usize,
    /// Read head in use and the one being faded in, in frames.
    heads: [usize; 2],
    fade_pos: usize,
    fade_len: usize,
    fading: bool,
    /// The delay the parameters ask for, in frames (recomputed when one is set).
    wanted: usize,
    damp_coef: f32,
    damp_state: [f32; 2],
    rate: f32,
}

impl Delay {
    /// A delay with values in [`DELAY_PARAMS`] order, allocating `MAX_DELAY_MS` of line.
    pub fn new(values: &[f32], rate: u32) -> Self {
        let params = ParamBank::new(&DELAY_PARAMS, values, rate as f32);
        let len = ((MAX_DELAY_MS * 0.001 * rate as f32) as usize + 2).next_power_of_two();
        let mut d = Self {
            params,
            lines: [vec![0.0; len], vec![0.0; len]],
            mask: len - 1,
            write: 0,
            heads: [0, 0],
            fade_pos: 0,
            fade_len: ((TIME_FADE_MS * 0.001 * rate as f32) as usize).max(1),
            fading: false,
            wanted: 1,
            damp_coef: 0.0,
            damp_state: [0.0; 2],
            rate: rate as f32,
        };
        d.wanted = d.target_frames();
        d.heads = [d.wanted; 2];
        d.update_damping();
        d
    }

    /// The delay asked for, in frames (tempo-synced when `bpm > 0`).
    fn target_frames(&self) -> usize {
        let bpm = self.params.target(4);
        let ms = if bpm > 0.0 {
            self.params.target(5) * 60_000.0 / bpm
        } else {
            self.params.target(0)
        };
        let frames = (ms.clamp(1.0, MAX_DELAY_MS) * 0.001 * self.rate).round() as usize;
        frames.clamp(1, self.mask)
    }

    fn update_damping(&mut self) {
        let hz = self.params.get(2).min(0.45 * self.rate);
        self.damp_coef = (-std::f32::consts::TAU * hz / self.rate).exp();
    }

    /// Reads both channels `delay` frames back.
    #[inline]
    fn read(&self, delay: usize) -> [f32; 2] {
        let i = self.write.wrapping_sub(delay) & self.mask;
        [self.lines[0][i], self.lines[1][i]]
    }

    /// The delayed signal, crossfading between heads while the time changes.
    #[inline]
    fn tap(&mut self) -> [f32; 2] {
        let a = self.read(self.heads[0]);
        if !self.fading {
            return a;
        }
        let b = self.read(self.heads[1]);
        let t = self.fade_pos as f32 / self.fade_len as f32;
        self.fade_pos += 1;
        if self.fade_pos >= self.fade_len {
            self.fading = false;
            self.heads[0] = self.heads[1];
        }
        [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t]
    }

    fn start_fade_if_needed(&mut self) {
        let target = self.wanted;
        if !self.fading && target != self.heads[0] {
            self.heads[1] = target;
            self.fade_pos = 0;
            self.fading = true;
        }
    }

    fn process_chunk(&mut self, chunk: &mut [f32]) {
        let ping_pong = self.params.get(3) >= 0.5;
        let c = self.damp_coef;
        for frame in chunk.chunks_exact_mut(2) {
            self.start_fade_if_needed();
            let (fb, mix) = (self.params.next(1), self.params.next(6));
            let d = self.tap();
            for ch in 0..2 {
                self.damp_state[ch] = d[ch] + (self.damp_state[ch] - d[ch]) * c;
            }
            let [dl, dr] = self.damp_state;
            let (wl, wr) = if ping_pong {
                (0.5 * (frame[0] + frame[1]) + fb * dr, fb * dl)
            } else {
                (frame[0] + fb * dl, frame[1] + fb * dr)
            };
            let w = self.write & self.mask;
            self.lines[0][w] = wl;
            self.lines[1][w] = wr;
            self.write = self.write.wrapping_add(1);
            frame[0] += (d[0] - frame[0]) * mix;
            frame[1] += (d[1] - frame[1]) * mix;
        }
    }
}

impl Effect for Delay {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        for chunk in block.chunks_mut(CONTROL_FRAMES * 2) {
            if self.params.any_ramping() {
                self.update_damping();
            }
            self.process_chunk(chunk);
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
        self.wanted = self.target_frames();
    }
    fn reset(&mut self) {
        self.params.snap_all();
        self.lines.iter_mut().for_each(|l| l.fill(0.0));
        self.damp_state = [0.0; 2];
        self.fading = false;
        self.wanted = self.target_frames();
        self.heads = [self.wanted; 2];
        self.update_damping();
    }
    fn tail_frames(&self) -> usize {
        let delay = self.target_frames() as f32;
        let fb = self.params.target(1);
        let repeats = if fb > 1e-3 {
            (1e-5f32).ln() / fb.ln()
        } else {
            0.0
        };
        (delay * (repeats + 1.0)).min(MAX_TAIL_SECONDS * self.rate) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_arrives_after_the_time_and_decays() {
        let mut d = Delay::new(&[10.0, 0.5, 20_000.0, 0.0, 0.0, 0.5, 1.0], 1000);
        let mut block = vec![0.0; 2 * 40];
        block[0] = 1.0;
        block[1] = 1.0;
        d.process(&mut block, &ProcessContext::default());
        assert!(block[20] > 0.5 && block[40] > 0.2 && block[40] < block[20]);
        assert_eq!(block[2], 0.0);
    }
}
