//! The mixing core: add a stereo signal into a buffer with per-channel gains.

use crate::dsp::Smoothed;

/// Adds `input` (interleaved stereo) into `out` with constant gains: the hot loop of the mixer.
///
/// # Real-time
/// No allocation; written so that the compiler vectorises it.
#[inline]
pub fn mix_into(out: &mut [f32], input: &[f32], gain_l: f32, gain_r: f32) {
    if gain_l == 1.0 && gain_r == 1.0 {
        for (o, i) in out.iter_mut().zip(input) {
            *o += *i;
        }
        return;
    }
    for (o, i) in out.chunks_exact_mut(2).zip(input.chunks_exact(2)) {
        o[0] += i[0] * gain_l;
        o[1] += i[1] * gain_r;
    }
}

/// Like [`mix_into`], but the gains are smoothed values advanced once per frame. Falls back to
/// the constant-gain loop as soon as neither gain is ramping.
///
/// # Real-time
/// No allocation.
#[inline]
pub fn mix_into_ramped(
    out: &mut [f32],
    input: &[f32],
    gain_l: &mut Smoothed,
    gain_r: &mut Smoothed,
) {
    let mut frame = 0;
    let frames = out.len().min(input.len()) / 2;
    while frame < frames && (gain_l.is_ramping() || gain_r.is_ramping()) {
        out[2 * frame] += input[2 * frame] * gain_l.next();
        out[2 * frame + 1] += input[2 * frame + 1] * gain_r.next();
        frame += 1;
    }
    let (l, r) = (gain_l.current(), gain_r.current());
    if l != 0.0 || r != 0.0 {
        mix_into(
            &mut out[2 * frame..2 * frames],
            &input[2 * frame..2 * frames],
            l,
            r,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_gains_apply_per_channel() {
        let mut out = vec![1.0; 4];
        mix_into(&mut out, &[1.0, 1.0, 2.0, 2.0], 0.5, 0.25);
        assert_eq!(out, vec![1.5, 1.25, 2.0, 1.5]);
    }

    #[test]
    fn ramp_then_constant() {
        let mut out = vec![0.0; 8];
        let mut l = Smoothed::new(0.0, 2);
        let mut r = Smoothed::new(0.0, 2);
        l.set(1.0);
        r.set(1.0);
        mix_into_ramped(&mut out, &[1.0; 8], &mut l, &mut r);
        assert_eq!(out, vec![0.5, 0.5, 1.0, 1.0, 1.0, 1.0, 1.0, 1.0]);
    }
}
