//! An algorithmic stereo reverb: a feedback delay network (Stautner & Puckette, CMJ 6(1), 1982;
//! Jot & Chaigne, AES 90th Convention, preprint 3030, 1991).
//!
//! Eight delay lines of mutually prime lengths are mixed through a normalised 8×8 Hadamard
//! matrix (lossless, every line feeds every other). Line `i` of `dᵢ` frames is scaled by
//! `gᵢ = 10^(−3·dᵢ / (fs·T60))`, so every mode decays by 60 dB in exactly `T60` seconds
//! (Jot's condition), whatever the size. A one-pole low pass with unit DC gain in each line
//! makes highs die sooner (damping). Before the network, a pre-delay and four Schroeder
//! allpasses per channel (Schroeder, JAES 10(3), 1962) diffuse the input so the echo density
//! builds fast.

use super::biquad::CONTROL_FRAMES;
use super::effect::{Effect, ProcessContext};
use super::param::{ParamBank, ParamInfo};

const LINES: usize = 8;
/// Line lengths in frames at 48 kHz and size factor 1.
const BASE_LENGTHS: [f32; LINES] = [
    1031.0, 1327.0, 1523.0, 1787.0, 2053.0, 2311.0, 2617.0, 2903.0,
];
/// Diffuser lengths at 48 kHz, per channel.
const DIFFUSER_LENGTHS: [[f32; 4]; 2] =
    [[142.0, 107.0, 379.0, 277.0], [151.0, 113.0, 389.0, 263.0]];
const DIFFUSER_GAIN: f32 = 0.6;
const MAX_PREDELAY_MS: f32 = 500.0;
const OUTPUT_GAIN: f32 = 0.6;

/// Parameters of `reverb`.
pub static REVERB_PARAMS: [ParamInfo; 6] = [
    ParamInfo::number(
        "size",
        "",
        0.0,
        1.0,
        0.5,
        "room size: scales the delay lines 0.35x to 1.65x",
    )
    .smooth(200.0),
    ParamInfo::number(
        "decay_s",
        "s",
        0.1,
        30.0,
        2.0,
        "RT60: time for the tail to fall by 60 dB",
    ),
    ParamInfo::number(
        "damping",
        "",
        0.0,
        1.0,
        0.3,
        "how much faster the highs decay",
    ),
    ParamInfo::number(
        "predelay_ms",
        "ms",
        0.0,
        MAX_PREDELAY_MS,
        10.0,
        "delay before the reverb starts",
    ),
    ParamInfo::number("width", "", 0.0, 1.0, 1.0, "stereo width of the tail"),
    ParamInfo::number("mix", "", 0.0, 1.0, 0.3, "dry/wet, 1 = wet only"),
];

/// A Schroeder allpass `H(z) = (−g + z^−M) / (1 − g·z^−M)`.
struct Allpass {
    buf: Vec<f32>,
    pos: usize,
}

impl Allpass {
    #[inline]
    fn process(&mut self, x: f32) -> f32 {
        let Some(d) = self.buf.get_mut(self.pos) else {
            return x;
        };
        let delayed = *d;
        let v = x + DIFFUSER_GAIN * delayed;
        *d = v;
        self.pos += 1;
        if self.pos == self.buf.len() {
            self.pos = 0;
        }
        delayed - DIFFUSER_GAIN * v
    }
}

/// The FDN reverb.
pub struct Reverb {
    params: ParamBank,
    lines: Vec<f32>,
    line_len: usize,
    write: usize,
    /// Line lengths in frames: whole part and fraction (non-zero only while `size` glides).
    lengths: [usize; LINES],
    fractions: [f32; LINES],
    /// True while `size` glides: lines are then read with linear interpolation.
    gliding: bool,
    gains: [f32; LINES],
    damp: f32,
    damp_state: [f32; LINES],
    diffusers: [[Allpass; 4]; 2],
    predelay: Vec<f32>,
    predelay_mask: usize,
    rate: f32,
}

impl Reverb {
    /// A reverb with values in [`REVERB_PARAMS`] order, allocating lines for the largest size.
    pub fn new(values: &[f32], rate: u32) -> Self {
        let params = ParamBank::new(&REVERB_PARAMS, values, rate as f32);
        let scale = rate as f32 / 48_000.0;
        let longest = (BASE_LENGTHS[LINES - 1] * 1.65 * scale) as usize + 2;
        let line_len = longest.next_power_of_two();
        let diffusers = DIFFUSER_LENGTHS.map(|ch| {
            ch.map(|n| Allpass {
                buf: vec![0.0; ((n * scale) as usize).max(1)],
                pos: 0,
            })
        });
        let pre_len = ((MAX_PREDELAY_MS * 0.001 * rate as f32) as usize + 2).next_power_of_two();
        let mut r = Self {
            params,
            lines: vec![0.0; line_len * LINES],
            line_len,
            write: 0,
            lengths: [1; LINES],
            fractions: [0.0; LINES],
            gliding: false,
            gains: [0.0; LINES],
            damp: 0.0,
            damp_state: [0.0; LINES],
            diffusers,
            predelay: vec![0.0; pre_len * 2],
            predelay_mask: pre_len - 1,
            rate: rate as f32,
        };
        r.update();
        r
    }

