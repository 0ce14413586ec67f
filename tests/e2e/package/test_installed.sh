#!/bin/bash
# test_installed.sh -- the .deb as an admin gets it: built, linted, installed, run through Postfix, purged
#
# Usage (as root on Debian 12, from anywhere):
#     tests/e2e/package/test_installed.sh [DEB]
# DEB is the package to test; without it the suite builds one with packaging/debian/build-deb.sh
# (DEB_BUILD_OPTIONS=nocheck: "make check" runs in run-all.sh's own step). PACKAGE_KEEP=1 leaves the
# package installed and the socket directory in place.
#
# Everything runs from the installed files, laid out as README.Debian's recipe says:
#   * lintian on the .deb: no error, no warning; the installed man pages: one .TH date, mandoc -T lint clean;
#   * apt-get install ./DEB: the user and group milter-tlspolicy, /etc/milter-tlspolicy/policy.yaml made by
#     the postinst (0640 root:milter-tlspolicy, report-only, a random sticky_secret, no "change-me");
#   * the chroot socket recipe, command by command as printed in the installed README.Debian (each line is
#     checked to be there): the directory /var/spool/postfix/milter-tlspolicy, "adduser postfix
#     milter-tlspolicy", SOCKET= in /etc/default/milter-tlspolicy, smtpd_milters = unix:milter-tlspolicy/...;
#     the private Postfix (tests/e2e/lib/postfix-harness.sh, chroot = n, its own queue directory) reaches
#     the same directory through a symlink queue/milter-tlspolicy -> /var/spool/postfix/milter-tlspolicy;
#   * systemd is not PID 1 here, so the unit is emulated: Environment= and EnvironmentFile= give SOCKET and
#     OPTIONS, RuntimeDirectory= is created, UMask= applied, ExecStartPre= and ExecStart= are run as the
#     installed unit spells them, with NOTIFY_SOCKET pointing at a python3 datagram listener (an abstract
#     socket) that records READY=1 / RELOADING=1 / STOPPING=1; ExecReload= is run as written and its exit
#     status checked;
#   * TLS 1.0 + AUTH: accepted with "mode=report-only" in the audit header under the packaged policy;
#     after "mode: enforce" and a reload (exit 0): 421 4.7.66; after adding a root-only (0600) list file
#     to the policy: ExecReload exits 1 (root can read it, the daemon cannot) and the old policy stays;
#     after removing it again: exit 0; with the daemon stopped (SIGSTOP) it exits 2 after the timeout;
#   * SIGTERM (systemd's stop): STOPPING=1, exit status 0; apt-get purge leaves nothing under /etc.
# Last line: "N passed, N failed".
set -u

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../../.." && pwd)
. "$HERE/../lib/postfix-harness.sh"

PKG=milter-tlspolicy
UNIT=/lib/systemd/system/milter-tlspolicy.service
DEFAULTS=/etc/default/milter-tlspolicy
POLICY=/etc/milter-tlspolicy/policy.yaml
SOCKDIR=/var/spool/postfix/milter-tlspolicy
README_DEBIAN=/usr/share/doc/milter-tlspolicy/README.Debian
ROOT_ONLY=/etc/milter-tlspolicy/root-only.txt
DAEMON_PID=
ADDED_POSTFIX_TO_GROUP=
INSTALLED=

[ "$(id -u)" -eq 0 ] || { echo "test_installed.sh: run as root"; echo "0 passed, 1 failed"; exit 1; }
e2e_init

cleanup_package() {
    [ -n "$DAEMON_PID" ] && e2e_pid_alive "$DAEMON_PID" && kill -TERM "$DAEMON_PID" 2>/dev/null
    rm -f "$ROOT_ONLY"
    [ "${PACKAGE_KEEP:-0}" = 1 ] && return 0
    if [ -n "$ADDED_POSTFIX_TO_GROUP" ]; then
        gpasswd -d postfix milter-tlspolicy >/dev/null 2>&1
    fi
    rm -rf "$SOCKDIR" /run/milter-tlspolicy
    if [ -n "$INSTALLED" ] && dpkg -s "$PKG" >/dev/null 2>&1; then
        apt-get purge -y -q "$PKG" >/dev/null 2>&1
    fi
    rmdir /etc/milter-tlspolicy 2>/dev/null
    return 0
}
e2e_on_cleanup cleanup_package

