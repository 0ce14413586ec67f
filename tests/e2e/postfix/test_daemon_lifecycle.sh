#!/bin/bash
# shellcheck disable=SC2034  # the MC_* settings are read by tests/e2e/lib/milter-cases.sh
# test_daemon_lifecycle.sh -- start, stop, log file, reload and descriptor limits of the daemon
#
# Usage (as root, from the build directory, or with MILTER/PROBE set):
#     tests/e2e/postfix/test_daemon_lifecycle.sh
#
# The daemon's life around the mail, with a private Postfix (tests/e2e/lib/postfix-harness.sh)
# for the transactions:
#   - SIGTERM with no session open stops within a second (libmilter alone: 3-5 s), and removes
#     the unix socket and the pid file, also after -u; a pid file in a directory the run-as user
#     cannot write is emptied instead, with a warning;
#   - -L FILE with -u: the file belongs to the run-as user (group adm), mode 0640; after a rename
#     SIGUSR2 makes a new file that gets the next line; a reopen that fails is logged and the old
#     file is kept;
#   - a transaction that did not complete (RSET, QUIT after RCPT) is logged once, action=abort;
#   - a reload stuck on a FIFO policy does not keep SIGTERM from stopping the daemon;
#   - a descriptor limit below the documented capacity is warned about at start; with more
#     sessions than descriptors the daemon says "out of descriptors", does not spin (CPU measured)
#     and accepts the waiting sessions once descriptors are free again.
# Last line: "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/../lib/milter-cases-postfix.sh"

mc_init
RUN_AS=nobody

PF_MAIN_EXTRA="smtpd_peername_lookup = no" HARNESS_MILTER="inet:127.0.0.1:$MPORT" pf_setup \
    || { echo "pf_setup failed"; exit 2; }
MC_SINK_LEGACY_PORT=$PF_PORT_SINK_LEGACY
MAIN=$(policy main)
pf_start || { echo "pf_start failed"; exit 2; }
RUN=$E2E_WORK/run
mkdir -p "$RUN"
chown "$RUN_AS" "$RUN"

# ms_since START_NS: milliseconds since a `date +%s%N`
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

# stop_timed: SIGTERM, wait; STOP_RC and STOP_MS
stop_timed() {
    local t0
    t0=$(date +%s%N)
    milter_stop
    STOP_MS=$(ms_since "$t0")
}

# ---------------------------------------------------------------- stop: prompt, and tidy

t_begin "SIGTERM when idle: stops within 1 s, socket and pid file removed (with -u)"
milter_start "$MAIN" -p "unix:$RUN/milter.sock" -m 0666 -u "$RUN_AS" -P "$RUN/milter.pid" || t_fail "no start"
[ -S "$RUN/milter.sock" ] || t_fail "no socket"
assert_eq "$MPID" "$(cat "$RUN/milter.pid" 2>/dev/null)" "pid file"
stop_timed
t_note "stop took $STOP_MS ms"
assert_eq 0 "$STOP_RC" "exit status"
[ "$STOP_MS" -lt 1000 ] || t_fail "stop took $STOP_MS ms"
assert_eq "" "$(ls -A "$RUN")" "socket and pid file removed"
t_end

t_begin "SIGTERM: pid file in a directory the run-as user cannot write is emptied"
mkdir -p "$E2E_WORK/rootdir"; chmod 755 "$E2E_WORK/rootdir"
milter_start "$MAIN" -u "$RUN_AS" -P "$E2E_WORK/rootdir/milter.pid" || t_fail "no start"
assert_eq "$RUN_AS" "$(stat -c %U "$E2E_WORK/rootdir/milter.pid")" "pid file given to the run-as user"
stop_timed
assert_eq 0 "$STOP_RC" "exit status"
[ -e "$E2E_WORK/rootdir/milter.pid" ] && [ ! -s "$E2E_WORK/rootdir/milter.pid" ] || t_fail "pid file not emptied"
assert_file_contains "$MLOG" "warning: cannot remove pid file $E2E_WORK/rootdir/milter.pid .*emptied it instead"
t_end

