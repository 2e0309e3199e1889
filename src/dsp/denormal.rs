//! Flush-to-zero: denormal (subnormal) floats make decaying feedback loops up to 100× slower on
//! x86, so effects run with denormals flushed to zero.
//!
//! x86-64: MXCSR bit 15 (FTZ) and bit 6 (DAZ), read and written with `stmxcsr`/`ldmxcsr`
//! (`_mm_setcsr` is deprecated since Rust 1.75). AArch64: FPCR bit 24 (FZ). Elsewhere: nothing
//! (effects also clear tiny values in their feedback paths). The mode is per thread, so it is set
//! around each chain's processing, on whichever thread renders, and restored afterwards: offline
//! and real-time renders stay bit-identical. See Firewheel's `ftz.rs` for the same idea.

/// Sets flush-to-zero (and denormals-are-zero) for as long as it lives, then restores the
/// previous mode.
///
/// # Real-time
/// Two register accesses; no allocation.
pub struct DenormalGuard {
    saved: usize,
}

impl DenormalGuard {
    /// Enables flush-to-zero on this thread until the guard is dropped.
    // audio thread: no alloc, lock, I/O or print
    #[inline]
    pub fn new() -> Self {
        let saved = read_mode();
        write_mode(saved | FLUSH_BITS);
        Self { saved }
    }
}

impl Default for DenormalGuard {
    fn default() -> Self {
        Self::new()
    }
}

impl Drop for DenormalGuard {
    #[inline]
    fn drop(&mut self) {
        write_mode(self.saved);
    }
}

#[cfg(target_arch = "x86_64")]
const FLUSH_BITS: usize = (1 << 15) | (1 << 6);
#[cfg(target_arch = "aarch64")]
const FLUSH_BITS: usize = 1 << 24;
#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
const FLUSH_BITS: usize = 0;

#[cfg(target_arch = "x86_64")]
#[inline]
fn read_mode() -> usize {
    let mut csr: u32 = 0;
    // SAFETY: stmxcsr stores the 32-bit MXCSR register to the given, valid address.
    unsafe { std::arch::asm!("stmxcsr [{}]", in(reg) &mut csr, options(nostack, preserves_flags)) };
    csr as usize
}

#[cfg(target_arch = "x86_64")]
#[inline]
fn write_mode(mode: usize) {
    let csr = mode as u32;
    // SAFETY: ldmxcsr loads MXCSR from a valid address; only the FTZ/DAZ bits differ from the
    // value just read, which changes rounding of subnormals only.
    unsafe {
        std::arch::asm!("ldmxcsr [{}]", in(reg) &csr, options(nostack, preserves_flags, readonly))
    };
}

#[cfg(target_arch = "aarch64")]
#[inline]
fn read_mode() -> usize {
    let fpcr: u64;
    // SAFETY: reading FPCR has no side effects.
    unsafe {
        std::arch::asm!("mrs {}, fpcr", out(reg) fpcr, options(nomem, nostack, preserves_flags))
    };
    fpcr as usize
}

#[cfg(target_arch = "aarch64")]
#[inline]
fn write_mode(mode: usize) {
    // SAFETY: only the FZ bit differs from the value just read.
    unsafe {
        std::arch::asm!("msr fpcr, {}", in(reg) mode as u64, options(nomem, nostack, preserves_flags))
    };
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn read_mode() -> usize {
    0
}

#[cfg(not(any(target_arch = "x86_64", target_arch = "aarch64")))]
fn write_mode(_: usize) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
    fn flushes_then_restores() {
        let tiny = std::hint::black_box(f32::MIN_POSITIVE);
        {
            let _g = DenormalGuard::new();
            assert_eq!(std::hint::black_box(tiny) * std::hint::black_box(0.5), 0.0);
        }
        assert!(std::hint::black_box(tiny) * std::hint::black_box(0.5) > 0.0);
    }
}
