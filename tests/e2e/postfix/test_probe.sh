#!/bin/bash
# test_probe.sh -- end-to-end tests of tlspolicy-probe against a private Postfix and scripted fake servers.
#
# Usage (as root):  tests/e2e/postfix/test_probe.sh [PATH-TO-tlspolicy-probe]
#   The binary: the argument, else $PROBE, else contrib/probe/tlspolicy-probe in the source tree (in-tree
#   build), else tlspolicy-probe on $PATH.  env: E2E_PORT_BASE, KEEP_WORK=1 (see lib/common.sh).
# Checks, against the harness's Postfix (no milter):
#   scan of the default instance: TLS 1.0, 1.1, 1.2 and 1.3 accepted, STARTTLS offered, certificate facts,
#   JSON and text forms (text never wider than 100 columns, no CR); send with --tls 1.0/1.1/1.2/1.3/none:
#   accepted, and the delivered Received header names the version and the cipher the probe reported;
#   --auth on the submission listener (good and wrong password); --ehlo-after-tls=no; --source 127.0.0.77
#   (and [::1] when the harness has IPv6); --client-cert; --cipher forcing a CBC suite; --count; --header,
#   --subject and --body-file (dot-stuffing); a refused port; a scan and a send with only TLS >= 1.2
#   allowed (scan reports exactly 1.2 and 1.3; send --tls 1.0 fails in the handshake).
# Against fake servers (python, 127.0.0.1 only, replies split across packets): 421 to MAIL then close ->
#   exit 4, in plaintext and inside TLS 1.0; 550 -> exit 5; multi-line 421 at RCPT; RCPT 550+450 -> 4,
#   550+250 -> accepted; 421 after the message; no STARTTLS (send and scan exit 2); a 554 greeting; a
#   server that never greets (--timeout 1).
# Prints "N passed, N failed" last; exit 1 on any failure.
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=../lib/postfix-harness.sh
. "$HERE/../lib/postfix-harness.sh"

[ "$(id -u)" = 0 ] || { echo "must run as root"; echo "0 passed, 1 failed"; exit 1; }
PROBE=${1:-${PROBE:-}}
if [ -z "$PROBE" ] && [ -x "$HERE/../../../contrib/probe/tlspolicy-probe" ]; then
    PROBE=$HERE/../../../contrib/probe/tlspolicy-probe
fi
[ -n "$PROBE" ] || PROBE=$(command -v tlspolicy-probe)
[ -x "$PROBE" ] || { echo "tlspolicy-probe not found: pass its path"; echo "0 passed, 1 failed"; exit 1; }
e2e_init
HARNESS_MILTER=

# probe ARGS...: run it; sets OUT (stdout+stderr), RC and LAST (the last line).
probe() {
    OUT=$("$PROBE" "$@" 2>&1)
    RC=$?
    LAST=$(printf '%s\n' "$OUT" | tail -n 1)
}
show() { t_note "$OUT"; }

# jget PATH: a value from the JSON in $OUT; PATH uses "/" between keys (versions/TLSv1.1/accepted).
jget() {
    printf '%s' "$OUT" | "$PYTHON" -c '
import json, sys
d = json.load(sys.stdin)
for k in sys.argv[1].split("/"):
    d = d[int(k)] if isinstance(d, list) else d[k]
print("null" if d is None else str(d).lower() if isinstance(d, bool) else d)' "$1"
}

# accepted_versions: the versions a scan's JSON in $OUT reports as accepted, space-separated.
accepted_versions() {
    printf '%s' "$OUT" | "$PYTHON" -c '
import json, sys
v = json.load(sys.stdin)["versions"]
print(" ".join(k for k in ("TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3") if v[k]["accepted"]))'
}

# delivered SUBJECT: the sink file of the message with that subject (waits up to 15 s).
delivered() { pf_wait_sink_grep "$PF_SINK_MAIN" "^Subject: $1\$" 15 | head -n 1; }

# received FILE: Postfix's Received header of a delivered message, unfolded.
received() { awk '/^Received:/{r=1} r&&/^[^ \t]/&&!/^Received:/{exit} r' "$1" | tr -d '\n'; }

assert_clean_output() { # no CR anywhere; text no wider than 100 columns
    if printf '%s' "$OUT" | grep -q $'\r'; then t_fail "output contains CR"; return 1; fi
    local w
    w=$(printf '%s\n' "$OUT" | awk '{ if (length($0) > m) m = length($0) } END { print m + 0 }')
    [ "$w" -le 100 ] || { t_fail "output $w columns wide"; return 1; }
}