# ---------------------------------------------------------------- build and lint

DEB=${1:-}
t_begin "build the .deb with packaging/debian/build-deb.sh"
if [ -z "$DEB" ]; then
    mkdir -p "$E2E_WORK/deb"
    if DEB_BUILD_OPTIONS="nocheck parallel=2" sh "$TOP/packaging/debian/build-deb.sh" "$E2E_WORK/deb" \
        >"$E2E_WORK/logs/build-deb.log" 2>&1; then
        DEB=$(ls "$E2E_WORK"/deb/${PKG}_*.deb | grep -v dbgsym | head -n 1)
    else
        t_fail "build-deb.sh failed"
        t_note "$(tail -n 20 "$E2E_WORK/logs/build-deb.log")"
    fi
fi
[ -n "$DEB" ] && [ -f "$DEB" ] || t_fail "no .deb"
t_end
if [ -z "$DEB" ] || [ ! -f "$DEB" ]; then t_summary; exit 1; fi

t_begin "lintian: no errors, no warnings"
if command -v lintian >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q lintian >/dev/null 2>&1; then
    lint=$(lintian --fail-on error,warning "$DEB" 2>&1)
    rc=$?
    assert_eq 0 "$rc" "lintian exit status"
    assert_no_match '(^|
)[EW]: ' "$lint" "lintian tags"
    tags=$(printf '%s\n' "$lint" | grep -E '^[EWIPXO]: ')
    [ -z "$tags" ] || t_note "$tags"
else
    t_fail "lintian not installable"
fi
t_end

# ---------------------------------------------------------------- install

t_begin "apt-get install ./DEB: user, group, policy made by the postinst"
if dpkg -s "$PKG" >/dev/null 2>&1; then
    apt-get purge -y -q "$PKG" >/dev/null 2>&1
fi
INSTALLED=1
if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q "$DEB" >"$E2E_WORK/logs/install.log" 2>&1; then
    t_fail "apt-get install failed"
    t_note "$(tail -n 15 "$E2E_WORK/logs/install.log")"
fi
assert_match '^milter-tlspolicy:' "$(getent passwd milter-tlspolicy)" "system user"
assert_eq "640 root:milter-tlspolicy" "$(stat -c '%a %U:%G' "$POLICY" 2>&1)" "policy mode"
assert_file_contains "$POLICY" '^  mode: report-only '
assert_file_contains "$POLICY" '^  sticky_secret: "[0-9a-f]{32}" '
assert_file_lacks "$POLICY" 'change-me'
assert_eq 0 "$(dpkg-query -W -f='${Conffiles}\n' "$PKG" | grep -c 'policy.yaml')" "policy.yaml is no conffile"
/usr/sbin/milter-tlspolicy -n -c "$POLICY" >"$E2E_WORK/logs/check.log" 2>&1 || t_fail "installed policy does not load"
t_end

t_begin "unit: Type=notify, ordered before postfix@-.service, ExecReload is -R"
assert_file_contains "$UNIT" '^Type=notify$'
assert_file_contains "$UNIT" '^Before=.*postfix@-\.service'
assert_file_contains "$UNIT" '^Before=.*sendmail\.service'
assert_file_contains "$UNIT" '^ExecReload=/usr/sbin/milter-tlspolicy -R '
assert_file_contains "$UNIT" '^WantedBy=multi-user\.target$'
t_end

t_begin "the man page's /usr/share/doc paths are installed"
missing=
for p in $(zcat /usr/share/man/man8/milter-tlspolicy.8.gz | grep -o '/usr/share/doc/milter-tlspolicy/[A-Za-z0-9_./-]*' |
    sed 's/[.]$//' | sort -u); do
    [ -e "$p" ] || [ -e "$p.gz" ] || missing="$missing $p"
done
assert_eq "" "$missing" "paths named in milter-tlspolicy(8) but not installed"
t_end

