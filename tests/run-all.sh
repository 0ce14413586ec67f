#!/bin/sh
# run-all.sh -- build milter-tlspolicy and run every test suite (README's test command; CI runs it).
#
# Usage (as root on Debian 12, from anywhere):  sh tests/run-all.sh
#
# Steps, each reported as it runs:
#   1. install the Debian packages the build and the tests need (tests/install-deps.sh);
#   2. build out of tree in build/ with -Wall -Wextra -Werror and run the CUnit suites (make check);
#   3. build again in build-asan/ with AddressSanitizer + UndefinedBehaviorSanitizer and rerun them;
#   4. run every CUnit program once more under valgrind (errors and leaks fail), and the
#      threaded snapshot test under helgrind (data races and lock misuse fail);
#   4b. build the libFuzzer targets (make fuzz; needs clang) and run each ~15 s on a copy of its
#      seed corpus (tests/fuzz/run.sh; a clean run counts 1 passed);
#   5. run the end-to-end suites tests/e2e/*/test_*.sh against real MTAs on loopback (needs root);
#   6. build the .deb (packaging/debian/build-deb.sh), lintian it, install it and run
#      tests/e2e/package/test_installed.sh against the installed files through a private Postfix, then purge.
# The e2e suites find the programs through MILTER, PROBE and REPORT (exported here).
# Environment: RUN_ALL_SKIP="asan valgrind fuzz e2e package" skips steps (for quick local runs; CI skips nothing);
#   RUN_ALL_E2E="postfix/test_milter.sh ..." runs only those e2e suites.
# Last line: "N passed, N failed", summed over every suite; the exit status is 0 only if nothing failed.
set -u

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/build
ASAN=$TOP/build-asan
SKIP=${RUN_ALL_SKIP:-}
PASSED=0
FAILED=0
FAILED_SUITES=""
JOBS=$(nproc 2>/dev/null || echo 2)

step() { printf '\n==== %s\n' "$*"; }
skipped() { case " $SKIP " in *" $1 "*) return 0 ;; esac; return 1; }