    /// Recomputes line lengths, loop gains and damping from the current parameters.
    fn update(&mut self) {
        let factor = 0.35 + 1.3 * self.params.get(0);
        let scale = self.rate / 48_000.0;
        let t60 = self.params.get(1);
        let gliding = self.params.is_ramping(0);
        self.gliding = gliding;
        for i in 0..LINES {
            let exact = BASE_LENGTHS[i] * factor * scale;
            let len = if gliding { exact } else { exact.round() };
            let len = len.clamp(1.0, (self.line_len - 2) as f32);
            self.lengths[i] = len as usize;
            self.fractions[i] = len.fract();
            self.gains[i] = 10f32.powf(-3.0 * len / (self.rate * t60));
        }
        self.damp = 0.85 * self.params.get(2);
    }

    fn process_chunk(&mut self, chunk: &mut [f32]) {
        let mask = self.line_len - 1;
        let pre = (self.params.get(3) * 0.001 * self.rate).min((self.predelay_mask - 1) as f32);
        let (pre_whole, pre_frac) = (pre as usize, pre.fract());
        for frame in chunk.chunks_exact_mut(2) {
            let (width, mix) = (self.params.next(4), self.params.next(5));
            // Pre-delay, then diffusion.
            let w = self.write & self.predelay_mask;
            self.predelay[2 * w] = frame[0];
            self.predelay[2 * w + 1] = frame[1];
            let r = self.write.wrapping_sub(pre_whole) & self.predelay_mask;
            let r1 = r.wrapping_sub(1) & self.predelay_mask;
            let mut input = [self.predelay[2 * r], self.predelay[2 * r + 1]];
            if pre_frac != 0.0 {
                for (c, x) in input.iter_mut().enumerate() {
                    *x += (self.predelay[2 * r1 + c] - *x) * pre_frac;
                }
            }
            for (x, chain) in input.iter_mut().zip(&mut self.diffusers) {
                for ap in chain.iter_mut() {
                    *x = ap.process(*x);
                }
            }
            // The network: read, damp, attenuate, mix, inject, write.
            let mut v = [0.0f32; LINES];
            let mut out = [0.0f32; 2];
            for i in 0..LINES {
                let base = i * self.line_len;
                let at = self.write.wrapping_sub(self.lengths[i]);
                let mut y = self.lines[base + (at & mask)];
                if self.gliding {
                    let b = self.lines[base + (at.wrapping_sub(1) & mask)];
                    y += (b - y) * self.fractions[i];
                }
                out[0] += y * OUTPUT_LEFT[i];
                out[1] += y * OUTPUT_RIGHT[i];
                self.damp_state[i] = y + (self.damp_state[i] - y) * self.damp;
                v[i] = self.damp_state[i] * self.gains[i];
            }
            hadamard8(&mut v);
            let w = self.write & mask;
            for i in 0..LINES {
                let x = input[i & 1] * INPUT_SIGNS[i];
                self.lines[i * self.line_len + w] = v[i] + x;
            }
            self.write = self.write.wrapping_add(1);
            // Width on the wet signal, then the dry/wet mix.
            let mid = 0.5 * (out[0] + out[1]);
            let side = 0.5 * (out[0] - out[1]) * width;
            let (wl, wr) = ((mid + side) * OUTPUT_GAIN, (mid - side) * OUTPUT_GAIN);
            frame[0] += (wl - frame[0]) * mix;
            frame[1] += (wr - frame[1]) * mix;
        }
    }
}

const INPUT_SIGNS: [f32; LINES] = [1.0, 1.0, -1.0, 1.0, 1.0, -1.0, -1.0, -1.0];
const C: f32 = 0.35355339;
const OUTPUT_LEFT: [f32; LINES] = [C, -C, C, -C, C, -C, C, -C];
const OUTPUT_RIGHT: [f32; LINES] = [C, C, -C, -C, C, C, -C, -C];

/// In-place normalised fast Walsh–Hadamard transform of size 8 (orthogonal, so lossless).
#[inline]
fn hadamard8(v: &mut [f32; LINES]) {
    let mut h = 1;
    while h < LINES {
        for i in (0..LINES).step_by(2 * h) {
            for j in i..i + h {
                let (a, b) = (v[j], v[j + h]);
                v[j] = a + b;
                v[j + h] = a - b;
            }
        }
        h *= 2;
    }
    for x in v.iter_mut() {
        *x *= C;
    }
}

impl Effect for Reverb {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        for chunk in block.chunks_mut(CONTROL_FRAMES * 2) {
            if self.params.any_ramping() {
                self.params.advance_all((chunk.len() / 2) as u32);
                self.update();
            }
            self.process_chunk(chunk);
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        self.params.set(index, value);
    }
    fn reset(&mut self) {
        self.params.snap_all();
        self.update();
        self.lines.fill(0.0);
        self.predelay.fill(0.0);
        self.damp_state = [0.0; LINES];
        for ap in self.diffusers.iter_mut().flatten() {
            ap.buf.fill(0.0);
        }
    }
    fn tail_frames(&self) -> usize {
        // Until −90 dB: 1.5 × RT60, plus the pre-delay and the longest line.
        let seconds = self.params.target(3) * 0.001 + 1.5 * self.params.target(1);
        (seconds * self.rate) as usize + self.line_len
    }
}
