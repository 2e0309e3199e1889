#!/usr/bin/env bash
# End-to-end mix benchmark: `tutti mix` against `sox -m -v 1` and
# `ffmpeg -filter_complex amix=inputs=16:normalize=0`, in the same run, on 16 stereo 48 kHz
# stems of 60 s, once as 24-bit FLAC and once as 16-bit WAV. Every tool writes a 32-bit float
# WAV. Prints each tool's best wall time of N runs, its peak RSS, and the ratios.
#
# Then the same 16 FLAC stems as one 16-track Matroska song: `tutti mix song.mka` against
# `ffmpeg -i song.mka -filter_complex amix=inputs=16:normalize=0`.
#
# Usage: scripts/bench-mix.sh [SECONDS=60] [RUNS=3]     (needs sox, ffmpeg and GNU time)
set -euo pipefail
seconds=${1:-60}
runs=${2:-3}
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_DIR:-$root/target/bench-mix}
mkdir -p "$work"
for tool in sox ffmpeg /usr/bin/time; do
  command -v "$tool" >/dev/null || { echo "bench-mix: $tool is required (apt-get install sox ffmpeg time)" >&2; exit 1; }
done
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
tutti=$root/target/release/tutti

make_stems() { # $1 = extension, $2 = bits
  local i
  for i in $(seq 1 16); do
    local f="$work/stem$i.$1"
    [ -f "$f" ] && [ "$(soxi -D "$f")" = "$seconds.000000" ] && continue
    sox -n -r 48000 -c 2 -b "$2" "$f" synth "$seconds" sine $((100 * i)) pinknoise vol 0.05 2>/dev/null
  done
}

# Runs a command $runs times; prints "best_seconds peak_rss_kib".
measure() {
  local best="" rss=0 t
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" >/dev/null 2>&1
    read -r t r < "$work/time.txt"
    if [ -z "$best" ] || awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
    [ "$r" -gt "$rss" ] && rss=$r
  done
  echo "$best $rss"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "16 stereo stems x ${seconds} s at 48 kHz, best of $runs runs, output 32-bit float WAV"
for set in "flac 24" "wav 16"; do
  read -r ext bits <<< "$set"
  make_stems "$ext" "$bits"
  inputs=("$work"/stem{1..16}."$ext")
  sox_args=(); ff_args=()
  for f in "${inputs[@]}"; do sox_args+=(-v 1 "$f"); ff_args+=(-i "$f"); done
  read -r t_tutti m_tutti < <(measure "$tutti" mix "${inputs[@]}" -o "$work/out-tutti.wav" -q)
  read -r t_sox m_sox < <(measure sox -m "${sox_args[@]}" -e floating-point -b 32 "$work/out-sox.wav")
  read -r t_ff m_ff < <(measure ffmpeg -y -loglevel error "${ff_args[@]}" \
    -filter_complex "amix=inputs=16:normalize=0" -c:a pcm_f32le "$work/out-ffmpeg.wav")
  echo
  echo "== $bits-bit ${ext^^} stems"
  printf "%-8s %8s s %8d KiB peak RSS\n" tutti "$t_tutti" "$m_tutti" sox "$t_sox" "$m_sox" ffmpeg "$t_ff" "$m_ff"
  awk -v t="$t_tutti" -v s="$t_sox" -v f="$t_ff" 'BEGIN {
    printf "tutti is %.2fx faster than sox and %.2fx faster than ffmpeg\n", s / t, f / t }'
done

# The 16 FLAC stems in one Matroska song (packets copied, not re-encoded).
mka="$work/song.mka"
if [ ! -f "$mka" ] || [ "$mka" -ot "$work/stem16.flac" ]; then
  pack=(); maps=()
  for i in $(seq 1 16); do pack+=(-i "$work/stem$i.flac"); maps+=(-map "$((i - 1)):a"); done
  ffmpeg -y -loglevel error "${pack[@]}" "${maps[@]}" -c:a copy "$mka"
fi
labels=""
for i in $(seq 0 15); do labels+="[0:a:$i]"; done
read -r t_tutti m_tutti < <(measure "$tutti" mix "$mka" -o "$work/out-tutti.wav" -q)
read -r t_ff m_ff < <(measure ffmpeg -y -loglevel error -i "$mka" \
  -filter_complex "${labels}amix=inputs=16:normalize=0" -c:a pcm_f32le "$work/out-ffmpeg.wav")
echo
echo "== one 16-track Matroska song (24-bit FLAC tracks)"
printf "%-8s %8s s %8d KiB peak RSS\n" tutti "$t_tutti" "$m_tutti" ffmpeg "$t_ff" "$m_ff"
awk -v t="$t_tutti" -v f="$t_ff" 'BEGIN { printf "tutti is %.2fx faster than ffmpeg\n", f / t }'
