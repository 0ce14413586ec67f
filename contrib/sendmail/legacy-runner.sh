#!/bin/sh
# legacy-runner.sh -- milter-tlspolicy: the Sendmail queue runner for rerouted (quarantined) messages
#
# With "reroute_method: quarantine", milter-tlspolicy quarantines each rerouted message with the reason
# "legacy-tls" (policy setting quarantine_reason). Sendmail's normal queue runs never deliver quarantined
# jobs; this runner does, with a second configuration (legacy.cf) that sends every address to the legacy
# relay. Both share the queue directory.
#
# Usage:
#   legacy-runner.sh mc [-p PIDFILE] SENDMAIL.MC RELAY [PORT] > legacy.mc
#       Print legacy.mc: SENDMAIL.MC with its own pid file (default /run/sendmail/mta/legacy-runner.pid) and
#       HACK(`tlspolicy_legacy', RELAY, PORT, `*'), which routes every address to RELAY (e.g.
#       "[legacy-relay.example.net]", brackets: no MX lookup; PORT default 25). Any tlspolicy_legacy HACK
#       line of SENDMAIL.MC is left out. Then: m4 legacy.mc > legacy.cf (Debian: in /etc/mail).
#   legacy-runner.sh run [-C LEGACY.CF] [-r REASON] [-i INTERVAL] [-s SENDMAIL]
#       Start the persistent runner: SENDMAIL -C LEGACY.CF -qQREASON -qpINTERVAL. Defaults:
#       /etc/mail/legacy.cf, legacy-tls, 20s, /usr/sbin/sendmail. Sendmail forks it into the
#       background and writes its pid to legacy.cf's PidFile (systemd: Type=forking, PIDFile=).
#       -qQREASON selects quarantined jobs whose reason contains REASON; the runner looks every
#       INTERVAL for new ones.
#   legacy-runner.sh release [-C SENDMAIL.CF] [-r REASON] [-s SENDMAIL]
#       Unquarantine such jobs instead (sendmail -qQREASON -Q): the next normal queue run delivers them
#       the usual way, not to the legacy relay.
#   legacy-runner.sh list [-C SENDMAIL.CF] [-r REASON] [-s SENDMAIL]
#       Show the quarantined jobs (mailq -qQREASON).
#
# See contrib/sendmail/README and milter-tlspolicy(8), section SENDMAIL. A systemd unit that runs this:
# contrib/sendmail/milter-tlspolicy-legacy-runner.service.
set -eu

usage() {
    sed -n '9,26s/^# \{0,1\}//p' "$0" >&2
    exit 64
}

cmd=${1:-}
[ $# -gt 0 ] && shift
cf=
reason=legacy-tls
interval=20s
sendmail=${SENDMAIL:-/usr/sbin/sendmail}
pidfile=/run/sendmail/mta/legacy-runner.pid

case $cmd in
mc)
    while getopts p: o; do
        case $o in
        p) pidfile=$OPTARG ;;
        *) usage ;;
        esac
    done
    shift $((OPTIND - 1))
    [ $# -ge 2 ] || usage
    mc=$1
    relay=$2
    port=${3:-25}
    [ -r "$mc" ] || { echo "legacy-runner.sh: cannot read $mc" >&2; exit 1; }
    case $relay in
    *\`* | *\'* | *,* | *" "*) echo "legacy-runner.sh: bad relay '$relay'" >&2; exit 1 ;;
    esac
    case $port in
    '' | *[!0-9]*) echo "legacy-runner.sh: bad port '$port'" >&2; exit 1 ;;
    esac
    # Everything of SENDMAIL.MC except its tlspolicy_legacy HACK, with our lines before the first MAILER().
    awk -v pidfile="$pidfile" -v relay="$relay" -v port="$port" -v src="$mc" '
        function ours() {
            print "dnl legacy-runner.sh: the quarantine runner for milter-tlspolicy, derived from " src
            print "define(`confPID_FILE'"'"', `" pidfile "'"'"')dnl"
            print "HACK(`tlspolicy_legacy'"'"', `" relay "'"'"', `" port "'"'"', `*'"'"')dnl"
            done = 1
        }
        /^[ \t]*HACK\([ \t]*`tlspolicy_legacy'"'"'/ { next }
        !done && /^[ \t]*MAILER\(/ { ours() }
        { print }
        END { if (!done) ours() }
    ' "$mc"
    ;;
run)
    cf=/etc/mail/legacy.cf
    while getopts C:r:i:s: o; do
        case $o in
        C) cf=$OPTARG ;;
        r) reason=$OPTARG ;;
        i) interval=$OPTARG ;;
        s) sendmail=$OPTARG ;;
        *) usage ;;
        esac
    done
    [ -r "$cf" ] || { echo "legacy-runner.sh: cannot read $cf (make it with: legacy-runner.sh mc)" >&2; exit 1; }
    grep -q '^R.*\$#legacy' "$cf" ||
        { echo "legacy-runner.sh: $cf has no legacy route (HACK tlspolicy_legacy)" >&2; exit 1; }
    exec "$sendmail" -C "$cf" -qQ"$reason" -qp"$interval"
    ;;
release | list)
    cf=/etc/mail/sendmail.cf
    while getopts C:r:s: o; do
        case $o in
        C) cf=$OPTARG ;;
        r) reason=$OPTARG ;;
        s) sendmail=$OPTARG ;;
        *) usage ;;
        esac
    done
    if [ "$cmd" = release ]; then
        exec "$sendmail" -C "$cf" -qQ"$reason" -Q
    fi
    exec "$sendmail" -C "$cf" -bp -qQ"$reason"
    ;;
*)
    usage
    ;;
esac
