//! The terminal UI of `tutti play`: transport, position, per-track meters, the render budget and
//! underruns; keys to play, seek, mute, solo and change gains.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use crossterm::event::{self, Event, KeyCode, KeyEventKind};
use crossterm::{cursor, execute, terminal};
use tutti::output::device::DeviceOutput;
use tutti::render::Engine;

use super::CliError;

const HELP: &str = "space play/pause  ←/→ seek 5 s  1-9 track  m mute  s solo  +/- gain  q quit";

/// Runs until `q`, Ctrl-C, `stop`, or the end of the material.
pub(super) fn run(
    engine: &Engine,
    device: &DeviceOutput,
    stop: &AtomicBool,
) -> Result<(), CliError> {
    engine.stats().enable_metering();
    terminal::enable_raw_mode()?;
    let result = event_loop(engine, device, stop);
    let _ = terminal::disable_raw_mode();
    eprintln!();
    result
}

fn event_loop(engine: &Engine, device: &DeviceOutput, stop: &AtomicBool) -> Result<(), CliError> {
    let mut selected = 1usize;
    let mut err = std::io::stderr();
    while !stop.load(Ordering::Relaxed) && !device.finished() {
        draw(&mut err, engine, selected)?;
        if !event::poll(Duration::from_millis(80))? {
            continue;
        }
        let Event::Key(key) = event::read()? else {
            continue;
        };
        if key.kind != KeyEventKind::Press {
            continue;
        }
        let tracks = engine.track_names().len();
        let _ = match key.code {
            KeyCode::Char('q') | KeyCode::Esc => break,
            KeyCode::Char('c') if key.modifiers.contains(event::KeyModifiers::CONTROL) => break,
            KeyCode::Char(' ') if engine.stats().is_playing() => engine.pause(),
            KeyCode::Char(' ') => engine.play(),
            KeyCode::Left => engine.seek((engine.position_seconds() - 5.0).max(0.0)),
            KeyCode::Right => engine.seek(engine.position_seconds() + 5.0),
            KeyCode::Char(c @ '1'..='9') => {
                selected = (c as usize - '0' as usize).min(tracks.max(1));
                Ok(())
            }
            KeyCode::Char('m') => engine.update_track(selected, |c| c.mute = !c.mute),
            KeyCode::Char('s') => engine.update_track(selected, |c| c.solo = !c.solo),
            KeyCode::Char('+') | KeyCode::Char('=') => {
                engine.update_track(selected, |c| c.gain_db = (c.gain_db + 1.0).min(24.0))
            }
            KeyCode::Char('-') => {
                engine.update_track(selected, |c| c.gain_db = (c.gain_db - 1.0).max(-96.0))
            }
            _ => Ok(()),
        };
    }
    Ok(())
}

/// A meter bar for a linear level, 24 characters over −48..0 dBFS.
fn bar(level: f32) -> String {
    let db = if level > 0.0 {
        20.0 * level.log10()
    } else {
        -96.0
    };
    let n = (((db + 48.0) / 48.0).clamp(0.0, 1.0) * 24.0).round() as usize;
    format!("{:<24}", "#".repeat(n))
}

fn draw(out: &mut impl Write, engine: &Engine, selected: usize) -> std::io::Result<()> {
    let stats = engine.stats();
    let report = stats.budget_report();
    let levels = stats.take_levels();
    let underruns = stats.track_underruns();
    execute!(
        out,
        cursor::MoveTo(0, 0),
        terminal::Clear(terminal::ClearType::All)
    )?;
    let pos = engine.position_seconds();
    write!(
        out,
        "tutti  {}  {}:{:06.3}\r\n",
        if stats.is_playing() {
            "▶ playing"
        } else {
            "⏸ paused "
        },
        (pos / 60.0) as u64,
        pos % 60.0
    )?;
    write!(
        out,
        "render p50 {:.1} %  p99 {:.1} %  max {:.1} % of budget   underruns {}   xruns {}\r\n\r\n",
        report.p50_percent,
        report.p99_percent,
        report.max_percent,
        stats.underruns(),
        stats.xruns()
    )?;
    for (i, name) in engine.track_names().iter().enumerate() {
        let c = engine.track(i + 1).unwrap_or_default();
        let (peak, rms) = levels.get(i).copied().unwrap_or_default();
        write!(
            out,
            "{} {:>2} {:<16.16} {:+6.1} dB {}{} |{}| rms {:5.1} dB  {}\r\n",
            if i + 1 == selected { '>' } else { ' ' },
            i + 1,
            name,
            c.gain_db,
            if c.mute { 'M' } else { '-' },
            if c.solo { 'S' } else { '-' },
            bar(peak),
            if rms > 0.0 { 20.0 * rms.log10() } else { -96.0 },
            if underruns.get(i).copied().unwrap_or(0) > 0 {
                format!("{} underruns", underruns[i])
            } else {
                String::new()
            }
        )?;
    }
    write!(out, "\r\n{HELP}\r\n")?;
    out.flush()
}
