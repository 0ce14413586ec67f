#!/bin/bash
# test_valgrind.sh -- a short end-to-end run of milter-tlspolicy under valgrind, through a real Postfix.
#
# The daemon runs under memcheck while real TLS clients (tlspolicy-probe) drive every action through a
# private Postfix: accept, tag with a Subject prefix, defer (421), reject (550), reroute, hold, a forged
# audit header, plaintext and TLS 1.0-1.3, AUTH; then a SIGHUP reload, a bad reload, more mail, and
# SIGTERM. Valgrind must report no errors and nothing definitely or indirectly lost.
#
# Environment: MILTER, PROBE (the programs; default: the in-tree build), KEEP_WORK=1.
# Last line: "N passed, N failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/postfix-harness.sh"

TOP=$(cd "$HERE/../../.." && pwd)
MILTER=${MILTER:-$TOP/build/milter/milter-tlspolicy}
PROBE=${PROBE:-$TOP/build/contrib/probe/tlspolicy-probe}
e2e_init

# libmilter needs a few seconds to stop, more under valgrind.
E2E_KILL_GRACE=${E2E_KILL_GRACE:-30}

t_begin "programs and valgrind are there"
if [ -x "$MILTER" ] && [ -x "$PROBE" ] && command -v valgrind >/dev/null; then
	t_pass
else
	t_fail "need $MILTER, $PROBE and valgrind"
	t_summary
	exit 1
fi

e2e_alloc_port MILTER_PORT
pf_setup "$E2E_WORK/postfix" >/dev/null
POLICY=$E2E_WORK/policy.yaml
cat >"$POLICY" <<EOF
version: 1
settings: { sticky_secret: valgrind }
rules:
  - { name: modern, match: { tls: ">= TLSv1.3" }, action: accept }
  - { name: tag12, match: { tls: TLSv1.2, authenticated: false }, action: tag, subject_prefix: "[TLS]" }
  - { name: auth-legacy, match: { authenticated: true, tls: [TLSv1, TLSv1.1] }, action: defer }
  - { name: legacy-in, match: { listener: legacy-in }, action: reroute,
      relay: "smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY" }
  - { name: printer, match: { client: 127.0.0.77 }, action: hold, reason: "printer check" }
  - { name: plain, match: { tls: none }, action: reject }
default: { action: tag }
EOF
VG_LOG=$E2E_WORK/valgrind.log
TXN_LOG=$E2E_WORK/txn.log
e2e_bg milter valgrind --leak-check=full --errors-for-leak-kinds=definite,indirect \
	--log-file="$VG_LOG" "$MILTER" -f -c "$POLICY" -p "inet:$MILTER_PORT@127.0.0.1" -L "$TXN_LOG"
MILTER_PID=$E2E_BG_PID

t_begin "the daemon starts under valgrind"
if wait_for "ss -ltn | grep -q '127.0.0.1:$MILTER_PORT '" 60; then t_pass; else t_fail "no listener"; fi
HARNESS_MILTER="inet:127.0.0.1:$MILTER_PORT"
pf_set_milter "$HARNESS_MILTER" >/dev/null
pf_conf milter_command_timeout=60s milter_content_timeout=60s
pf_start >/dev/null

send() { # EXPECTED-OUTCOME PORT PROBE-ARGS...
	local want=$1 port=$2 got
	shift 2
	got=$("$PROBE" send "127.0.0.1:$port" --quiet --timeout 60 --from s@client.test \
		--to r@example.test "$@" 2>&1 | tail -n 1)
	assert_match "^$want" "$got"
}

t_begin "every action through Postfix"
send "accepted 250" "$PF_PORT_MX" --tls 1.3
send "accepted 250" "$PF_PORT_MX" --tls 1.2
send "deferred 421 4.7.66" "$PF_PORT_SUBMISSION" --tls 1.0 --auth alice:secret123
send "accepted 250" "$PF_PORT_LEGACY" --tls 1.1
send "accepted 250" "$PF_PORT_MX" --tls 1.0 --source 127.0.0.77
send "rejected 550 5.7.66" "$PF_PORT_MX" --tls none
send "accepted 250" "$PF_PORT_MX" --tls 1.3 --header "X-TLS-Policy: forged"
t_end

t_begin "reload, a bad reload, and more mail"
cp "$POLICY" "$POLICY.good"
echo "rules: [ {name: x" >>"$POLICY"
kill -HUP "$MILTER_PID"
sleep 2
cp "$POLICY.good" "$POLICY"
kill -USR1 "$MILTER_PID"
sleep 2
send "accepted 250" "$PF_PORT_MX" --tls 1.2
send "accepted 250" "$PF_PORT_MX" --tls 1.1
t_end

t_begin "mail delivered where the policy says"
pf_wait_queue_empty 30 || true
assert_eq 5 "$(pf_sink_count "$PF_SINK_MAIN")" "main sink"
assert_eq 1 "$(pf_sink_count "$PF_SINK_LEGACY")" "legacy sink"
assert_eq 1 "$(pf_hold_queue_ids | wc -l)" "held"
assert_eq 9 "$(grep -c ' rule=' "$TXN_LOG")" "log lines"
t_end

t_begin "SIGTERM stops the daemon cleanly"
kill -TERM "$MILTER_PID"
if wait_for "! kill -0 $MILTER_PID 2>/dev/null" 60; then t_pass; else t_fail "still running"; fi

t_begin "valgrind: no errors, no leaks"
errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$VG_LOG" | tail -n 1)
definite=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$VG_LOG" | tail -n 1)
indirect=$(sed -n 's/.*indirectly lost: \([0-9,]*\) bytes.*/\1/p' "$VG_LOG" | tail -n 1)
t_note "valgrind: errors=${errors:-?} definitely lost=${definite:-0} indirectly lost=${indirect:-0}"
assert_eq 0 "${errors:-missing}"
assert_eq 0 "${definite:-0}"
assert_eq 0 "${indirect:-0}"
grep -q "ERROR SUMMARY" "$VG_LOG" || t_fail "valgrind wrote no summary (see $VG_LOG)"
t_end

t_summary
