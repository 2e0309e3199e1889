//! One voice on the audio thread: a sample read with cubic interpolation at any rate, or an
//! oscillator through a state-variable filter, shaped by an ADSR envelope and panned.
//!
//! A sample's playhead is 32.32 fixed point in frames, so that stepping it is one integer add
//! and the fraction is exact. Work is done in segments in which nothing changes (envelope
//! stage, gate, sample end), so that the inner loops have no branches.

use super::library::{Sample, SampleBank, PAD_BEFORE};
use super::{Sound, VoiceError, VoiceParams};
use crate::dsp::{hermite, pan_gains, Adsr, AdsrSpec, FilterMode, Oscillator, Stage, Svf};

/// One frame in 32.32 fixed point.
const ONE: i64 = 1 << 32;
/// Frames a synth voice renders at a time into its scratch buffer.
pub(crate) const SCRATCH_FRAMES: usize = 64;
/// No gate: the voice plays until its sample ends or it is stopped.
const NO_GATE: u64 = u64::MAX;

/// What a voice reads.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    /// A sample between `begin` and `end` (32.32 frames), moving by `step` per frame.
    Sample {
        id: u32,
        pos: i64,
        step: i64,
        begin: i64,
        end: i64,
        looping: bool,
    },
    /// An oscillator, optionally filtered.
    Synth {
        osc: Oscillator,
        filter: Option<Svf>,
    },
}

/// A voice, resolved on the control side and ready to start: everything in frames.
#[derive(Debug, Clone, Copy)]
pub(crate) struct VoiceStart {
    pub id: u64,
    pub source: Source,
    pub env: AdsrSpec,
    pub gate_frames: u64,
    pub gain_l: f32,
    pub gain_r: f32,
    pub cut: i32,
    pub orbit: u16,
}

impl VoiceStart {
    /// Turns `params` into frames at `rate`, checking them against the sample `bank`.
    pub fn resolve(
        params: &VoiceParams,
        bank: &SampleBank,
        rate: u32,
        id: u64,
    ) -> Result<Self, VoiceError> {
        let invalid = |what: &str| VoiceError::Invalid(format!("voice: {what}"));
        let rate_factor = params.speed * (params.note / 12.0).exp2();
        if !rate_factor.is_finite() || rate_factor.abs() > 1024.0 {
            return Err(invalid("speed is out of range (-1024 to 1024)"));
        }
        if !params.gain.is_finite() || !params.pan.is_finite() {
            return Err(invalid("gain and pan must be finite"));
        }
        let env = AdsrSpec::from_seconds(
            params.attack_s,
            params.decay_s,
            params.sustain_level,
            params.release_s,
            rate,
        );
        let mut gate_frames = params
            .length_s
            .map_or(NO_GATE, |s| (s.max(0.0) * rate as f64).round() as u64);
        let source = match params.sound {
            Sound::Sample(sid) => {
                let sample = bank.get(sid).ok_or_else(|| invalid("no such sample"))?;
                let (source, natural) = sample_source(sid.0, sample, params, rate_factor)?;
                if !params.looping {
                    gate_frames =
                        gate_frames.min(natural.saturating_sub(env.release_frames as u64));
                }
                source
            }
            Sound::Synth { waveform, freq_hz } => {
                let freq = (freq_hz as f64 * rate_factor.abs()) as f32;
                let osc = Oscillator::new(
                    waveform,
                    freq,
                    rate,
                    (id as u32).wrapping_mul(0x9E37_79B9) ^ 0x1234_5678,
                );
                let filter = params
                    .cutoff_hz
                    .map(|c| Svf::new(FilterMode::LowPass, c, params.resonance, rate));
                Source::Synth { osc, filter }
            }
        };
        let (l, r) = pan_gains(params.pan.clamp(-1.0, 1.0));
        Ok(Self {
            id,
            source,
            env,
            gate_frames,
            gain_l: params.gain * l,
            gain_r: params.gain * r,
            cut: params.cut,
            orbit: params.orbit,
        })
    }
}