t_begin "SIGTERM with a session open: no new sessions, the open one is served to its end, then stop"
milter_start "$MAIN" || t_fail "no start"
exec 5<>"/dev/tcp/127.0.0.1/$PF_PORT_MX"
_mc_read_reply > /dev/null
_mc_smtp_line "EHLO open.test"; _mc_read_reply > /dev/null
t0=$(date +%s%N)
kill -TERM "$MPID"
sleep 1
kill -0 "$MPID" 2>/dev/null || t_fail "stopped under an open session"
send during-stop "127.0.0.1:$PF_PORT_MX" 1.2 --to rcpt@example.test
assert_match '^(deferred 45[14] |failed )' "$LAST" "a new session while stopping: the milter is not there"
_mc_smtp_line "MAIL FROM:<grace@client.test>"; _mc_read_reply > /dev/null
_mc_smtp_line "RCPT TO:<rcpt@example.test>"; _mc_read_reply > /dev/null
_mc_smtp_line "DATA"; _mc_read_reply > /dev/null
printf 'Subject: grace\r\n\r\nbody\r\n.\r\n' >&5
r=$(_mc_read_reply | tail -n 1)
assert_match '^250 2\.0\.0 Ok: queued as ' "$r" "the open session's message accepted after SIGTERM"
_mc_smtp_line QUIT; _mc_read_reply > /dev/null; exec 5>&-
t1=$(date +%s%N)
wait "$MPID"; STOP_RC=$?; MPID=
t_note "stopped $(ms_since "$t1") ms after the session's QUIT ($(ms_since "$t0") ms after SIGTERM)"
[ $(( ($(date +%s%N) - t1) / 1000000 )) -lt 2000 ] || t_fail "stop did not follow the session's end"
expect_fields "$(txn_line 'from=<grace@client.test>')" "action=accept"
assert_file_lacks "$MLOG" "stopping with [0-9]+ sessions still open"
assert_eq 0 "$STOP_RC" "exit status"
t_end

# ---------------------------------------------------------------- -L FILE with -u, SIGUSR2

t_begin "-L FILE with -u: owned by the run-as user, SIGUSR2 after a rename makes a new file"
LOGDIR=$E2E_WORK/logdir
mkdir -p "$LOGDIR"; chown "$RUN_AS" "$LOGDIR"
SAVED_TXN_LOG=$TXN_LOG
TXN_LOG=$LOGDIR/txn.log
milter_start "$MAIN" -u "$RUN_AS" || t_fail "no start"
assert_eq "-rw-r----- $RUN_AS $(getent group adm > /dev/null && echo adm || id -gn "$RUN_AS")" \
    "$(stat -c '%A %U %G' "$TXN_LOG")" "log file mode and owner"
send before-rotate "127.0.0.1:$PF_PORT_MX" 1.2 --to rcpt@example.test
assert_eq 0 "$RC" "accepted"
wait_txn " $QID: " || t_fail "no line before the rotation"
mv "$TXN_LOG" "$TXN_LOG.1"
kill -USR2 "$MPID"
wait_for "grep -q 'log file reopened: $TXN_LOG' '$MLOG'" 5 || t_fail "no reopen logged"
[ -f "$TXN_LOG" ] || t_fail "no new log file"
send after-rotate "127.0.0.1:$PF_PORT_MX" 1.2 --to rcpt@example.test
assert_eq 0 "$RC" "accepted"
wait_txn " $QID: " || t_fail "the new file did not get the next line"
assert_file_lacks "$TXN_LOG.1" " $QID: "
t_end

t_begin "-L FILE: a reopen that fails is logged, the old file stays in use"
mv "$TXN_LOG" "$TXN_LOG.2"
chown root "$LOGDIR"; chmod 755 "$LOGDIR"
kill -USR2 "$MPID"
wait_for "grep -q 'cannot reopen the log file $TXN_LOG: Permission denied; still writing to the old one' '$MLOG'" 5 \
    || t_fail "no warning"
send after-failed-reopen "127.0.0.1:$PF_PORT_MX" 1.2 --to rcpt@example.test
assert_eq 0 "$RC" "accepted"
wait_for "grep -q ' $QID: ' '$TXN_LOG.2'" 10 || t_fail "the old file did not get the line"
milter_stop
assert_eq 0 "$STOP_RC" "exit status"
TXN_LOG=$SAVED_TXN_LOG
t_end

# ---------------------------------------------------------------- action=abort

t_begin "RSET and QUIT after RCPT: one line each, action=abort"
milter_start "$MAIN" || t_fail "no start"
_mc_smtp_open "$PF_PORT_MX" "EHLO abort.test" "MAIL FROM:<rset@client.test>" "RCPT TO:<rcpt@example.test>" \
    RSET "MAIL FROM:<quit@client.test>" "RCPT TO:<rcpt@example.test>" QUIT
exec 5>&-
wait_txn "from=<quit@client.test>" || t_fail "no line for the QUIT"
for who in rset quit; do
    assert_eq 1 "$(grep -c "from=<$who@client.test>" "$TXN_LOG")" "$who: one line"
    expect_fields "$(txn_line "from=<$who@client.test>")" "nrcpt=1 rule=default action=abort reply=-"
done
t_end

t_begin "a deferral at MAIL, then QUIT: logged once, as the deferral"
send abort-after-defer "127.0.0.1:$PF_PORT_SUBMISSION" 1.0 --auth alice:secret123 --to rcpt@example.test \
    --from deferred@client.test