# ------------------------------------------------------------------ fake servers
FAKE=$E2E_WORK/fake_smtp.py
cat > "$FAKE" <<'PY'
"""fake_smtp.py PORT MODE [CERT KEY]: scripted SMTP server on 127.0.0.1 (one connection at a time).

Replies are written in three pieces with pauses, so the client must join replies split across reads.
With CERT and KEY it offers STARTTLS (TLS 1.0 to 1.3, OpenSSL security level 0). MODE changes some
replies; "|CLOSE" after a reply means the server hangs up right after sending it.
"""
import signal, socket, ssl, sys, time, warnings

warnings.simplefilter("ignore", DeprecationWarning)
OK = {"GREETING": "220 fake.test ESMTP fake", "MAIL": "250 2.1.0 Ok", "RCPT": "250 2.1.5 Ok",
      "DATA": "354 End data with <CR><LF>.<CR><LF>", "EOM": "250 2.0.0 Ok: queued as FAKE1",
      "RSET": "250 2.0.0 Ok", "QUIT": "221 2.0.0 Bye", "STARTTLS": "220 2.0.0 Ready to start TLS"}
DEFER = "421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2."
MODES = {  # mode -> {stage: [replies used in turn, the last one repeats]}
    "mail421": {"MAIL": [DEFER + "|CLOSE"]},
    "mail550": {"MAIL": ["550 5.7.66 TLS 1.0 and 1.1 are not accepted here"]},
    "rcpt421ml": {"RCPT": ["421-4.7.66 TLS 1.0 and 1.1 are not supported.\r\n"
                           "421 4.7.66 See https://example.test/tls|CLOSE"]},
    "rcpt-550-450": {"RCPT": ["550 5.1.1 unknown user", "450 4.2.1 mailbox busy"]},
    "rcpt-550-250": {"RCPT": ["550 5.1.1 unknown user", "250 2.1.5 Ok"]},
    "eom421": {"EOM": [DEFER + "|CLOSE"]},
    "nostarttls": {"NOSTARTTLS": ["yes"]},
    "silent": {"GREETING": ["|SILENT"]},
    "banner554": {"GREETING": ["554 5.3.2 no service here|CLOSE"]},
}