/// The sample source and the frames it lasts without looping.
fn sample_source(
    id: u32,
    sample: &Sample,
    p: &VoiceParams,
    rate_factor: f64,
) -> Result<(Source, u64), VoiceError> {
    let frames = sample.frames() as f64;
    let (b, e) = (p.begin.clamp(0.0, 1.0), p.end.clamp(0.0, 1.0));
    let (b, e) = if b <= e { (b, e) } else { (e, b) };
    let begin = (b * frames * ONE as f64) as i64;
    let end = (e * frames * ONE as f64) as i64;
    let step = (rate_factor * ONE as f64) as i64;
    if step == 0 {
        return Err(VoiceError::Invalid("voice: speed is zero".into()));
    }
    let pos = if step > 0 { begin } else { end - ONE };
    let natural = frames_until_end(pos, step, begin, end);
    Ok((
        Source::Sample {
            id,
            pos,
            step,
            begin,
            end,
            looping: p.looping && end - begin >= ONE,
        },
        natural,
    ))
}

/// Frames the playhead stays inside `begin .. end` from `pos`.
#[inline]
fn frames_until_end(pos: i64, step: i64, begin: i64, end: i64) -> u64 {
    if step > 0 {
        if pos >= end {
            0
        } else {
            ((end - pos) as u64).div_ceil(step as u64)
        }
    } else if pos < begin {
        0
    } else {
        (pos - begin) as u64 / step.unsigned_abs() + 1
    }
}

/// A sounding voice.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Voice {
    pub id: u64,
    /// Start order: the smallest is the oldest.
    pub seq: u64,
    pub cut: i32,
    pub orbit: u16,
    source: Source,
    env: Adsr,
    gate_left: u64,
    gain_l: f32,
    gain_r: f32,
}

impl Voice {
    /// A voice at the start of its envelope.
    pub fn new(start: &VoiceStart, seq: u64) -> Self {
        Self {
            id: start.id,
            seq,
            cut: start.cut,
            orbit: start.orbit,
            source: start.source,
            env: Adsr::new(start.env),
            gate_left: start.gate_frames,
            gain_l: start.gain_l,
            gain_r: start.gain_r,
        }
    }

    /// The sample it plays, if any.
    pub fn sample_id(&self) -> Option<u32> {
        match self.source {
            Source::Sample { id, .. } => Some(id),
            Source::Synth { .. } => None,
        }
    }

    /// Closes the gate now.
    // audio thread: no alloc, lock, I/O or print
    pub fn release(&mut self) {
        self.gate_left = 0;
    }

    /// Fades out over `frames` (stealing, choke groups).
    // audio thread: no alloc, lock, I/O or print
    pub fn fade(&mut self, frames: u32) {
        self.env.fade(frames);
        self.gate_left = NO_GATE;
    }

    /// True while it is fading out or releasing.
    pub fn is_releasing(&self) -> bool {
        matches!(self.env.stage(), Stage::Release | Stage::Done)
    }

    /// Adds its next `out.len() / 2` frames into `out`. Returns `Some(frames)` if it ended after
    /// that many frames, `None` if it is still sounding.
    // audio thread: no alloc, lock, I/O or print
    pub fn render(
        &mut self,
        bank: &SampleBank,
        out: &mut [f32],
        scratch: &mut [f32; SCRATCH_FRAMES],
    ) -> Option<usize> {
        let frames = out.len() / 2;
        let mut done = 0;
        while done < frames {
            if self.gate_left == 0 {
                self.env.release();
                self.gate_left = NO_GATE;
            }
            if self.env.is_done() {
                return Some(done);
            }
            let n = (frames - done)
                .min(self.env.segment_frames() as usize)
                .min(self.gate_left.min(usize::MAX as u64) as usize);
            let out = &mut out[done * 2..(done + n) * 2];
            let rendered = match &mut self.source {
                Source::Sample {
                    id,
                    pos,
                    step,
                    begin,
                    end,
                    looping,
                } => {
                    let Some(sample) = bank.get(super::SampleId(*id)) else {
                        return Some(done);
                    };
                    let left = frames_until_end(*pos, *step, *begin, *end);
                    if left == 0 {
                        if !*looping {
                            return Some(done);
                        }
                        let len = *end - *begin;
                        *pos += if *step > 0 { -len } else { len };
                        continue;
                    }
                    let n = n.min(left as usize);
                    let g = (self.gain_l, self.gain_r);
                    mix_sample(
                        sample,
                        &mut out[..n * 2],
                        pos,
                        *step,
                        self.env.level(),
                        self.env.step(),
                        g,
                    );
                    n
                }
                Source::Synth { osc, filter } => {
                    let n = n.min(SCRATCH_FRAMES);
                    let buf = &mut scratch[..n];
                    osc.process(buf);
                    if let Some(f) = filter {
                        f.process(buf);
                    }
                    mix_mono(
                        buf,
                        &mut out[..n * 2],
                        self.env.level(),
                        self.env.step(),
                        (self.gain_l, self.gain_r),
                    );
                    n
                }
            };
            self.env.advance(rendered as u32);
            if self.gate_left != NO_GATE {
                self.gate_left -= rendered as u64;
            }
            done += rendered;
        }
        None
    }
}

