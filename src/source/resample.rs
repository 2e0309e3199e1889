//! Streaming sample-rate conversion with rubato, run on decoder threads.
//!
//! rubato's `Fft` resampler (a windowed-sinc anti-alias filter applied in the frequency domain)
//! is the best choice for a fixed ratio. Its filter delays the signal by `output_delay()` frames:
//! those first frames are dropped, and the tail is flushed with silence, so that the output is
//! aligned with the input and has `ceil(input_frames · ratio)` frames.

use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Indexing, Resampler};

const CHANNELS: usize = 2;
const CHUNK_FRAMES: usize = 1024;

/// A stereo resampler fed with arbitrary amounts of interleaved input.
pub struct StreamResampler {
    inner: Fft<f32>,
    input: Vec<f32>,
    output: Vec<f32>,
    delay_left: usize,
    frames_in: u64,
    frames_out: u64,
    in_rate: u32,
    out_rate: u32,
}

impl StreamResampler {
    /// A resampler from `in_rate` to `out_rate` Hz, or an error text if rubato refuses them.
    pub fn new(in_rate: u32, out_rate: u32) -> Result<Self, String> {
        let inner = Fft::<f32>::new(
            in_rate as usize,
            out_rate as usize,
            CHUNK_FRAMES,
            CHANNELS,
            FixedSync::Input,
        )
        .map_err(|e| e.to_string())?;
        let output = vec![0.0; inner.output_frames_max() * CHANNELS];
        let delay_left = inner.output_delay();
        Ok(Self {
            inner,
            input: Vec::new(),
            output,
            delay_left,
            frames_in: 0,
            frames_out: 0,
            in_rate,
            out_rate,
        })
    }

    /// Resamples `stereo` (interleaved) and appends what is ready to `out`.
    pub fn process(&mut self, stereo: &[f32], out: &mut Vec<f32>) {
        self.frames_in += (stereo.len() / CHANNELS) as u64;
        self.input.extend_from_slice(stereo);
        let mut start = 0;
        while (self.input.len() - start) / CHANNELS >= self.inner.input_frames_next() {
            start += self.run_chunk(start, None, out) * CHANNELS;
        }
        self.input.drain(..start);
    }

    /// Flushes the remaining input and the filter's delay, so that the total output is
    /// `ceil(frames_in · out_rate / in_rate)` frames.
    pub fn finish(&mut self, out: &mut Vec<f32>) {
        let expected = (self.frames_in * self.out_rate as u64).div_ceil(self.in_rate as u64);
        let mut partial = self.input.len() / CHANNELS;
        while self.frames_out < expected {
            let budget = (expected - self.frames_out) as usize;
            let before = out.len();
            self.run_chunk(0, Some(partial), out);
            let produced = (out.len() - before) / CHANNELS;
            if produced > budget {
                out.truncate(before + budget * CHANNELS);
                self.frames_out -= (produced - budget) as u64;
            }
            partial = 0;
            self.input.clear();
        }
    }

    /// Runs one chunk from `self.input[start..]`; returns the input frames consumed.
    fn run_chunk(&mut self, start: usize, partial: Option<usize>, out: &mut Vec<f32>) -> usize {
        let need = self.inner.input_frames_next();
        if partial.is_some() {
            self.input.resize(start + need * CHANNELS, 0.0);
        }
        let frames_max = self.output.len() / CHANNELS;
        let (consumed, produced) = {
            let input = &self.input[start..start + need * CHANNELS];
            let (Ok(inp), Ok(mut outp)) = (
                InterleavedSlice::new(input, CHANNELS, need),
                InterleavedSlice::new_mut(&mut self.output[..], CHANNELS, frames_max),
            ) else {
                return need;
            };
            let indexing = partial.map(|n| Indexing {
                partial_len: Some(n),
                ..Indexing::default()
            });
            self.inner
                .process_into_buffer(&inp, &mut outp, indexing.as_ref())
                .unwrap_or((need, 0))
        };
        let skip = self.delay_left.min(produced);
        self.delay_left -= skip;
        out.extend_from_slice(&self.output[skip * CHANNELS..produced * CHANNELS]);
        self.frames_out += (produced - skip) as u64;
        consumed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impulse_stays_aligned_and_length_is_exact() {
        let mut r = StreamResampler::new(44_100, 48_000).unwrap();
        let mut input = vec![0.0f32; 2 * 40_000];
        input[2 * 10_000] = 1.0;
        input[2 * 10_000 + 1] = 1.0;
        let mut out = Vec::new();
        for chunk in input.chunks(2 * 777) {
            r.process(chunk, &mut out);
        }
        r.finish(&mut out);
        assert_eq!(
            out.len() / 2,
            (40_000u64 * 48_000).div_ceil(44_100) as usize
        );
        let peak = out
            .iter()
            .step_by(2)
            .enumerate()
            .max_by(|a, b| a.1.total_cmp(b.1))
            .unwrap()
            .0;
        assert_eq!(peak, 10_884); // 10000 · 48000 / 44100 = 10884.35
    }
}
