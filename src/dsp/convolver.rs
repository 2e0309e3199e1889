//! Non-uniformly partitioned FFT convolution with the work spread evenly over blocks.
//!
//! The impulse response is cut into three segments (Gardner, "Efficient convolution without
//! input-output delay", JAES 43(3), 1995; García, AES 113th Convention, 2002; Wefers, PhD thesis,
//! RWTH Aachen, 2014): partitions of `B` frames for the first `16·B`, of `8·B` up to `128·B`, and
//! of `64·B` for the rest. Each segment is a uniformly partitioned overlap-save convolver with a
//! frequency-domain delay line (FDL).
//!
//! The first segment runs every sub-block of `B` frames. A later segment with partitions of `P`
//! frames starts at IR offset `2·P`, so the output of an input period that ends at time `t` is
//! first needed at `t + P`: the segment has the next `P / B` sub-blocks to compute it. Its work —
//! one forward FFT per input channel, the multiply-accumulates, one inverse FFT per output
//! channel — is split into tasks that a schedule, fixed when the convolver is built, spreads over
//! those sub-blocks: each FFT on a sub-block of its own (never one already carrying an FFT of
//! another segment, and for the largest segment never in the same renderer block as another FFT
//! when that can be avoided), the multiply-accumulates evenly in between. No sub-block ever does
//! more than a fixed, small share of the work, with no worker thread.
//!
//! The convolver itself adds no latency: the output of sub-block `n` is complete when
//! `process_sub_block` returns. Spectra are stored split into real and imaginary arrays so that
//! the multiply-accumulate loops vectorise.

use std::sync::Arc;

use realfft::num_complex::Complex;
use realfft::{ComplexToReal, RealFftPlanner, RealToComplex};

use super::partition::{build_schedule, segment_layout, Path, Task};

struct Segment {
    p: usize,
    k: usize,
    offset: usize,
    parts: usize,
    bins: usize,
    fft: Arc<dyn RealToComplex<f32>>,
    ifft: Arc<dyn ComplexToReal<f32>>,
    time_buf: Vec<f32>,
    spec: Vec<Complex<f32>>,
    scratch: Vec<Complex<f32>>,
    /// IR spectra, `[(ir · parts + j) · bins + bin]`.
    h_re: Vec<f32>,
    h_im: Vec<f32>,
    /// Input spectra (FDL), `[(input · parts + slot) · bins + bin]`.
    x_re: Vec<f32>,
    x_im: Vec<f32>,
    head: usize,
    acc_re: Vec<f32>,
    acc_im: Vec<f32>,
    schedule: Vec<Vec<Task>>,
    period_end: u64,
}

/// A stereo-in, stereo-out partitioned convolver (mono, stereo or true-stereo IR).
///
/// # Real-time
/// [`Convolver::process_sub_block`] never allocates: every buffer, FFT plan and scratch space is
/// made by [`Convolver::new`].
pub struct Convolver {
    b: usize,
    paths: Vec<Path>,
    segments: Vec<Segment>,
    input: [Vec<f32>; 2],
    output: [Vec<f32>; 2],
    mask: usize,
    time: u64,
    ir_frames: usize,
}

impl Convolver {
    /// A convolver for sub-blocks of `b` frames (a power of two). `ir` holds 1 (mono: the same
    /// IR on both channels), 2 (stereo: L→L, R→R) or 4 (true stereo: L→L, L→R, R→L, R→R)
    /// channels of equal length. `group_blocks` is how many sub-blocks one renderer block holds,
    /// used to keep large FFTs in different renderer blocks.
    pub fn new(ir: &[Vec<f32>], b: usize, group_blocks: usize) -> Result<Self, String> {
        let paths = match ir.len() {
            1 => vec![
                Path {
                    input: 0,
                    output: 0,
                    ir: 0,
                },
                Path {
                    input: 1,
                    output: 1,
                    ir: 0,
                },
            ],
            2 => vec![
                Path {
                    input: 0,
                    output: 0,
                    ir: 0,
                },
                Path {
                    input: 1,
                    output: 1,
                    ir: 1,
                },
            ],
            4 => vec![
                Path {
                    input: 0,
                    output: 0,
                    ir: 0,
                },
                Path {
                    input: 0,
                    output: 1,
                    ir: 1,
                },
                Path {
                    input: 1,
                    output: 0,
                    ir: 2,
                },
                Path {
                    input: 1,
                    output: 1,
                    ir: 3,
                },
            ],
            n => {
                return Err(format!(
                    "the impulse response has {n} channels (use 1, 2 or 4)"
                ))
            }
        };
        if !b.is_power_of_two() {
            return Err(format!("sub-block of {b} frames is not a power of two"));
        }
        let ir_frames = ir.iter().map(Vec::len).max().unwrap_or(0).max(1);
        let layout = segment_layout(ir_frames, b);
        let mut planner = RealFftPlanner::<f32>::new();
        let mut heavy = vec![0usize; layout.last().map_or(1, |s| s.1 / b)];
        let last = layout.len() - 1;
        let mut segments = Vec::with_capacity(layout.len());
        for (i, &(offset, p, parts)) in layout.iter().enumerate() {
            let mut seg = Segment::new(&mut planner, offset, p, parts, b, ir);
            seg.schedule = build_schedule(
                &paths,
                seg.k,
                parts,
                &mut heavy,
                group_blocks.max(1),
                i == last,
            );
            segments.push(seg);
        }
        let p_max = layout.iter().map(|s| s.1).max().unwrap_or(b);
        let ring = (4 * p_max).next_power_of_two();
        Ok(Self {
            b,
            paths,
            segments,
            input: [vec![0.0; ring], vec![0.0; ring]],
            output: [vec![0.0; ring], vec![0.0; ring]],
            mask: ring - 1,
            time: 0,
            ir_frames,
        })
    }

