//! Channel conversion to the engine's stereo: mono is copied to both sides at unity gain (as
//! `sox remix 1 1` does) and more than two channels are folded down with the ITU-R BS.775
//! coefficients.

use symphonia::core::audio::{Channels, Position};

/// −3 dB, the BS.775 weight of the centre and surround channels.
const MINUS_3_DB: f32 = std::f32::consts::FRAC_1_SQRT_2;

/// How each source channel feeds the left and right outputs.
///
/// ITU-R BS.775: `Lo = L + 0.707·C + 0.707·Ls`, `Ro = R + 0.707·C + 0.707·Rs`, LFE dropped.
/// The result is not normalised (its peak gain can reach 2.41), in keeping with tutti's
/// unclipped float path; integer outputs clip safely.
#[derive(Debug, Clone, PartialEq)]
pub struct StereoMap {
    weights: Vec<(f32, f32)>,
}

impl StereoMap {
    /// The map for a source's channel layout. `count` is the number of interleaved channels.
    pub fn new(channels: Option<&Channels>, count: usize) -> Self {
        let weights = match channels {
            Some(Channels::Positioned(pos))
                if pos.bits().count_ones() as usize == count && count > 2 =>
            {
                pos.iter().map(position_weights).collect()
            }
            _ => default_weights(count),
        };
        Self { weights }
    }

    /// The number of source channels this map expects.
    pub fn source_channels(&self) -> usize {
        self.weights.len()
    }

    /// Appends the stereo version of `interleaved` (in the source's channel count) to `out`.
    pub fn convert(&self, interleaved: &[f32], out: &mut Vec<f32>) {
        let n = self.weights.len();
        match n {
            1 => out.extend(interleaved.iter().flat_map(|&s| [s, s])),
            2 => out.extend_from_slice(interleaved),
            _ => out.extend(interleaved.chunks_exact(n).flat_map(|frame| {
                let mut l = 0.0;
                let mut r = 0.0;
                for (&s, &(wl, wr)) in frame.iter().zip(&self.weights) {
                    l += s * wl;
                    r += s * wr;
                }
                [l, r]
            })),
        }
    }
}

/// The BS.775 weights of one speaker position.
fn position_weights(pos: Position) -> (f32, f32) {
    let left = Position::FRONT_LEFT;
    let right = Position::FRONT_RIGHT;
    let centre = Position::FRONT_CENTER | Position::REAR_CENTER | Position::TOP_CENTER;
    let lfe = Position::LFE1 | Position::LFE2;
    let left_ish = Position::REAR_LEFT
        | Position::SIDE_LEFT
        | Position::FRONT_LEFT_CENTER
        | Position::FRONT_LEFT_WIDE;
    let right_ish = Position::REAR_RIGHT
        | Position::SIDE_RIGHT
        | Position::FRONT_RIGHT_CENTER
        | Position::FRONT_RIGHT_WIDE;
    if pos == left {
        (1.0, 0.0)
    } else if pos == right {
        (0.0, 1.0)
    } else if lfe.contains(pos) {
        (0.0, 0.0)
    } else if left_ish.contains(pos) {
        (MINUS_3_DB, 0.0)
    } else if right_ish.contains(pos) {
        (0.0, MINUS_3_DB)
    } else if centre.contains(pos) {
        (MINUS_3_DB, MINUS_3_DB)
    } else {
        // Height and other positions: treat like a centre channel.
        (MINUS_3_DB * 0.5, MINUS_3_DB * 0.5)
    }
}

/// Weights by channel count, in the WAVE/FLAC default order (L R C LFE Ls Rs, then back L/R).
fn default_weights(count: usize) -> Vec<(f32, f32)> {
    const C: (f32, f32) = (MINUS_3_DB, MINUS_3_DB);
    const SL: (f32, f32) = (MINUS_3_DB, 0.0);
    const SR: (f32, f32) = (0.0, MINUS_3_DB);
    const LFE: (f32, f32) = (0.0, 0.0);
    match count {
        0 | 1 => vec![(1.0, 1.0)],
        2 => vec![(1.0, 0.0), (0.0, 1.0)],
        3 => vec![(1.0, 0.0), (0.0, 1.0), C],
        4 => vec![(1.0, 0.0), (0.0, 1.0), SL, SR],
        5 => vec![(1.0, 0.0), (0.0, 1.0), C, SL, SR],
        n => {
            let mut w = vec![(1.0, 0.0), (0.0, 1.0), C, LFE, SL, SR];
            for i in 6..n {
                w.push(if i % 2 == 0 { SL } else { SR });
            }
            w
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mono_is_copied_at_unity() {
        let mut out = Vec::new();
        StereoMap::new(None, 1).convert(&[0.5, -0.25], &mut out);
        assert_eq!(out, vec![0.5, 0.5, -0.25, -0.25]);
    }

    #[test]
    fn five_one_follows_bs775() {
        let mut out = Vec::new();
        // L R C LFE Ls Rs
        StereoMap::new(None, 6).convert(&[1.0, 0.0, 1.0, 1.0, 1.0, 0.0], &mut out);
        assert!((out[0] - (1.0 + 2.0 * MINUS_3_DB)).abs() < 1e-6);
        assert!((out[1] - MINUS_3_DB).abs() < 1e-6);
    }
}
