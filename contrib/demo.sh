#!/bin/bash
# demo.sh -- see milter-tlspolicy work: build it, attach it to a private Postfix on loopback with the
# example policy, send sessions with every TLS version, and print what each client got, the audit
# header of each delivered message, and the legacy-TLS report.
#
# Usage (as root on Debian 12):  bash contrib/demo.sh
#   KEEP_WORK=1 keeps the work directory (Postfix instance, logs, delivered mail) for a look around.
#
# Nothing outside the work directory and build/ is changed: the Postfix instance is private
# (postfix -c DIR, loopback ports only, see tests/e2e/lib/postfix-harness.sh) and is stopped at the
# end with the milter and the sinks, by PID.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=$TOP/build

echo "== 1. packages and build"
sh "$TOP/tests/install-deps.sh"
if [ ! -x "$TOP/configure" ] || [ "$TOP/configure.ac" -nt "$TOP/configure" ]; then
	(cd "$TOP" && autoreconf -fi >/dev/null 2>&1)
fi
mkdir -p "$BUILD"
[ -f "$BUILD/Makefile" ] || (cd "$BUILD" && "$TOP/configure" -q)
make -C "$BUILD" -j"$(nproc)" -s >"$BUILD/demo-build.log" 2>&1 || {
	tail -n 30 "$BUILD/demo-build.log"
	exit 1
}
MILTER=$BUILD/milter/milter-tlspolicy
PROBE=$BUILD/contrib/probe/tlspolicy-probe
REPORT=$BUILD/contrib/report/tlspolicy-report
echo "built $MILTER"

# shellcheck source=../tests/e2e/lib/postfix-harness.sh
. "$TOP/tests/e2e/lib/postfix-harness.sh"
e2e_init

echo
echo "== 2. a private Postfix on 127.0.0.1 with the milter and the example policy"
e2e_alloc_port MILTER_PORT
pf_setup "$E2E_WORK/postfix" >/dev/null
# The example policy, with two changes so it can act on loopback: its printers file lists
# 127.0.0.77 (the demo's "printer"), and the legacy relay is the harness's legacy sink.
POLICY=$E2E_WORK/policy.yaml
printf '# printers that cannot be upgraded\n127.0.0.77\n' >"$E2E_WORK/printers.txt"
sed -e "s|file:/etc/milter-tlspolicy/printers.txt|file:$E2E_WORK/printers.txt|" \
    -e "s|smtp:\[legacy-relay.example.net\]:25|smtp:[127.0.0.1]:$PF_PORT_SINK_LEGACY|" \
    "$TOP/contrib/policies/example.yaml" >"$POLICY"
"$MILTER" -n -c "$POLICY"
LOG=$E2E_WORK/milter.log
e2e_bg milter "$MILTER" -f -c "$POLICY" -p "inet:$MILTER_PORT@127.0.0.1" -L "$LOG"
wait_for "ss -ltn | grep -q 127.0.0.1:$MILTER_PORT\\ " 10
HARNESS_MILTER="inet:127.0.0.1:$MILTER_PORT"
pf_set_milter "$HARNESS_MILTER" >/dev/null
pf_start >/dev/null
echo "postfix: mx port $PF_PORT_MX, submission port $PF_PORT_SUBMISSION (AUTH), legacy listener port $PF_PORT_LEGACY"
echo "milter:  inet:$MILTER_PORT@127.0.0.1, log $LOG"

echo
echo "== 3. sessions"
printf '%-44s %s\n' "session" "what the client got"
n=0
session() { # LABEL PORT PROBE-ARGS...
	label=$1 port=$2
	shift 2
	n=$((n + 1))
	result=$("$PROBE" send "127.0.0.1:$port" --quiet --from "demo@client.test" \
	    --to "user$n@example.test" --subject "demo $n: $label" "$@" 2>&1 | tail -n 1) || true
	printf '%-44s %s\n' "$label" "$result"
}
session "TLS 1.0 on the MX listener" "$PF_PORT_MX" --tls 1.0
session "TLS 1.1 on the MX listener" "$PF_PORT_MX" --tls 1.1
session "TLS 1.2 on the MX listener" "$PF_PORT_MX" --tls 1.2
session "TLS 1.3 on the MX listener" "$PF_PORT_MX" --tls 1.3
session "plaintext on the MX listener" "$PF_PORT_MX" --tls none
session "TLS 1.0 from the printer 127.0.0.77" "$PF_PORT_MX" --tls 1.0 --source 127.0.0.77
session "TLS 1.0 + AUTH alice (submission)" "$PF_PORT_SUBMISSION" --tls 1.0 --auth alice:secret123
session "TLS 1.2 + AUTH alice (submission)" "$PF_PORT_SUBMISSION" --tls 1.2 --auth alice:secret123
session "TLS 1.0 on the legacy listener" "$PF_PORT_LEGACY" --tls 1.0
session "TLS 1.3, forged audit header" "$PF_PORT_MX" --tls 1.3 --header "X-TLS-Policy: forged; rule=x"

pf_wait_queue_empty 20 || true
echo
echo "== 4. delivered messages: where they went and their audit header"
for dir in "$PF_SINK_MAIN" "$PF_SINK_LEGACY"; do
	where=main
	[ "$dir" = "$PF_SINK_LEGACY" ] && where="legacy relay"
	for f in "$dir"/*.eml; do
		[ -f "$f" ] || continue
		subject=$(sed -n 's/^Subject: //p' "$f" | head -n 1)
		printf '%s -> %s sink\n' "$subject" "$where"
		# The audit header, unfolded.
		awk '/^X-TLS-Policy:/ {h=$0; getline; while ($0 ~ /^[ \t]/) {h=h " " $0; getline} print "    " h}
		    /^X-TLS-Policy-Reroute:/ {print "    " $0}' "$f" | tr -s ' \t' ' '
	done
done

echo
echo "== 5. the milter's log lines"
sed 's/^/  /' "$LOG"

echo
echo "== 6. tlspolicy-report: who still uses legacy TLS"
"$REPORT" clients --legacy-only "$LOG"
echo
"$REPORT" rules "$LOG"
echo
echo "done; the private Postfix, the milter and the sinks are stopped now${KEEP_WORK:+ (work dir kept: $E2E_WORK)}"