    /// The sub-block size in frames.
    pub fn sub_block(&self) -> usize {
        self.b
    }

    /// The IR length in frames.
    pub fn ir_frames(&self) -> usize {
        self.ir_frames
    }

    /// Convolves one sub-block: `input` and `output` are `[left, right]`, `b` frames each.
    ///
    /// # Real-time
    /// No allocation, lock or I/O.
    // audio thread: no alloc, lock, I/O or print
    pub fn process_sub_block(&mut self, input: [&[f32]; 2], output: [&mut [f32]; 2]) {
        let (b, mask, time) = (self.b, self.mask, self.time);
        for (ring, x) in self.input.iter_mut().zip(input) {
            for (i, &v) in x.iter().take(b).enumerate() {
                ring[(time as usize + i) & mask] = v;
            }
        }
        let block = time / b as u64;
        for seg in &mut self.segments {
            let local = (block % seg.k as u64) as usize;
            if local == 0 {
                seg.head = (seg.head + 1) % seg.parts;
                seg.period_end = if seg.k == 1 { time + b as u64 } else { time };
            }
            let count = seg.schedule.get(local).map_or(0, Vec::len);
            for t in 0..count {
                let task = seg.schedule[local][t];
                match task {
                    Task::Fft(c) => seg.forward(c, &self.input[c], mask),
                    Task::Mac { path, from, to } => seg.mac(self.paths[path], from, to),
                    Task::Ifft(o) => seg.inverse(o, &mut self.output[o], mask),
                }
            }
        }
        for (ring, y) in self.output.iter_mut().zip(output) {
            for (i, v) in y.iter_mut().take(b).enumerate() {
                let slot = &mut ring[(time as usize + i) & mask];
                *v = *slot;
                *slot = 0.0;
            }
        }
        self.time += b as u64;
    }

    /// Clears all state (input history, spectra, pending output).
    // audio thread: no alloc, lock, I/O or print
    pub fn reset(&mut self) {
        self.input
            .iter_mut()
            .chain(self.output.iter_mut())
            .for_each(|r| r.fill(0.0));
        for seg in &mut self.segments {
            seg.x_re.fill(0.0);
            seg.x_im.fill(0.0);
            seg.acc_re.fill(0.0);
            seg.acc_im.fill(0.0);
        }
        self.time = 0;
    }
}

impl Segment {
    fn new(
        planner: &mut RealFftPlanner<f32>,
        offset: usize,
        p: usize,
        parts: usize,
        b: usize,
        ir: &[Vec<f32>],
    ) -> Self {
        let n = 2 * p;
        let bins = p + 1;
        let fft = planner.plan_fft_forward(n);
        let ifft = planner.plan_fft_inverse(n);
        let scratch_len = fft.get_scratch_len().max(ifft.get_scratch_len());
        let mut seg = Segment {
            p,
            k: p / b,
            offset,
            parts,
            bins,
            fft,
            ifft,
            time_buf: vec![0.0; n],
            spec: vec![Complex::default(); bins],
            scratch: vec![Complex::default(); scratch_len],
            h_re: vec![0.0; ir.len() * parts * bins],
            h_im: vec![0.0; ir.len() * parts * bins],
            x_re: vec![0.0; 2 * parts * bins],
            x_im: vec![0.0; 2 * parts * bins],
            head: 0,
            acc_re: vec![0.0; 2 * bins],
            acc_im: vec![0.0; 2 * bins],
            schedule: Vec::new(),
            period_end: 0,
        };
        for (c, h) in ir.iter().enumerate() {
            for j in 0..parts {
                let start = offset + j * p;
                seg.time_buf.fill(0.0);
                if start < h.len() {
                    let src = &h[start..(start + p).min(h.len())];
                    seg.time_buf[..src.len()].copy_from_slice(src);
                }
                let _ = seg.fft.process_with_scratch(
                    &mut seg.time_buf,
                    &mut seg.spec,
                    &mut seg.scratch,
                );
                let at = (c * parts + j) * bins;
                for (i, z) in seg.spec.iter().enumerate() {
                    seg.h_re[at + i] = z.re;
                    seg.h_im[at + i] = z.im;
                }
            }
        }
        seg
    }

