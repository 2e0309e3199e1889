//! A progress bar on stderr, shown only on a terminal.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};

/// Makes a bar for the frames `total_frames` estimates (a spinner if unknown), or a hidden one
/// when `quiet` or when stderr is not a terminal; the estimate is only made for a visible bar.
pub(super) fn bar(quiet: bool, total_frames: impl FnOnce() -> Option<u64>) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    match total_frames() {
        Some(total) => {
            let bar = ProgressBar::new(total);
            if let Ok(style) = ProgressStyle::with_template(
                "{spinner} rendering [{bar:40}] {percent:>3}%  eta {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        }
        None => ProgressBar::new_spinner(),
    }
}
