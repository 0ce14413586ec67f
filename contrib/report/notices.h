/*
 * notices.h -- tlspolicy-report notices: warn the owners of legacy TLS clients
 *
 * SYNOPSIS
 *	int notices_main(int argc, char **argv);
 *
 * DESCRIPTION
 *	notices_main() is "tlspolicy-report notices ..." (argv[0] is
 *	"notices"): it reads the logs like the views do (several hosts' logs
 *	merged, plain or gzip), keeps the transactions with TLS below 1.2
 *	(and, with --include-plaintext, those without TLS), and writes one
 *	RFC 5322 message per SMTP AUTH user seen with them (to the user when
 *	the name holds an "@", else to USER@DOMAIN with --domain) and, with
 *	--postmaster ADDR, one summary of the unauthenticated legacy clients.
 *	Each message lists per client its address, PTR name, HELO, listener,
 *	TLS versions and ciphers with counts, first and last seen and, with
 *	--policy FILE, what that policy does to this traffic from --as-of on
 *	(replay_outlook(): the daemon's own decision code, day by day).
 *
 *	The messages go to --output DIR as DIR/NNNN-ADDRESS.eml, or with
 *	--sendmail one by one to "/usr/sbin/sendmail -t -i" (or
 *	--sendmail-command CMD, run by /bin/sh), whose exit status is
 *	checked. The text comes from a built-in template or --template
 *	FILE (placeholders: see tlspolicy-report(1)).
 *
 * DIAGNOSTICS
 *	Returns the exit status: 0 when every notice was written or handed
 *	to sendmail, 1 for a usage error (also a template with an unknown
 *	placeholder, an invalid --from), 2 when an input could not be read
 *	or a notice could not be written or sent (the others are still
 *	tried; each failure is reported on stderr).
 */
#ifndef REPORT_NOTICES_H
#define REPORT_NOTICES_H

int notices_main(int argc, char **argv);

#endif
