//! The convolution reverb effect: an impulse response from any audio file (loaded and resampled
//! to the engine rate by the caller's [`IrLoader`](super::IrLoader)), optionally normalised, run
//! by the partitioned [`Convolver`].
//!
//! Latency: the convolver works on sub-blocks of `B = 64` frames (or the engine block, if it is
//! smaller), buffered so that any call size works; the effect's output (dry and wet alike) is
//! therefore exactly `B` frames late, which [`Effect::latency_frames`] reports. `B` does not
//! depend on the engine block size (from 64 up), so renders are identical at any block size.

use super::convolver::Convolver;
use super::effect::{Effect, ImpulseResponse, ProcessContext};
use super::param::{ParamBank, ParamInfo};

/// Sub-block of the convolver: its latency in frames.
pub const CONVOLUTION_BLOCK: usize = 64;

/// Parameters of `convolution`.
pub static CONVOLUTION_PARAMS: [ParamInfo; 4] = [
    ParamInfo::file(
        "ir",
        "impulse response: any supported audio file, 1, 2 or 4 (true stereo) channels",
    ),
    ParamInfo::number("dry", "x", 0.0, 4.0, 1.0, "linear gain of the dry signal"),
    ParamInfo::number(
        "wet",
        "x",
        0.0,
        4.0,
        0.3,
        "linear gain of the convolved signal",
    ),
    ParamInfo::toggle(
        "normalize",
        true,
        "scale the IR to unit energy (when built)",
    ),
];

/// The convolution effect.
pub struct Convolution {
    params: ParamBank,
    engine: Convolver,
    fill: usize,
    input: [Vec<f32>; 2],
    delayed: [Vec<f32>; 2],
    wet: [Vec<f32>; 2],
}

impl Convolution {
    /// A convolution with `ir` (already at the engine rate) and values in
    /// [`CONVOLUTION_PARAMS`] order, for blocks of up to `max_block_frames`.
    pub fn new(
        mut ir: ImpulseResponse,
        values: &[f32],
        rate: u32,
        max_block_frames: usize,
    ) -> Result<Self, String> {
        let params = ParamBank::new(&CONVOLUTION_PARAMS, values, rate as f32);
        if params.get(3) >= 0.5 {
            normalize(&mut ir);
        }
        let b = CONVOLUTION_BLOCK.min(max_block_frames.max(1).next_power_of_two());
        let group = (max_block_frames / b).max(1);
        let engine = Convolver::new(&ir.channels, b, group)?;
        let buf = || [vec![0.0; b], vec![0.0; b]];
        Ok(Self {
            params,
            engine,
            fill: 0,
            input: buf(),
            delayed: buf(),
            wet: buf(),
        })
    }
}

/// Scales the IR so that white noise keeps its level: unit energy per output channel, averaged.
fn normalize(ir: &mut ImpulseResponse) {
    let energy: f64 = ir
        .channels
        .iter()
        .flatten()
        .map(|&v| v as f64 * v as f64)
        .sum();
    let outputs = if ir.channels.len() == 1 { 1.0 } else { 2.0 };
    if energy > 0.0 {
        let scale = (outputs / energy).sqrt() as f32;
        ir.channels.iter_mut().flatten().for_each(|v| *v *= scale);
    }
}

impl Effect for Convolution {
    // audio thread: no alloc, lock, I/O or print
    fn process(&mut self, block: &mut [f32], _: &ProcessContext) {
        let b = self.engine.sub_block();
        for frame in block.chunks_exact_mut(2) {
            let (dry_g, wet_g) = (self.params.next(1), self.params.next(2));
            let i = self.fill;
            let (x0, x1) = (frame[0], frame[1]);
            frame[0] = dry_g * self.delayed[0][i] + wet_g * self.wet[0][i];
            frame[1] = dry_g * self.delayed[1][i] + wet_g * self.wet[1][i];
            self.input[0][i] = x0;
            self.input[1][i] = x1;
            self.fill += 1;
            if self.fill == b {
                self.fill = 0;
                let [wl, wr] = &mut self.wet;
                self.engine
                    .process_sub_block([&self.input[0], &self.input[1]], [wl, wr]);
                std::mem::swap(&mut self.input, &mut self.delayed);
            }
        }
    }
    fn set_param(&mut self, index: usize, value: f32) {
        if index == 1 || index == 2 {
            self.params.set(index, value);
        }
    }
    fn reset(&mut self) {
        self.params.snap_all();
        self.engine.reset();
        self.fill = 0;
        for v in self
            .input
            .iter_mut()
            .chain(&mut self.delayed)
            .chain(&mut self.wet)
        {
            v.fill(0.0);
        }
    }
    fn latency_frames(&self) -> usize {
        self.engine.sub_block()
    }
    fn tail_frames(&self) -> usize {
        self.engine.ir_frames()
    }
}