/// Adds `out.len() / 2` interpolated frames of `sample` from `pos`, with the envelope starting at
/// `level` and moving by `dlevel` per frame, into `out`.
// audio thread: no alloc, lock, I/O or print
#[inline]
fn mix_sample(
    sample: &Sample,
    out: &mut [f32],
    pos: &mut i64,
    step: i64,
    level: f32,
    dlevel: f32,
    (gl, gr): (f32, f32),
) {
    const FRAC: f32 = 1.0 / 4_294_967_296.0;
    let data = sample.padded();
    let ch = sample.channels();
    let frames = out.len() / 2;
    if frames == 0 {
        return;
    }
    // The playhead moves monotonically, so the first and last frames bound every read; check
    // them once here so that the loops below can skip per-frame bounds checks.
    let last = *pos + step * (frames as i64 - 1);
    let (lo, hi) = (last.min(*pos), last.max(*pos));
    if lo < 0 || ((hi >> 32) as usize + 4) * ch > data.len() {
        debug_assert!(false, "playhead outside the sample");
        return;
    }
    let mut p = *pos;
    let mut level = level;
    const _: () = assert!(
        PAD_BEFORE == 1,
        "the loops read frame i − 1 at padded index i"
    );
    if ch == 1 {
        for o in out.chunks_exact_mut(2) {
            let i = (p >> 32) as usize;
            let t = (p as u32) as f32 * FRAC;
            // SAFETY: `p` lies between `lo` and `hi`, and `(hi >> 32) + 4 <= data.len()`.
            let (a, b, c, d) = unsafe {
                (
                    *data.get_unchecked(i),
                    *data.get_unchecked(i + 1),
                    *data.get_unchecked(i + 2),
                    *data.get_unchecked(i + 3),
                )
            };
            let s = hermite(a, b, c, d, t) * level;
            o[0] += s * gl;
            o[1] += s * gr;
            level += dlevel;
            p += step;
        }
    } else {
        for o in out.chunks_exact_mut(2) {
            let i = (p >> 32) as usize;
            let t = (p as u32) as f32 * FRAC;
            // SAFETY: as above, with `((hi >> 32) + 4) · 2 <= data.len()`.
            let w: &[f32; 8] = unsafe { &*(data.as_ptr().add(2 * i) as *const [f32; 8]) };
            let l = hermite(w[0], w[2], w[4], w[6], t) * level;
            let r = hermite(w[1], w[3], w[5], w[7], t) * level;
            o[0] += l * gl;
            o[1] += r * gr;
            level += dlevel;
            p += step;
        }
    }
    *pos = p;
}

/// Adds the mono `input`, enveloped and panned, into the stereo `out`.
// audio thread: no alloc, lock, I/O or print
#[inline]
fn mix_mono(input: &[f32], out: &mut [f32], level: f32, dlevel: f32, (gl, gr): (f32, f32)) {
    let mut level = level;
    for (o, &x) in out.chunks_exact_mut(2).zip(input) {
        let s = x * level;
        o[0] += s * gl;
        o[1] += s * gr;
        level += dlevel;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_until_end_both_ways() {
        assert_eq!(frames_until_end(0, ONE, 0, 10 * ONE), 10);
        assert_eq!(frames_until_end(0, 2 * ONE, 0, 10 * ONE), 5);
        assert_eq!(frames_until_end(0, 3 * ONE, 0, 10 * ONE), 4);
        assert_eq!(frames_until_end(9 * ONE, -ONE, 0, 10 * ONE), 10);
        assert_eq!(frames_until_end(9 * ONE, -2 * ONE, 0, 10 * ONE), 5);
        assert_eq!(frames_until_end(-1, -ONE, 0, 10 * ONE), 0);
    }
}
