#!/bin/sh
# report-bench.sh -- throughput and memory of tlspolicy-report (a benchmark, not a test)
#
# usage: BUILDDIR=/path/to/build tests/bench/report-bench.sh [LINES] [CLIENTS]
#
# Generates LINES (default 10,000,000) milter-tlspolicy log lines from
# CLIENTS (default 5,000) clients with tests/bench/gen_report_log (once;
# kept in $WORKDIR, default /tmp), warms the page cache, and runs the
# clients view on one core under /usr/bin/time -v. Prints lines per second
# of CPU time (user + system) and the peak resident set size. Then shows
# that memory follows the number of clients, not of lines: a tenth of the
# lines with the same clients, and the same lines with ten times the
# clients. Needs GNU time (Debian: apt-get install time).
set -eu

BUILDDIR=${BUILDDIR:-.}
WORKDIR=${WORKDIR:-/tmp}
LINES=${1:-10000000}
CLIENTS=${2:-5000}
REPORT=$BUILDDIR/contrib/report/tlspolicy-report
GEN=$BUILDDIR/tests/bench/gen_report_log
PIN=
command -v taskset > /dev/null && PIN="taskset -c 0"

gen() { # gen LINES CLIENTS -> path
	f=$WORKDIR/report-bench-$1-$2.log
	[ -s "$f" ] || "$GEN" -n "$1" -c "$2" -d 60 > "$f"
	echo "$f"
}

run() { # run LABEL LINES FILE [ARGS...]
	label=$1 n=$2 f=$3
	shift 3
	cat "$f" > /dev/null
	$PIN /usr/bin/time -v "$REPORT" "$@" -o /dev/null "$f" 2> "$WORKDIR/report-bench.time"
	awk -v label="$label" -v n="$n" -v bytes="$(wc -c < "$f")" '
	    /User time/ { u = $NF } /System time/ { s = $NF }
	    /Elapsed/ { e = $NF } /Maximum resident/ { m = $NF }
	    END { cpu = u + s
	          printf "%-34s %11d lines %7.1f MB  cpu %6.2f s (user %.2f sys %.2f) wall %s  %9.0f lines/s  %6.1f MB/s  peak RSS %d KB\n",
	              label, n, bytes / 1e6, cpu, u, s, e, n / cpu, bytes / 1e6 / cpu, m }' \
	    "$WORKDIR/report-bench.time"
}

BIG=$(gen "$LINES" "$CLIENTS")
SMALL=$(gen $((LINES / 10)) "$CLIENTS")
MANY=$(gen "$LINES" $((CLIENTS * 10)))
echo "# $(uname -m), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $PIN"
run "clients view, text" "$LINES" "$BIG" clients
run "clients view, json" "$LINES" "$BIG" clients --format json
run "clients view, 1/10 of the lines" $((LINES / 10)) "$SMALL" clients
run "clients view, 10x the clients" "$LINES" "$MANY" clients
run "html (every view and chart)" "$LINES" "$BIG" --format html
if [ "${BENCH_GZIP:-0}" = 1 ]; then
	[ -s "$SMALL.gz" ] || gzip -c "$SMALL" > "$SMALL.gz"
	run "clients view, gzip input" $((LINES / 10)) "$SMALL.gz" clients
fi
