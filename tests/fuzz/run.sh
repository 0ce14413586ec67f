#!/bin/sh
# run.sh -- run one libFuzzer target on a temporary copy of its seed corpus
#
# Usage:  sh tests/fuzz/run.sh [-t SECONDS] [-r RUNS] [-o LOG] [-k DIR] BUILD TARGET [-- LIBFUZZER-ARGS]
#   BUILD   the build directory where "make fuzz" built BUILD/tests/fuzz/TARGET
#   TARGET  fuzz_policy, fuzz_logline, fuzz_roundtrip, fuzz_mta_text or fuzz_smtp_reply
#   -t      stop after SECONDS (default 15; libFuzzer's -max_total_time)
#   -r      stop after RUNS inputs (default 200000; -runs)
#   -o      write libFuzzer's output to LOG instead of standard output
#   -k      keep the final corpus in DIR (for coverage reports); by default it is thrown away
#
# The seed corpus tests/fuzz/corpus/TARGET is copied to a temporary directory, so the
# checked-in corpus never changes; the target's own files (TMPDIR) go there too, and all of
# it is removed at the end. A crash (memory error, undefined behaviour, failed invariant,
# leak, timeout of 10 s on one input, out of memory) is copied to BUILD/tests/fuzz/ and
# the command to reproduce it is printed. Last line: "1 passed, 0 failed" when the run was
# clean, else "0 passed, 1 failed"; the exit status is 0 only when it was clean.
set -u

SECONDS_MAX=15 RUNS=200000 LOG= KEEP=
while getopts t:r:o:k: opt; do
    case $opt in
    t) SECONDS_MAX=$OPTARG ;;
    r) RUNS=$OPTARG ;;
    o) LOG=$OPTARG ;;
    k) KEEP=$OPTARG ;;
    *) echo "usage: $0 [-t SECONDS] [-r RUNS] [-o LOG] [-k DIR] BUILD TARGET [-- ARGS]" >&2; exit 2 ;;
    esac
done
shift $((OPTIND - 1))
[ $# -ge 2 ] || { echo "usage: $0 [-t SECONDS] [-r RUNS] [-o LOG] [-k DIR] BUILD TARGET" >&2; exit 2; }
BUILD=$(cd "$1" && pwd) TARGET=$2
shift 2
[ "${1:-}" = "--" ] && shift
SRC=$(cd "$(dirname "$0")" && pwd)
BIN=$BUILD/tests/fuzz/$TARGET
[ -x "$BIN" ] || { echo "$BIN: not built (make fuzz)"; echo "0 passed, 1 failed"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/$TARGET.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM
mkdir "$WORK/corpus" "$WORK/tmp" "$WORK/crash"
cp "$SRC/corpus/$TARGET"/* "$WORK/corpus/"
dict=
[ -f "$SRC/$TARGET.dict" ] && dict="-dict=$SRC/$TARGET.dict"

# shellcheck disable=SC2086 # $dict is one word or none
(cd "$WORK" && TMPDIR=$WORK/tmp ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1} \
    "$BIN" -max_total_time="$SECONDS_MAX" -runs="$RUNS" -max_len=8192 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$WORK/crash/" $dict "$@" \
    "$WORK/corpus") >"${LOG:-/dev/stdout}" 2>&1
status=$?

if [ -n "$KEEP" ]; then
    mkdir -p "$KEEP" && cp "$WORK/corpus"/* "$KEEP/"
fi
for f in "$WORK/crash"/*; do
    [ -f "$f" ] || continue
    saved=$BUILD/tests/fuzz/$TARGET-$(basename "$f")
    cp "$f" "$saved"
    echo "$TARGET: found $(basename "$f" | sed 's/-.*//'); reproduce with: $BIN $saved"
    status=1
done
if [ "$status" -eq 0 ]; then
    echo "$TARGET: clean"
    echo "1 passed, 0 failed"
else
    echo "$TARGET: FAILED (status $status)"
    echo "0 passed, 1 failed"
fi
exit "$status"
