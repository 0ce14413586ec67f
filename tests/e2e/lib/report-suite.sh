# shellcheck shell=bash
# report-suite.sh -- what the Postfix suites of tlspolicy-report share (bash; source it, don't run it).
#
#   . "$HERE/../lib/report-suite.sh"
#   rs_init "${1:-}"         # root, the three programs, e2e_init, TZ=UTC
#   rs_postfix_setup         # the test "private Postfix and milter-tlspolicy start" begins
#   cat > "$E2E_WORK/policy.yaml" ...
#   rs_milter_start          # ... and ends: milter-tlspolicy -L $MLOG and Postfix run
#   RS_SUBJECT="report e2e"
#   rs_session 2 0 "$PF_PORT_MX" --source 127.0.0.12 --tls none ...
#
#   rs_init [BUILDDIR]       BUILDDIR (default: $TLSPOLICY_BUILD, else $BUILDDIR, else the source tree)
#                            holds milter/milter-tlspolicy, contrib/report/tlspolicy-report and
#                            contrib/probe/tlspolicy-probe; sets BUILDDIR, MILTER, REPORT and PROBE
#                            (each kept when already set, as tests/run-all.sh sets them). Not root or
#                            a program not built: says so, "0 passed, 1 failed", exit 1.
#   rs_postfix_setup         allocates MILTER_PORT, sets HARNESS_MILTER and MLOG ($E2E_WORK/milter.log),
#                            begins that test and runs pf_setup (on failure: the summary, exit 1).
#   rs_milter_start          starts milter-tlspolicy -f -c $E2E_WORK/policy.yaml on MILTER_PORT logging
#                            to MLOG, then Postfix; ends the test (on failure: the summary, exit 1).
#   rs_session N EXPECTED_EXIT PORT PROBE-ARGS...
#                            N messages, one tlspolicy-probe session each, to rcpt$SENT@example.test with
#                            the subject "$RS_SUBJECT $SENT"; fails the current test at the first exit
#                            status other than EXPECTED_EXIT. SENT counts the messages of the run.

# shellcheck source=tests/e2e/lib/postfix-harness.sh
. "$(dirname "${BASH_SOURCE[0]}")/postfix-harness.sh"

RS_SUBJECT=${RS_SUBJECT:-e2e}
SENT=0

rs_init() {
	local b
	[ "$(id -u)" = 0 ] || { echo "must run as root"; echo "0 passed, 1 failed"; exit 1; }
	BUILDDIR=${1:-${TLSPOLICY_BUILD:-${BUILDDIR:-$E2E_LIB_DIR/../../..}}}
	BUILDDIR=$(cd "$BUILDDIR" && pwd)
	MILTER=${MILTER:-$BUILDDIR/milter/milter-tlspolicy}
	REPORT=${REPORT:-$BUILDDIR/contrib/report/tlspolicy-report}
	PROBE=${PROBE:-$BUILDDIR/contrib/probe/tlspolicy-probe}
	for b in "$MILTER" "$REPORT" "$PROBE"; do
		[ -x "$b" ] || { echo "$b not built"; echo "0 passed, 1 failed"; exit 1; }
	done
	e2e_init
	export TZ=UTC
}

rs_postfix_setup() {
	e2e_alloc_port MILTER_PORT
	# shellcheck disable=SC2034  # read by pf_setup
	HARNESS_MILTER=inet:127.0.0.1:$MILTER_PORT
	MLOG=$E2E_WORK/milter.log
	t_begin "private Postfix and milter-tlspolicy start"
	if ! pf_setup; then
		t_fail "pf_setup failed"; t_summary; exit 1
	fi
}

rs_milter_start() {
	e2e_bg milter "$MILTER" -f -c "$E2E_WORK/policy.yaml" -p "inet:$MILTER_PORT@127.0.0.1" -L "$MLOG"
	if wait_for "e2e_port_listening $MILTER_PORT" 10 && pf_start; then
		t_end
	else
		t_fail "milter or Postfix did not start"; t_note "$(cat "$E2E_WORK/logs/milter.log" 2>/dev/null)"
		t_summary; exit 1
	fi
}

rs_session() {
	local n=$1 want=$2 port=$3 i out rc
	shift 3
	for ((i = 0; i < n; i++)); do
		out=$("$PROBE" send "127.0.0.1:$port" --timeout 20 --to "rcpt$SENT@example.test" \
		    --subject "$RS_SUBJECT $SENT" "$@" 2>&1)
		rc=$?
		SENT=$((SENT + 1))
		if [ "$rc" != "$want" ]; then
			t_fail "probe send $* exited $rc, want $want"
			t_note "$out"
			return 1
		fi
	done
}