# Count one suite: its tests from the CUnit summary or the "N passed, N failed" line.
count() { # NAME STATUS LOGFILE
    name=$1 status=$2 log=$3
    line=$(grep -E '^ +tests +[0-9]+' "$log" | tail -n 1)
    if [ -n "$line" ]; then
        set -- $line
        p=$4 f=$5
    else
        line=$(grep -E '(^|: )[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1 | sed 's/^[a-z]*: //')
        p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
        f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
    fi
    p=${p:-0} f=${f:-0}
    # A suite that exits non-zero but counted no failure (a crash, a build error) counts as one.
    if [ "$status" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
    PASSED=$((PASSED + p))
    FAILED=$((FAILED + f))
    [ "$f" -eq 0 ] || FAILED_SUITES="$FAILED_SUITES $name"
    printf '%-48s %4d passed, %d failed\n' "$name" "$p" "$f"
}

# configure (if needed) and build one tree; CONFIGURE_ARGS follow the directory.
build_tree() { # DIR ARGS...
    dir=$1
    shift
    mkdir -p "$dir"
    if [ ! -f "$dir/Makefile" ]; then
        (cd "$dir" && "$TOP/configure" -q "$@") || return 1
    fi
    make -C "$dir" -j"$JOBS" -s >"$dir/build.log" 2>&1 || { tail -n 40 "$dir/build.log"; return 1; }
}

# Run make check in DIR and count each unit program's CUnit summary.
unit_suites() { # DIR LABEL
    make -C "$1" -j"$JOBS" -s check >"$1/check.log" 2>&1
    for log in "$1"/tests/unit/test_*.log; do
        [ -f "$log" ] || continue
        prog=${log%.log}
        status=0
        grep -q '^FAIL\|^ERROR' "$prog.trs" 2>/dev/null && status=1
        count "$2 $(basename "$prog")" "$status" "$log"
    done
}

step "1. Debian packages"
sh "$TOP/tests/install-deps.sh" || { echo "install-deps failed"; echo "0 passed, 1 failed"; exit 1; }

step "2. build (-Werror) and unit tests"
if [ ! -x "$TOP/configure" ] || [ "$TOP/configure.ac" -nt "$TOP/configure" ]; then
    (cd "$TOP" && autoreconf -fi >/dev/null 2>&1) || { echo "autoreconf failed"; exit 1; }
fi
if build_tree "$BUILD" --enable-werror; then
    unit_suites "$BUILD" unit
else
    count "build" 1 /dev/null
fi

if ! skipped asan; then
    step "3. unit tests under ASan + UBSan"
    if build_tree "$ASAN" --enable-werror --enable-sanitizers; then
        ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 unit_suites "$ASAN" asan
    else
        count "asan build" 1 /dev/null
    fi
fi

if ! skipped valgrind; then
    step "4. unit tests under valgrind"
    for prog in "$BUILD"/tests/unit/test_*; do
        case $prog in *.o | *.log | *.trs) continue ;; esac
        [ -x "$prog" ] || continue
        log=$BUILD/valgrind-$(basename "$prog").log
        (cd "$BUILD/tests/unit" && valgrind -q --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect "$prog") >"$log" 2>&1
        count "valgrind $(basename "$prog")" $? "$log"
    done
    log=$BUILD/helgrind-test_snapshot_threads.log
    (cd "$BUILD/tests/unit" && valgrind -q --tool=helgrind --error-exitcode=99 \
        ./test_snapshot_threads) >"$log" 2>&1
    count "helgrind test_snapshot_threads" $? "$log"
fi

if ! skipped fuzz; then
    step "4b. libFuzzer smoke runs (tests/fuzz)"
    if ! make -C "$BUILD" -s fuzz >"$BUILD/fuzz-build.log" 2>&1; then
        tail -n 20 "$BUILD/fuzz-build.log"
        count "fuzz build" 1 /dev/null
    elif grep -q 'make fuzz: skipped' "$BUILD/fuzz-build.log"; then
        cat "$BUILD/fuzz-build.log"
    else
        for target in $(ls "$TOP/tests/fuzz/corpus"); do
            [ -x "$BUILD/tests/fuzz/$target" ] || continue # its program is configured out
            log=$BUILD/fuzz-$target.log
            sh "$TOP/tests/fuzz/run.sh" -o "$log.libfuzzer" "$BUILD" "$target" >"$log" 2>&1
            status=$?
            count "fuzz $target" $status "$log"
            [ "$status" -eq 0 ] || { grep -a -A3 'INVARIANT\|ERROR\|runtime error' "$log.libfuzzer" |
                head -n 12; cat "$log"; }
        done
    fi
fi

if ! skipped e2e; then
    step "5. end-to-end suites against real MTAs"
    export MILTER="$BUILD/milter/milter-tlspolicy" PROBE="$BUILD/contrib/probe/tlspolicy-probe"
    export REPORT="$BUILD/contrib/report/tlspolicy-report" TLSPOLICY_BUILD="$BUILD"
    suites=${RUN_ALL_E2E:-$(cd "$TOP/tests/e2e" && ls */test_*.sh | grep -v '^package/')}
    for suite in $suites; do
        log=$BUILD/e2e-$(echo "$suite" | tr / -).log
        printf '  running %s ...\n' "$suite"
        bash "$TOP/tests/e2e/$suite" >"$log" 2>&1
        status=$?
        count "e2e $suite" $status "$log"
        [ "$status" -eq 0 ] || tail -n 25 "$log"
    done
fi

if ! skipped package; then
    step "6. the Debian package, as installed"
    log=$BUILD/e2e-package.log
    bash "$TOP/tests/e2e/package/test_installed.sh" >"$log" 2>&1
    status=$?
    count "package test_installed.sh" $status "$log"
    [ "$status" -eq 0 ] || tail -n 25 "$log"
fi

step "summary"
[ -z "$FAILED_SUITES" ] || echo "failed:$FAILED_SUITES"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