assert_eq 4 "$RC" "deferred"
sleep 1
assert_eq 1 "$(grep -c 'from=<deferred@client.test>' "$TXN_LOG")" "one line"
expect_fields "$(txn_line 'from=<deferred@client.test>')" "action=defer"
milter_stop
t_end

# ---------------------------------------------------------------- stuck reload

t_begin "a reload stuck on a FIFO policy: SIGTERM still stops the daemon"
cp "$MAIN" "$E2E_WORK/etc/fifo.yaml"
milter_start "$E2E_WORK/etc/fifo.yaml" || t_fail "no start"
rm -f "$E2E_WORK/etc/fifo.yaml"; mkfifo "$E2E_WORK/etc/fifo.yaml"
kill -HUP "$MPID"
sleep 0.5
t0=$(date +%s%N)
kill -TERM "$MPID"
if wait_for "! kill -0 $MPID 2>/dev/null" 15; then
    wait "$MPID"; STOP_RC=$?; MPID=
    t_note "stopped after $(ms_since "$t0") ms"
else
    t_fail "still running 15 s after SIGTERM"
fi
assert_file_contains "$MLOG" "(still running after [0-9]+ s.*stopping without waiting|reload failed)"
rm -f "$E2E_WORK/etc/fifo.yaml"
t_end

# ---------------------------------------------------------------- descriptors

# sessions.py PORT N HOLD: open N milter sessions (option negotiation) to 127.0.0.1:PORT, print
# how many were answered within 2 s, hold them HOLD seconds more, then close every answered one
# in rounds until all were answered (15 s at most); print how many were answered after the first.
cat > "$E2E_WORK/sessions.py" << 'EOF'
import select, socket, struct, sys, time
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
optneg = b"O" + struct.pack(">III", 6, 0x1ff, 0x1fffff)
packet = struct.pack(">I", len(optneg)) + optneg
socks = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    s.sendall(packet)
    socks.append(s)
answered = set()
def poll_answers(deadline):
    while time.time() < deadline and len(answered) < n:
        ready, _, _ = select.select([s for s in socks if s not in answered], [], [], 0.1)
        for s in ready:
            if s.recv(4096):
                answered.add(s)
poll_answers(time.time() + 2)
print(len(answered), flush=True)
poll_answers(time.time() + hold)
first = len(answered)
done = set()
end = time.time() + 15
while len(answered) < n and time.time() < end:
    for s in answered - done:
        socks.remove(s); s.close(); done.add(s)
    poll_answers(time.time() + 1)
print(len(answered) - first, flush=True)
EOF

t_begin "descriptor limit below the documented capacity: warned at start"
prlimit --nofile=64:64 true 2> /dev/null || t_skip "descriptors" "no prlimit"
MILTER_WRAPPER="prlimit --nofile=64:64" milter_start "$MAIN" || t_fail "no start"
assert_file_contains "$MLOG" "warning: the descriptor limit \(RLIMIT_NOFILE 64, hard limit 64\) allows only 40 concurrent MTA sessions"
t_end

t_begin "100 sessions, 64 descriptors: out of descriptors said, no spin, recovery"
ticks() { awk '{print $14 + $15}' "/proc/$MPID/stat"; }
"$PYTHON" "$E2E_WORK/sessions.py" "$MPORT" 100 5 > "$E2E_WORK/sessions.out" 2>&1 &
SPID=$!
sleep 2.5
t1=$(ticks); sleep 2; t2=$(ticks)
wait "$SPID"
first=$(sed -n 1p "$E2E_WORK/sessions.out"); later=$(sed -n 2p "$E2E_WORK/sessions.out")
hz=$(getconf CLK_TCK)
cpu=$(( (t2 - t1) * 100 / hz / 2 ))
t_note "sessions answered at once: $first of 100; the rest after the first closed: $later; CPU while at the limit: $cpu % of a core"
assert_file_contains "$MLOG" "warning: out of descriptors: [0-9]+ sessions open, limit 64; new MTA connections wait"
assert_file_contains "$MLOG" "descriptors available again"
[ "${first:-0}" -ge 30 ] && [ "${first:-0}" -lt 100 ] || t_fail "sessions answered at once: $first"
assert_eq $(( 100 - ${first:-0} )) "${later:-x}" "every waiting session answered after the others closed"
[ "$cpu" -lt 20 ] || t_fail "the daemon used $cpu % of a core while out of descriptors"
send after-exhaustion "127.0.0.1:$PF_PORT_MX" 1.2 --to rcpt@example.test
assert_eq 0 "$RC" "mail accepted afterwards"
milter_stop
assert_eq 0 "$STOP_RC" "exit status"
t_end

t_summary
