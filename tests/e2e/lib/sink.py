#!/usr/bin/env python3
"""sink.py -- loopback SMTP sink for the milter-tlspolicy end-to-end tests.

Usage:  python3 sink.py PORT OUTDIR

Listens on 127.0.0.1:PORT only (never any other address) and stores every accepted message as
OUTDIR/NNN.eml (001.eml, 002.eml, ...; numbering continues after the highest existing file, so a restarted
sink never overwrites).  Each stored file starts with these lines, then the message exactly as received
(dot-unstuffed, CRLF turned into LF):

    X-Sink-Envelope-From: <sender@example.test> BODY=8BITMIME        (MAIL FROM argument, parameters kept)
    X-Sink-Envelope-To: <a@example.test> ORCPT=rfc822;a@example.test  (one line per RCPT, parameters kept)
    X-Sink-Helo: mx.test.invalid
    X-Sink-Port: PORT

Files are written to OUTDIR/.tmp-* and renamed into place, so a reader never sees a half-written .eml.
The SMTP dialogue is logged to OUTDIR/sink.log.  Speaks plain ESMTP (no TLS, no AUTH): EHLO advertises
8BITMIME, DSN, PIPELINING, SMTPUTF8 and ENHANCEDSTATUSCODES; HELO, MAIL, RCPT, DATA, RSET, NOOP, VRFY, QUIT.
Pipelined commands work (replies are written in order, one per command).  Python 3 standard library only
(socketserver; not the removed smtpd module).  Stops on SIGTERM/SIGINT.
"""
import os
import re
import signal
import socketserver
import sys
import threading
import time

if len(sys.argv) != 3:
    sys.stderr.write("usage: sink.py PORT OUTDIR\n")
    sys.exit(64)

PORT = int(sys.argv[1])
OUT = sys.argv[2]
os.makedirs(OUT, exist_ok=True)
LOGFILE = os.path.join(OUT, "sink.log")
_lock = threading.Lock()


def _initial_counter():
    n = 0
    for name in os.listdir(OUT):
        m = re.match(r"^(\d+)\.eml$", name)
        if m:
            n = max(n, int(m.group(1)))
    return n


_counter = [_initial_counter()]


def next_number():
    with _lock:
        _counter[0] += 1
        return _counter[0]


def log(peer, s):
    line = "%s %s %s\n" % (time.strftime("%H:%M:%S"), peer, s)
    with _lock:
        with open(LOGFILE, "a", encoding="utf-8", errors="replace") as f:
            f.write(line)


def clean(b):
    """Header-safe text of a client-supplied value (no CR/LF/control characters)."""
    s = b.decode("utf-8", errors="replace")
    return "".join(c if c >= " " and c != "\x7f" else "?" for c in s)


ADDR_RE = re.compile(rb"^(MAIL\s+FROM|RCPT\s+TO)\s*:\s*(.*)$", re.I)


class Handler(socketserver.StreamRequestHandler):
    timeout = 300

    def reply(self, s):
        self.wfile.write(s.encode() + b"\r\n")
        log(self.peer, "S: " + s)

    def handle(self):
        self.peer = "%s:%d" % self.client_address[:2]
        self.helo = ""
        self.reset()
        self.reply("220 sink%d.test.invalid ESMTP e2e sink" % PORT)
        while True:
            raw = self.rfile.readline(65536)
            if not raw:
                return
            line = raw.rstrip(b"\r\n")
            log(self.peer, "C: " + clean(line))
            verb = line.split(b" ", 1)[0].upper()
            arg = line[len(verb):].strip()
            if verb == b"EHLO":
                self.helo = clean(arg)
                self.reset()
                self.wfile.write(b"250-sink%d.test.invalid\r\n250-8BITMIME\r\n250-DSN\r\n250-PIPELINING\r\n"
                                 b"250-SMTPUTF8\r\n250 ENHANCEDSTATUSCODES\r\n" % PORT)
                log(self.peer, "S: 250 (EHLO reply)")
            elif verb == b"HELO":
                self.helo = clean(arg)
                self.reset()
                self.reply("250 sink%d.test.invalid" % PORT)
            elif verb in (b"MAIL", b"RCPT"):
                m = ADDR_RE.match(line)
                if not m:
                    self.reply("501 5.5.4 Syntax error")
                elif verb == b"MAIL":
                    if self.mail_from is not None:
                        self.reply("503 5.5.1 Nested MAIL command")
                    else:
                        self.mail_from = clean(m.group(2))
                        self.reply("250 2.1.0 Ok")
                else:
                    if self.mail_from is None:
                        self.reply("503 5.5.1 Need MAIL command")
                    else:
                        self.rcpts.append(clean(m.group(2)))
                        self.reply("250 2.1.5 Ok")
            elif verb == b"DATA":
                if not self.rcpts:
                    self.reply("503 5.5.1 Need RCPT command")
                    continue
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    d = self.rfile.readline(1 << 20)
                    if not d:
                        return  # connection lost mid-message: store nothing
                    if d.rstrip(b"\r\n") == b"." and d.endswith(b"\n"):
                        break
                    if d.startswith(b"."):
                        d = d[1:]  # dot-unstuffing
                    if d.endswith(b"\r\n"):
                        d = d[:-2] + b"\n"
                    data.append(d)
                fn = self.store(data)
                self.reset()
                self.reply("250 2.0.0 Ok: queued as %s" % os.path.basename(fn))
            elif verb == b"RSET":
                self.reset()
                self.reply("250 2.0.0 Ok")
            elif verb == b"NOOP":
                self.reply("250 2.0.0 Ok")
            elif verb == b"VRFY":
                self.reply("252 2.0.0 Cannot VRFY")
            elif verb == b"QUIT":
                self.reply("221 2.0.0 Bye")
                return
            else:
                self.reply("502 5.5.2 Command not recognized")

    def reset(self):
        self.mail_from = None
        self.rcpts = []

    def store(self, data):
        n = next_number()
        fn = os.path.join(OUT, "%03d.eml" % n)
        tmp = os.path.join(OUT, ".tmp-%03d-%d" % (n, os.getpid()))
        head = ["X-Sink-Envelope-From: %s\n" % self.mail_from]
        head += ["X-Sink-Envelope-To: %s\n" % r for r in self.rcpts]
        head += ["X-Sink-Helo: %s\n" % self.helo, "X-Sink-Port: %d\n" % PORT]
        with open(tmp, "wb") as f:
            f.write("".join(head).encode("utf-8"))
            f.writelines(data)
            f.flush()
            os.fsync(f.fileno())
        os.rename(tmp, fn)
        log(self.peer, "stored %s (%d recipients)" % (fn, len(self.rcpts)))
        return fn


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def main():
    srv = Server(("127.0.0.1", PORT), Handler)

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log("-", "listening on 127.0.0.1:%d" % PORT)
    srv.serve_forever(poll_interval=0.2)
    srv.server_close()


if __name__ == "__main__":
    main()