t_begin "installed man pages: one .TH date, mandoc -T lint -W warning clean"
pages=$(dpkg -L "$PKG" | grep -E '^/usr/share/man/man[0-9]/.*\.gz$')
assert_eq 4 "$(echo "$pages" | grep -c .)" "man pages installed"
assert_eq 1 "$(for p in $pages; do zcat "$p" | sed -n 's/^\.TH [^ ]* [0-9] "\([^"]*\)".*/\1/p'; done | sort -u | grep -c .)" \
    "distinct .TH dates"
if command -v mandoc >/dev/null || DEBIAN_FRONTEND=noninteractive apt-get install -y -q mandoc >/dev/null 2>&1; then
    for p in $pages; do
        lint=$(zcat "$p" | mandoc -T lint -W warning 2>&1)
        assert_eq "" "$lint" "mandoc lint of $p"
    done
else
    t_fail "mandoc not installable"
fi
t_end

# ---------------------------------------------------------------- the chroot socket recipe

# The recipe of README.Debian, exactly; each line must be printed there.
RECIPE_DIR="install -d -o root -g milter-tlspolicy -m 0750 /var/spool/postfix/milter-tlspolicy"
RECIPE_GROUP="adduser postfix milter-tlspolicy"
RECIPE_SOCKET="SOCKET=unix:/var/spool/postfix/milter-tlspolicy/milter.sock"
RECIPE_MILTER="smtpd_milters = unix:milter-tlspolicy/milter.sock"

t_begin "README.Debian's socket recipe, applied"
for line in "$RECIPE_DIR" "$RECIPE_GROUP" "$RECIPE_SOCKET" "$RECIPE_MILTER" "postfix reload"; do
    zcat -f "$README_DEBIAN"* 2>/dev/null | grep -qF -- "$line" || t_fail "README.Debian lacks: $line"
done
id -nG postfix | tr ' ' '\n' | grep -qx milter-tlspolicy || ADDED_POSTFIX_TO_GROUP=1
eval "$RECIPE_DIR" || t_fail "$RECIPE_DIR"
$RECIPE_GROUP >/dev/null 2>&1 || t_fail "$RECIPE_GROUP"
sed -i "s|^SOCKET=.*|$RECIPE_SOCKET|" "$DEFAULTS"
assert_file_contains "$DEFAULTS" "^$RECIPE_SOCKET\$"
t_end

# ---------------------------------------------------------------- the unit, emulated

# A notify listener: one line per datagram, newlines shown as '|'.
NOTIFY_NAME="@milter-tlspolicy-e2e-$$"
NOTIFY_LOG=$E2E_WORK/notify.log
: >"$NOTIFY_LOG"
cat >"$E2E_WORK/notify.py" <<'EOF'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("\0" + sys.argv[1][1:])
out = open(sys.argv[2], "a", buffering=1)
out.write("LISTENING\n")
while True:
    data, _ = s.recvfrom(4096)
    out.write(data.decode(errors="replace").replace("\n", "|") + "\n")
EOF
e2e_bg notify "$PYTHON" "$E2E_WORK/notify.py" "$NOTIFY_NAME" "$NOTIFY_LOG"
wait_for "grep -q LISTENING '$NOTIFY_LOG'" 5

# The unit's environment: Environment= lines, then EnvironmentFile= (plain NAME=value lines).
unit_value() { sed -n "s/^$1=//p" "$UNIT"; }
SOCKET= OPTIONS=
while IFS= read -r kv; do
    case $kv in SOCKET=* | OPTIONS=*) eval "${kv%%=*}=\${kv#*=}" ;; esac
done < <(unit_value Environment; sed -n 's/^\(SOCKET\|OPTIONS\)=/&/p' "$DEFAULTS")
# systemd's expansion: ${NAME} is one word, $NAME splits on white space.
expand_line() {
    local line=$1
    line=${line//\$\{SOCKET\}/$SOCKET}
    line=${line//\$OPTIONS/$OPTIONS}
    line=${line//\$\{OPTIONS\}/$OPTIONS}
    echo "$line"
}
read -ra START_PRE <<<"$(expand_line "$(unit_value ExecStartPre)")"
read -ra START <<<"$(expand_line "$(unit_value ExecStart)")"
read -ra RELOAD <<<"$(expand_line "$(unit_value ExecReload)")"
UMASK=$(unit_value UMask)
RUNTIME=/run/$(unit_value RuntimeDirectory)
RUNTIME_MODE=$(unit_value RuntimeDirectoryMode)

notify_count() { grep -c "$1" "$NOTIFY_LOG"; }
run_reload() { # -> RELOAD_RC, RELOAD_OUT
    RELOAD_OUT=$("${RELOAD[@]}" 2>&1)
    RELOAD_RC=$?
}

t_begin "ExecStartPre and ExecStart as the unit has them; READY=1 after the socket listens"
assert_match '^/usr/sbin/milter-tlspolicy ' "${START[*]}" "ExecStart"
assert_match " -p $SOCKET " "${START[*]} " "ExecStart socket"
"${START_PRE[@]}" >"$E2E_WORK/logs/start-pre.log" 2>&1 || t_fail "ExecStartPre failed: $(cat "$E2E_WORK/logs/start-pre.log")"
install -d -m "${RUNTIME_MODE:-0755}" "$RUNTIME"
(umask "${UMASK:-0022}" && cd / && exec env NOTIFY_SOCKET="$NOTIFY_NAME" "${START[@]}") \
    </dev/null >"$E2E_WORK/logs/daemon.log" 2>&1 &
DAEMON_PID=$!
e2e_track "$DAEMON_PID" daemon
wait_for "grep -q '^READY=1' '$NOTIFY_LOG'" 10 || t_fail "no READY=1 within 10 s: $(cat "$E2E_WORK/logs/daemon.log")"
assert_file_contains "$NOTIFY_LOG" "^READY=1\\|MAINPID=$DAEMON_PID\\|STATUS=running\$"
[ -S "$SOCKDIR/milter.sock" ] || t_fail "no socket at READY=1"
assert_eq "660 milter-tlspolicy:milter-tlspolicy" "$(stat -c '%a %U:%G' "$SOCKDIR/milter.sock" 2>&1)" "socket"
assert_eq "750 root:milter-tlspolicy" "$(stat -c '%a %U:%G' "$SOCKDIR" 2>&1)" "socket directory"
assert_eq "milter-tlspolicy" "$(ps -o user= -p "$DAEMON_PID" | tr -d ' ')" "daemon user"
t_end

# ---------------------------------------------------------------- Postfix through the socket

t_begin "private Postfix with $RECIPE_MILTER"
HARNESS_MILTER=${RECIPE_MILTER#smtpd_milters = }
if pf_setup; then
    ln -s "$SOCKDIR" "$PF_DIR/queue/milter-tlspolicy"
    pf_start || t_fail "postfix did not start"
    pf_conf "milter_default_action = tempfail"
    pf_reload   # the recipe's "postfix reload"
else
    t_fail "pf_setup failed"
fi
t_end

send_legacy_auth() {
    smtp_send --port "$PF_PORT_SUBMISSION" --tls 1.0 --auth alice:secret123 --to legacy@example.test \
        --subject "$1" 2>&1 | tail -n 1
}

t_begin "TLS 1.0 + AUTH under the packaged (report-only) policy: delivered, header says report-only"
out=$(send_legacy_auth packaged-report-only)
assert_match '^accepted 250 ' "$out" "reply"
f=$(pf_wait_sink_grep "$PF_SINK_MAIN" 'Subject: packaged-report-only' 15)
[ -n "$f" ] && assert_file_contains "$f" 'rule=auth-legacy; action=defer; .*mode=report-only|mode=report-only.*rule=auth-legacy'
t_end

t_begin "good reload: mode enforce, ExecReload exits 0, RELOADING=1 then READY=1, 421 4.7.66"
sed -i 's/^  mode: report-only /  mode: enforce /' "$POLICY"
before=$(notify_count '^RELOADING=1')
run_reload
assert_eq 0 "$RELOAD_RC" "ExecReload exit status ($RELOAD_OUT)"
assert_match 'policy reloaded: generation 2' "$RELOAD_OUT" "ExecReload output"
assert_eq $((before + 1)) "$(notify_count '^RELOADING=1|MONOTONIC_USEC=[0-9]')" "RELOADING=1 with MONOTONIC_USEC"
assert_file_contains "$NOTIFY_LOG" '^READY=1\|STATUS=policy reloaded: generation 2'
out=$(send_legacy_auth enforced)
assert_match '^deferred 421 4\.7\.66 ' "$out" "reply"
t_end

t_begin "failed reload: a root-only (0600) list file; ExecReload exits 1, the old policy stays"
printf '198.51.100.1\n' >"$ROOT_ONLY"
chmod 0600 "$ROOT_ONLY"
sed -i "s|^    - file:/etc/milter-tlspolicy/printers.txt|&\n    - file:$ROOT_ONLY|" "$POLICY"
assert_file_contains "$POLICY" "file:$ROOT_ONLY"
/usr/sbin/milter-tlspolicy -n -c "$POLICY" >/dev/null 2>&1 || t_fail "root cannot load the policy either"
run_reload
assert_eq 1 "$RELOAD_RC" "ExecReload exit status ($RELOAD_OUT)"
assert_match 'reload FAILED, old policy \(generation 2\) kept: .*root-only\.txt.*Permission denied' "$RELOAD_OUT" \
    "ExecReload output"
assert_file_contains "$NOTIFY_LOG" '^READY=1\|STATUS=reload FAILED: .*Permission denied; old policy kept$'
out=$(send_legacy_auth still-enforced)
assert_match '^deferred 421 4\.7\.66 ' "$out" "reply under the old policy"
t_end

t_begin "reload after the fix: ExecReload exits 0"
sed -i "\\|file:$ROOT_ONLY|d" "$POLICY"
rm -f "$ROOT_ONLY"
run_reload
assert_eq 0 "$RELOAD_RC" "ExecReload exit status ($RELOAD_OUT)"
assert_match 'policy reloaded: generation 3' "$RELOAD_OUT" "ExecReload output"
t_end

t_begin "a daemon that does not answer (stopped): ExecReload exits 2 after the timeout"
kill -STOP "$DAEMON_PID"
RELOAD_OUT=$(MILTER_TLSPOLICY_RELOAD_TIMEOUT=1 "${RELOAD[@]}" 2>&1)
RELOAD_RC=$?
kill -CONT "$DAEMON_PID"
assert_eq 2 "$RELOAD_RC" "ExecReload exit status ($RELOAD_OUT)"
assert_match 'no reload result within 1 s' "$RELOAD_OUT" "ExecReload output"
# The SIGHUP it sent is served once the daemon runs again.
wait_for "grep -c '^READY=1|STATUS=policy reloaded: generation 4' '$NOTIFY_LOG' | grep -qx 1" 10 ||
    t_fail "no reload after SIGCONT"
t_end

t_begin "no daemon: ExecReload exits 2"
kill -TERM "$DAEMON_PID"
wait_for "! e2e_pid_alive $DAEMON_PID" 15 || t_fail "daemon still running 15 s after SIGTERM"
wait "$DAEMON_PID" 2>/dev/null
assert_eq 0 "$?" "daemon exit status"
assert_file_contains "$NOTIFY_LOG" '^STOPPING=1'
run_reload
assert_eq 2 "$RELOAD_RC" "ExecReload exit status without a daemon ($RELOAD_OUT)"
t_end

pf_stop

# ---------------------------------------------------------------- purge

t_begin "apt-get purge: nothing left under /etc"
if [ "${PACKAGE_KEEP:-0}" = 1 ]; then
    t_note "PACKAGE_KEEP=1: left installed"
else
    apt-get purge -y -q "$PKG" >"$E2E_WORK/logs/purge.log" 2>&1 || t_fail "apt-get purge failed"
    [ ! -e /etc/milter-tlspolicy ] || t_fail "/etc/milter-tlspolicy still there: $(ls -la /etc/milter-tlspolicy)"
    [ ! -e "$DEFAULTS" ] || t_fail "$DEFAULTS still there"
    [ ! -e /usr/sbin/milter-tlspolicy ] || t_fail "binary still there"
    dpkg -s "$PKG" >/dev/null 2>&1 && t_fail "still known to dpkg"
fi
t_end

t_summary
