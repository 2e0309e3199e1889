//! Interpolation for reading samples between frames.

/// 4-point, 3rd-order Hermite (Catmull-Rom) interpolation between `x0` and `x1` at `t` in
/// 0 ..= 1, with neighbours `xm1` (before `x0`) and `x2` (after `x1`).
///
/// Reference: O. Niemitalo, "Polynomial Interpolators for High-Quality Resampling of
/// Oversampled Audio", 2001, section "4-point, 3rd-order Hermite (x-form)". Exact at `t = 0`
/// (`x0`) and `t = 1` (`x1`).
// audio thread: no alloc, lock, I/O or print
#[inline(always)]
pub fn hermite(xm1: f32, x0: f32, x1: f32, x2: f32, t: f32) -> f32 {
    let c1 = 0.5 * (x1 - xm1);
    let c2 = xm1 - 2.5 * x0 + 2.0 * x1 - 0.5 * x2;
    let c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
    ((c3 * t + c2) * t + c1) * t + x0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_at_frames_and_on_cubics() {
        assert_eq!(hermite(5.0, 1.0, 2.0, 9.0, 0.0), 1.0);
        assert!((hermite(5.0, 1.0, 2.0, 9.0, 1.0) - 2.0).abs() < 1e-6);
        // Reproduces quadratics exactly: f(x) = x² at x = -1, 0, 1, 2.
        assert!((hermite(1.0, 0.0, 1.0, 4.0, 0.5) - 0.25).abs() < 1e-6);
    }
}
