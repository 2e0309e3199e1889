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
    // Laurent de Soras' factoring of the same polynomial (9 operations instead of 12):
    // c1 = (x1 − xm1)/2, c3 = a, c2 = −b.
    let c1 = (x1 - xm1) * 0.5;
    let v = x0 - x1;
    let w = c1 + v;
    let a = w + v + (x2 - x0) * 0.5;
    let b = w + a;
    ((a * t - b) * t + c1) * t + x0
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
        // The same polynomial as the textbook coefficients.
        let (xm1, x0, x1, x2, t) = (0.3f32, -0.7, 0.9, 0.1, 0.37);
        let c2 = xm1 - 2.5 * x0 + 2.0 * x1 - 0.5 * x2;
        let c3 = 0.5 * (x2 - xm1) + 1.5 * (x0 - x1);
        let want = ((c3 * t + c2) * t + 0.5 * (x1 - xm1)) * t + x0;
        assert!((hermite(xm1, x0, x1, x2, t) - want).abs() < 1e-6);
    }
}