    /// FFT of the window `[t − 2P, t)` of input `c` into the FDL slot `head`.
    fn forward(&mut self, c: usize, ring: &[f32], mask: usize) {
        let start = self.period_end.wrapping_sub(2 * self.p as u64) as usize;
        for (i, v) in self.time_buf.iter_mut().enumerate() {
            *v = ring[(start.wrapping_add(i)) & mask];
        }
        let _ =
            self.fft
                .process_with_scratch(&mut self.time_buf, &mut self.spec, &mut self.scratch);
        let at = (c * self.parts + self.head) * self.bins;
        let (re, im) = (
            &mut self.x_re[at..at + self.bins],
            &mut self.x_im[at..at + self.bins],
        );
        for ((r, i), z) in re.iter_mut().zip(im.iter_mut()).zip(&self.spec) {
            *r = z.re;
            *i = z.im;
        }
    }

    /// Accumulates partitions `from..to` of `path` into its output's accumulator.
    fn mac(&mut self, path: Path, from: usize, to: usize) {
        let n = self.bins;
        let acc = path.output * n;
        let (acc_re, acc_im) = (
            &mut self.acc_re[acc..acc + n],
            &mut self.acc_im[acc..acc + n],
        );
        for j in from..to.min(self.parts) {
            let slot = (self.head + self.parts - j) % self.parts;
            let x = (path.input * self.parts + slot) * n;
            let h = (path.ir * self.parts + j) * n;
            let (xr, xi) = (&self.x_re[x..x + n], &self.x_im[x..x + n]);
            let (hr, hi) = (&self.h_re[h..h + n], &self.h_im[h..h + n]);
            for i in 0..n {
                acc_re[i] += xr[i] * hr[i] - xi[i] * hi[i];
                acc_im[i] += xr[i] * hi[i] + xi[i] * hr[i];
            }
        }
    }

    /// Inverse FFT of output `o`'s accumulator; adds the valid half into the output ring at
    /// `[t − P + offset, t + offset)` and clears the accumulator.
    fn inverse(&mut self, o: usize, ring: &mut [f32], mask: usize) {
        let n = self.bins;
        let (re, im) = (
            &mut self.acc_re[o * n..(o + 1) * n],
            &mut self.acc_im[o * n..(o + 1) * n],
        );
        for ((z, r), i) in self.spec.iter_mut().zip(re.iter_mut()).zip(im.iter_mut()) {
            *z = Complex::new(*r, *i);
            *r = 0.0;
            *i = 0.0;
        }
        self.spec[0].im = 0.0;
        self.spec[n - 1].im = 0.0;
        let _ =
            self.ifft
                .process_with_scratch(&mut self.spec, &mut self.time_buf, &mut self.scratch);
        let scale = 1.0 / (2 * self.p) as f32;
        let start = (self.period_end + self.offset as u64).wrapping_sub(self.p as u64) as usize;
        for (i, v) in self.time_buf[self.p..].iter().enumerate() {
            ring[start.wrapping_add(i) & mask] += v * scale;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct(x: &[f32], h: &[f32]) -> Vec<f64> {
        let mut y = vec![0.0f64; x.len()];
        for (n, out) in y.iter_mut().enumerate() {
            for (k, &hk) in h.iter().enumerate().take(n + 1) {
                *out += x[n - k] as f64 * hk as f64;
            }
        }
        y
    }

    #[test]
    fn matches_direct_convolution_across_segments() {
        let b = 16;
        let len = 3000;
        let h: Vec<f32> = (0..len)
            .map(|i| ((i * 7919 % 1000) as f32 / 500.0 - 1.0) * (-(i as f32) / 800.0).exp())
            .collect();
        let x: Vec<f32> = (0..6000)
            .map(|i| (i * 104_729 % 997) as f32 / 498.0 - 1.0)
            .collect();
        let mut conv = Convolver::new(std::slice::from_ref(&h), b, 2).unwrap();
        let mut out = vec![0.0f32; x.len()];
        let mut right = vec![0.0f32; b];
        for (xi, yi) in x.chunks(b).zip(out.chunks_mut(b)) {
            conv.process_sub_block([xi, xi], [yi, &mut right]);
        }
        let reference = direct(&x, &h);
        let err = out
            .iter()
            .zip(&reference)
            .map(|(a, b)| (*a as f64 - b).powi(2))
            .sum::<f64>();
        let sig = reference.iter().map(|v| v * v).sum::<f64>();
        assert!(
            10.0 * (err / sig).log10() < -100.0,
            "error {} dB",
            10.0 * (err / sig).log10()
        );
    }
}