class Conn:
    def __init__(self, sock):
        self.sock, self.buf = sock, b""

    def send(self, text):
        data = (text + "\r\n").encode()
        step = max(1, len(data) // 3)
        for i in range(0, len(data), step):
            self.sock.sendall(data[i:i + step])
            time.sleep(0.02)

    def line(self):
        while b"\n" not in self.buf:
            chunk = self.sock.recv(4096)
            if not chunk:
                return None
            self.buf += chunk
        line, self.buf = self.buf.split(b"\n", 1)
        return line.rstrip(b"\r").decode("utf-8", "replace")


def reply_for(mode, used, stage):
    replies = MODES[mode].get(stage)
    if not replies:
        return OK[stage], False
    n = used[stage] = used.get(stage, 0) + 1
    text = replies[min(n, len(replies)) - 1]
    return text.split("|")[0], text.endswith("|CLOSE")


def ehlo_reply(mode, offer_tls):
    words = ["fake.test", "PIPELINING", "8BITMIME", "ENHANCEDSTATUSCODES", "AUTH PLAIN LOGIN"]
    if offer_tls and "NOSTARTTLS" not in MODES[mode]:
        words.insert(1, "STARTTLS")
    return "\r\n".join("250%s%s" % ("-" if i < len(words) - 1 else " ", w) for i, w in enumerate(words))


def session(conn, mode, ctx):
    used, in_tls = {}, False
    if MODES[mode].get("GREETING", [""])[0] == "|SILENT":
        time.sleep(30)
        return
    text, close = reply_for(mode, used, "GREETING")
    conn.send(text)
    while not close:
        line = conn.line()
        if line is None:
            return
        verb = line.split(" ")[0].upper()
        if verb in ("EHLO", "HELO"):
            conn.send(ehlo_reply(mode, ctx is not None and not in_tls))
        elif verb == "STARTTLS" and ctx is not None and not in_tls:
            conn.send(OK["STARTTLS"])
            conn.sock, conn.buf, in_tls = ctx.wrap_socket(conn.sock, server_side=True), b"", True
        elif verb == "AUTH":
            conn.send("235 2.7.0 Authentication successful")
        elif verb not in OK:
            conn.send("502 5.5.2 Error: command not recognized")
        else:
            text, close = reply_for(mode, used, verb)
            conn.send(text)
            close = close or verb == "QUIT"
            if verb == "DATA" and text.startswith("354") and not close:
                while True:
                    data = conn.line()
                    if data is None:
                        return
                    if data == ".":
                        break
                text, close = reply_for(mode, used, "EOM")
                conn.send(text)


def main():
    port, mode = int(sys.argv[1]), sys.argv[2]
    ctx = None
    if len(sys.argv) == 5:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
        ctx.load_cert_chain(sys.argv[3], sys.argv[4])
    signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", port))
    srv.listen(8)
    while True:
        sock, _ = srv.accept()
        try:
            session(Conn(sock), mode, ctx)
        except (OSError, ssl.SSLError):
            pass
        finally:
            sock.close()


main()
PY

# fake_start MODE [tls]: start a fake server; sets FAKE_PORT and FAKE_PID.
fake_start() {
    e2e_alloc_port FAKE_PORT || return 1
    if [ "${2:-}" = tls ]; then
        e2e_bg "fake-$1" "$PYTHON" "$FAKE" "$FAKE_PORT" "$1" "$PF_DIR/tls/server.pem" "$PF_DIR/tls/server.key"
    else
        e2e_bg "fake-$1" "$PYTHON" "$FAKE" "$FAKE_PORT" "$1"
    fi
    FAKE_PID=$E2E_BG_PID
    wait_for "e2e_port_listening $FAKE_PORT" 10 || { t_fail "fake server $1 did not start"; return 1; }
}
fake_stop() { kill "$FAKE_PID" 2>/dev/null; wait "$FAKE_PID" 2>/dev/null; return 0; }

# ------------------------------------------------------------------ setup
t_begin "private Postfix instance starts"
if pf_setup && pf_start; then
    t_end
else
    t_fail "harness did not start"; t_summary; exit 1
fi
MX=127.0.0.1:$PF_PORT_MX
SUB=127.0.0.1:$PF_PORT_SUBMISSION
TAG=probe-$$

# ------------------------------------------------------------------ scan, default instance
t_begin "scan default instance --json: TLS 1.0-1.3 accepted, STARTTLS offered, exit 0"
probe scan "$MX" --json --cafile "$PF_CA"
assert_eq 0 "$RC" "exit code" &&
assert_eq true "$(jget starttls)" "starttls" &&
assert_eq "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3" "$(accepted_versions)" "accepted versions" &&
assert_eq ECDHE-RSA-AES256-SHA "$(jget versions/TLSv1/cipher)" "TLSv1 cipher (OpenSSL name)" &&
assert_eq TLS_ECDHE_RSA_AES_256_CBC_SHA1 "$(jget versions/TLSv1/cipher_gnutls)" "TLSv1 GnuTLS name" &&
assert_eq ECDHE-RSA "$(jget versions/TLSv1.2/kx)" "TLSv1.2 key exchange" &&
assert_eq TLS_AES_256_GCM_SHA384 "$(jget versions/TLSv1.3/cipher)" "TLSv1.3 cipher" &&
assert_match '^220 mx\.test\.invalid ESMTP' "$(jget banner)" "banner" &&
assert_eq CN=mx.test.invalid "$(jget certificate/subject)" "certificate subject" &&
assert_match 'CN=Test CA' "$(jget certificate/issuer)" "certificate issuer" &&
assert_match '^20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z$' "$(jget certificate/not_after)" "notAfter" &&
assert_eq true "$(jget certificate/verified)" "verified against --cafile" &&
assert_eq true "$(jget legacy_ciphers/3des/tested)" "3des tested" &&
assert_eq false "$(jget legacy_ciphers/3des/accepted)" "3des refused (not in Debian 12 OpenSSL)" &&
assert_eq true "$(jget legacy_ciphers/cbc-only/accepted)" "cbc-only accepted" &&
assert_match 'SHA$' "$(jget legacy_ciphers/cbc-only/cipher)" "cbc-only suite" &&
assert_eq RSA "$(jget legacy_ciphers/rsa-kx/kx)" "rsa-kx key exchange" && t_end || show

t_begin "scan text output: aligned, <= 100 columns, no CR, unverified without --cafile"
probe scan "$MX"
assert_eq 0 "$RC" "exit code" && assert_clean_output &&
assert_eq 4 "$(printf '%s\n' "$OUT" | grep -cE '^  TLSv1(\.[123])? +accepted +')" "accepted rows" &&
assert_match 'verified   no' "$OUT" "verify line" && t_end || show

t_begin "scan --cipher with a TLS 1.2-only cipher: TLSv1.3 reported as not tested"
probe scan "$MX" --json --cipher '-CIPHER-ALL:+AES-128-CBC'
assert_eq 0 "$RC" "exit code" &&
assert_eq false "$(jget versions/TLSv1.3/tested)" "TLSv1.3 tested" &&
assert_eq "not tested" "$(jget versions/TLSv1.3/result)" "TLSv1.3 result" &&
assert_eq ECDHE-RSA-AES128-SHA "$(jget versions/TLSv1.2/cipher)" "TLSv1.2 cipher" && t_end || show

# ------------------------------------------------------------------ send, each version
for pair in 1.0:TLSv1 1.1:TLSv1.1 1.2:TLSv1.2 1.3:TLSv1.3; do
    v=${pair%%:*} name=${pair#*:} subj="$TAG send $v"
    t_begin "send --tls $v: accepted, Received names $name and the cipher"
    probe send "$MX" --tls "$v" --to "tls$v@example.test" --subject "$subj" --json
    cipher=$(jget tls/cipher)
    assert_eq 0 "$RC" "exit code" && assert_eq accepted "$(jget outcome)" "outcome" &&
    assert_eq EOM "$(jget stage)" "stage" && assert_eq "$name" "$(jget tls/version)" "tls/version" &&
    f=$(delivered "$subj") && [ -n "$f" ] || t_fail "message not delivered"
    [ "$E2E_CUR_STATE" = open ] &&
    assert_match "using $name with cipher $cipher " "$(received "$f")" "Received header" && t_end || show
done

t_begin "send --tls 1.2 text: transcript, last line 'accepted 250 2.0.0 Ok: queued as ...'"
probe send "$MX" --tls 1.2 --to text@example.test --subject "$TAG text"
assert_eq 0 "$RC" "exit code" && assert_clean_output &&
assert_match '^accepted 250 2\.0\.0 Ok: queued as [0-9A-F]+$' "$LAST" "last line" &&
assert_match $'\n-> STARTTLS\n' "$OUT" "plaintext STARTTLS" &&
assert_match $'\n~> EHLO ' "$OUT" "EHLO inside TLS" && t_end || show

t_begin "send --tls none: plaintext, accepted, Received without TLS"
probe send "$MX" --tls none --to plain@example.test --subject "$TAG none" --json
assert_eq 0 "$RC" "exit code" && assert_eq null "$(jget tls)" "tls" &&
f=$(delivered "$TAG none") && [ -n "$f" ] &&
assert_no_match 'using TLS' "$(received "$f")" "Received header" &&
assert_match 'with ESMTP id' "$(received "$f")" "Received header" && t_end || show

# ------------------------------------------------------------------ options
t_begin "send --auth alice:secret123 on submission over TLS 1.0: accepted, ESMTPSA"
probe send "$SUB" --tls 1.0 --auth alice:secret123 --to auth@example.test --subject "$TAG auth"
assert_eq 0 "$RC" "exit code" && assert_match $'\n<~ 235 2\.7\.0' "$OUT" "235 reply" &&
assert_match 'AUTH PLAIN <credentials hidden>' "$OUT" "hidden credentials" &&
assert_no_match 'c2VjcmV0MTIz|secret123' "$OUT" "no password in the transcript" &&
f=$(delivered "$TAG auth") && [ -n "$f" ] &&
assert_match 'using TLSv1 with cipher.*with ESMTPSA' "$(received "$f")" "Received header" && t_end || show

t_begin "send --auth with a wrong password: exit 5, rejected 535 at AUTH"
probe send "$SUB" --tls 1.2 --auth alice:wrong --to auth@example.test --json
assert_eq 5 "$RC" "exit code" && assert_eq AUTH "$(jget stage)" "stage" &&
assert_eq 535 "$(jget code)" "code" && t_end || show

t_begin "send --ehlo-after-tls=no: no EHLO inside TLS, still accepted"
probe send "$MX" --tls 1.1 --ehlo-after-tls=no --to noehlo@example.test --subject "$TAG noehlo"
assert_eq 0 "$RC" "exit code" && assert_no_match $'\n~> EHLO' "$OUT" "EHLO after TLS" &&
assert_match $'\n~> MAIL FROM:' "$OUT" "MAIL inside TLS" &&
f=$(delivered "$TAG noehlo") && [ -n "$f" ] &&
assert_match 'using TLSv1\.1' "$(received "$f")" "Received header" && t_end || show

t_begin "send --source 127.0.0.77 --ehlo client77.test: Postfix sees that address and name"
probe send "$MX" --tls 1.2 --source 127.0.0.77 --ehlo client77.test --to src@example.test --subject "$TAG source"
assert_eq 0 "$RC" "exit code" && f=$(delivered "$TAG source") && [ -n "$f" ] &&
assert_match 'from client77\.test \([^)]*\[127\.0\.0\.77\]\)' "$(received "$f")" "Received header" && t_end || show

if [ "${PF_IPV6:-0}" = 1 ]; then
    t_begin "send to [::1] with --source ::1 over TLS 1.3"
    probe send "[::1]:$PF_PORT_MX" --tls 1.3 --source ::1 --to v6@example.test --subject "$TAG v6"
    assert_eq 0 "$RC" "exit code" && f=$(delivered "$TAG v6") && [ -n "$f" ] &&
    assert_match '\[IPv6:::1\]' "$(received "$f")" "Received header" && t_end || show
else
    t_skip "send to [::1]" "the harness has no IPv6 listeners"
fi

t_begin "send --client-cert/--client-key: Postfix verifies the client certificate"
probe send "$MX" --tls 1.2 --client-cert "$PF_CLIENT_CERT" --client-key "$PF_CLIENT_KEY" \
    --to cert@example.test --subject "$TAG cert"
assert_eq 0 "$RC" "exit code" && f=$(delivered "$TAG cert") && [ -n "$f" ] &&
assert_match 'Client CN "client\.test\.invalid", Issuer "Test CA" \(verified OK\)' "$(received "$f")" \
    "Received header" && t_end || show

t_begin "send --cipher forcing AES-128-CBC/SHA1 with RSA key exchange on TLS 1.2: AES128-SHA"
probe send "$MX" --tls 1.2 --cipher '-KX-ALL:+RSA:-CIPHER-ALL:+AES-128-CBC:-MAC-ALL:+SHA1' \
    --to cbc@example.test --subject "$TAG cbc" --json
assert_eq 0 "$RC" "exit code" && assert_eq AES128-SHA "$(jget tls/cipher)" "cipher" &&
assert_eq 128 "$(jget tls/bits)" "bits" && f=$(delivered "$TAG cbc") && [ -n "$f" ] &&
assert_match 'using TLSv1\.2 with cipher AES128-SHA \(128/128 bits\)' "$(received "$f")" && t_end || show

t_begin "send --count 3 with two --to: three messages in one session"
before=$(pf_sink_count "$PF_SINK_MAIN")
probe send "$MX" --tls 1.2 --count 3 --to c1@example.test --to c2@example.test --subject "$TAG count" --json
assert_eq 0 "$RC" "exit code" && assert_eq 3 "$(jget accepted)" "accepted" &&
assert_eq 3 "$(printf '%s' "$OUT" | grep -c '"<~ 250 2.0.0 Ok: queued as')" "queued replies" &&
assert_eq 1 "$(printf '%s' "$OUT" | grep -c '"-> EHLO')" "one session" &&
pf_wait_sink "$PF_SINK_MAIN" $((before + 3)) 15 || t_fail "3 messages not delivered"
[ "$E2E_CUR_STATE" = open ] && assert_eq 3 "$(pf_sink_grep "$PF_SINK_MAIN" "^Subject: $TAG count\$" | wc -l)" \
    "delivered" && t_end || show

t_begin "send --header, --body-file (leading dots), --from: delivered as given"
body=$E2E_WORK/body.txt
printf 'first line\n.leading dot\n..two dots\nlast\n' > "$body"
probe send "$MX" --tls 1.3 --from sender@example.test --to hdr@example.test --subject "$TAG hdr" \
    --header 'X-Probe-Test: one' --header 'X-Other: two words' --body-file "$body" --quiet
assert_eq 0 "$RC" "exit code" && assert_eq 1 "$(printf '%s\n' "$OUT" | wc -l)" "--quiet: one line" &&
f=$(delivered "$TAG hdr") && [ -n "$f" ] &&
assert_file_contains "$f" '^X-Probe-Test: one$' && assert_file_contains "$f" '^X-Other: two words$' &&
assert_file_contains "$f" '^X-Sink-Envelope-From: <sender@example\.test>' &&
assert_file_contains "$f" '^\.leading dot$' && assert_file_contains "$f" '^\.\.two dots$' &&
assert_file_contains "$f" '^Message-ID: <' && assert_file_contains "$f" '^Date: ' && t_end || show

t_begin "send to a refused port: exit 2, 'failed connect: Connection refused'"
e2e_alloc_port dead
probe send "127.0.0.1:$dead" --tls 1.2
assert_eq 2 "$RC" "exit code" && assert_eq "failed connect: Connection refused" "$LAST" "last line" && t_end || show

t_begin "scan a refused port: exit 2"
probe scan "127.0.0.1:$dead" --json
assert_eq 2 "$RC" "exit code" && assert_eq false "$(jget starttls)" "starttls" &&
assert_eq "failed connect: Connection refused" "$(jget error)" "error" && t_end || show

t_begin "usage errors: exit 1"
probe send "$MX"
r1=$RC
probe send "$MX" --tls 1.4
assert_eq 1 "$r1" "send without --tls" && assert_eq 1 "$RC" "--tls 1.4" &&
assert_match 'expected none, 1\.0' "$OUT" "message" && t_end || show

# ------------------------------------------------------------------ fake servers
t_begin "fake: 421 to MAIL then close (plaintext): exit 4, last line 'deferred 421 4.7.66 ...'"
fake_start mail421 && {
    probe send "127.0.0.1:$FAKE_PORT" --tls none --to x@example.test
    assert_eq 4 "$RC" "exit code" &&
    assert_eq "deferred 421 4.7.66 TLS 1.0 and 1.1 are not supported. Please upgrade/update your client to support TLS 1.2." \
        "$LAST" "last line" && assert_no_match '~> QUIT|-> QUIT' "$OUT" "no QUIT after 421" && t_end || show
    fake_stop
}

t_begin "fake: 421 to MAIL then close inside TLS 1.0: exit 4, stage MAIL, JSON fields"
fake_start mail421 tls && {
    probe send "127.0.0.1:$FAKE_PORT" --tls 1.0 --to x@example.test --json
    assert_eq 4 "$RC" "exit code" && assert_eq deferred "$(jget outcome)" "outcome" &&
    assert_eq 421 "$(jget code)" "code" && assert_eq 4.7.66 "$(jget xcode)" "xcode" &&
    assert_eq MAIL "$(jget stage)" "stage" && assert_eq TLSv1 "$(jget tls/version)" "tls/version" &&
    assert_match '^TLS 1\.0 and 1\.1 are not supported' "$(jget text)" "text" && t_end || show
    fake_stop
}

t_begin "fake: 550 to MAIL: exit 5, 'rejected 550 5.7.66 ...', then QUIT"
fake_start mail550 && {
    probe send "127.0.0.1:$FAKE_PORT" --tls none --to x@example.test
    assert_eq 5 "$RC" "exit code" &&
    assert_eq "rejected 550 5.7.66 TLS 1.0 and 1.1 are not accepted here" "$LAST" "last line" &&
    assert_match $'\n-> QUIT\n<- 221' "$OUT" "QUIT" && t_end || show
    fake_stop
}

t_begin "fake: multi-line 421 at RCPT, split across packets: exit 4, text joined"
fake_start rcpt421ml && {
    probe send "127.0.0.1:$FAKE_PORT" --tls none --to x@example.test --json
    assert_eq 4 "$RC" "exit code" && assert_eq RCPT "$(jget stage)" "stage" &&
    assert_eq "TLS 1.0 and 1.1 are not supported. See https://example.test/tls" "$(jget text)" "text" && t_end || show
    fake_stop
}

t_begin "fake: RCPT 550 then 450: the 4xx decides (exit 4); 550 then 250: accepted"
fake_start rcpt-550-450 && {
    probe send "127.0.0.1:$FAKE_PORT" --tls none --to a@example.test --to b@example.test
    assert_eq 4 "$RC" "exit code" && assert_eq "deferred 450 4.2.1 mailbox busy" "$LAST" "last line" &&
    assert_match $'<- 550 5\.1\.1 unknown user\n-> RCPT TO:<b@example\.test>' "$OUT" "both RCPT replies"
    fake_stop
}
[ "$E2E_CUR_STATE" = open ] && fake_start rcpt-550-250 && {
    probe send "127.0.0.1:$FAKE_PORT" --tls none --to a@example.test --to b@example.test
    assert_eq 0 "$RC" "exit code (550+250)" && assert_eq "accepted 250 2.0.0 Ok: queued as FAKE1" "$LAST" &&
    t_end || show
    fake_stop
}
[ "$E2E_CUR_STATE" = open ] && t_fail "incomplete"

t_begin "fake: 421 after the message (EOM) inside TLS 1.2: exit 4, stage EOM"
fake_start eom421 tls && {
    probe send "127.0.0.1:$FAKE_PORT" --tls 1.2 --to x@example.test --json
    assert_eq 4 "$RC" "exit code" && assert_eq EOM "$(jget stage)" "stage" && t_end || show
    fake_stop
}

t_begin "fake: no STARTTLS: send exits 2 'failed starttls: ...', scan exits 2, --tls none works"
fake_start nostarttls tls && {
    probe send "127.0.0.1:$FAKE_PORT" --tls 1.2 --to x@example.test
    assert_eq 2 "$RC" "send exit code" &&
    assert_eq "failed starttls: server does not offer STARTTLS" "$LAST" "last line"
    probe scan "127.0.0.1:$FAKE_PORT" --json
    assert_eq 2 "$RC" "scan exit code" && assert_eq false "$(jget starttls)" "starttls" &&
    assert_eq true "$(jget reached)" "reached"
    probe send "127.0.0.1:$FAKE_PORT" --tls none --to x@example.test
    assert_eq 0 "$RC" "plaintext exit code" && t_end || show
    fake_stop
}

t_begin "fake: 554 greeting: exit 5, stage CONNECT"
fake_start banner554 && {
    probe send "127.0.0.1:$FAKE_PORT" --tls 1.2 --json
    assert_eq 5 "$RC" "exit code" && assert_eq CONNECT "$(jget stage)" "stage" && t_end || show
    fake_stop
}

t_begin "fake: server that never greets, --timeout 1: exit 2 within 5 s"
fake_start silent && {
    t0=$SECONDS
    probe send "127.0.0.1:$FAKE_PORT" --tls 1.2 --timeout 1
    assert_eq 2 "$RC" "exit code" && assert_eq "failed connect: timeout after 1 s" "$LAST" "last line" &&
    [ $((SECONDS - t0)) -le 5 ] && t_end || { t_fail "took $((SECONDS - t0)) s"; show; }
    fake_stop
}

# ------------------------------------------------------------------ only TLS >= 1.2 allowed
t_begin "instance with smtpd_tls_protocols = >=TLSv1.2: scan reports exactly TLSv1.2 and TLSv1.3"
pf_conf 'smtpd_tls_protocols = >=TLSv1.2' 'smtpd_tls_mandatory_protocols = >=TLSv1.2' && pf_reload
probe scan "$MX" --json
assert_eq 0 "$RC" "exit code" && assert_eq "TLSv1.2 TLSv1.3" "$(accepted_versions)" "accepted versions" &&
assert_eq refused "$(jget versions/TLSv1/result)" "TLSv1 result" &&
assert_match 'protocol version' "$(jget versions/TLSv1.1/error)" "TLSv1.1 error" && t_end || show

t_begin "same instance: send --tls 1.0 fails in the handshake (exit 2), --tls 1.2 accepted"
probe send "$MX" --tls 1.0 --to x@example.test
assert_eq 2 "$RC" "exit code" && assert_match '^failed tls: .*protocol version' "$LAST" "last line" &&
assert_no_match 'QUIT' "$OUT" "no QUIT after a failed handshake"
probe send "$MX" --tls 1.2 --to x@example.test --quiet
assert_eq 0 "$RC" "TLS 1.2 exit code" && t_end || show
pf_conf 'smtpd_tls_protocols = >=TLSv1' 'smtpd_tls_mandatory_protocols = >=TLSv1' && pf_reload

t_summary
