/*
 * tls_version.h -- TLS protocol versions as MTAs report them
 *
 * SYNOPSIS
 *	enum tls_version tls_version_parse(const char *text);
 *	const char *tls_version_name(enum tls_version v);
 *
 * DESCRIPTION
 *	tls_version_parse() normalises the spellings MTAs and admins use:
 *	NULL (macro absent) is TLS_VERSION_NONE; "SSLv3"; "TLSv1", "TLSv1.0",
 *	"TLS1.0", "TLSv1/SSLv3" are TLS 1.0; "TLSv1.1" ... "TLSv1.3" (also
 *	"TLS1.1" ...). Matching is case-insensitive. Anything else, including
 *	the empty string, is TLS_VERSION_UNKNOWN.
 *
 *	tls_version_name() returns the canonical name: "none", "SSLv3",
 *	"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3" or "unknown".
 */
#ifndef TLS_VERSION_H
#define TLS_VERSION_H

/* Protocol order matters: SSLV3 < 1_0 < ... < 1_3. NONE and UNKNOWN are outside it. */
enum tls_version {
	TLS_VERSION_NONE,
	TLS_VERSION_SSLV3,
	TLS_VERSION_1_0,
	TLS_VERSION_1_1,
	TLS_VERSION_1_2,
	TLS_VERSION_1_3,
	TLS_VERSION_UNKNOWN,
	TLS_VERSION_COUNT
};

enum tls_version tls_version_parse(const char *text);
const char *tls_version_name(enum tls_version v);

#endif
