/*
 * NAME
 *	scan.h -- tlspolicy-probe scan: which TLS versions and cipher
 *	families an SMTP server accepts over STARTTLS
 *
 * SYNOPSIS
 *	#include "scan.h"
 *
 *	int	scan_run(const struct probe_opts *o);
 *
 * DESCRIPTION
 *	scan_run() first connects once to read the greeting and learn
 *	whether STARTTLS is offered. Then, for TLS 1.0, 1.1, 1.2 and 1.3,
 *	and for each legacy cipher family (3des, rc4, cbc-only, rsa-kx), it
 *	opens a fresh connection, says EHLO and STARTTLS, tries a handshake
 *	restricted by a GnuTLS priority string and says QUIT. It reports
 *	each result, the negotiated suite and key exchange, and the server
 *	certificate (from the newest accepted version) as text or JSON.
 *
 *	A version or family the local GnuTLS cannot offer is reported as
 *	not tested, with the reason, instead of as refused.
 *
 * DIAGNOSTICS
 *	Returns the exit status: 0 when the scan ran (whatever the server
 *	accepted), 2 when the server cannot be reached, does not greet with
 *	220, or does not offer STARTTLS, 1 for a local problem.
 */
#ifndef SCAN_H
#define SCAN_H

#include "probe.h"

int scan_run(const struct probe_opts *o);

#endif
