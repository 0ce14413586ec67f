/*
 * NAME
 *	tls_version -- TLS protocol versions as MTAs report them
 *
 * SYNOPSIS
 *	#include "tls_version.h"
 *
 *	enum tls_version tls_version_parse(const char *text);
 *	const char *tls_version_name(enum tls_version v);
 *
 * DESCRIPTION
 *	tls_version_parse() looks text up in a table of the spellings that
 *	Postfix ({tls_version}), Sendmail ({tls_version}) and admins use,
 *	comparing ASCII case-insensitively. NULL is plaintext
 *	(TLS_VERSION_NONE); the empty string and anything not in the table
 *	is TLS_VERSION_UNKNOWN.
 *
 *	tls_version_name() returns the canonical name of a version.
 *
 *	Both functions are pure table look-ups: no allocation, no locale.
 *
 * DIAGNOSTICS
 *	None. An out-of-range enum value is named "unknown".
 */
#include <stddef.h>
#include <strings.h>

#include "tls_version.h"

struct spelling {
	const char *text;
	enum tls_version version;
};

static const struct spelling spellings[] = {
    {"SSLv3", TLS_VERSION_SSLV3}, {"TLSv1", TLS_VERSION_1_0},       {"TLSv1.0", TLS_VERSION_1_0},
    {"TLS1.0", TLS_VERSION_1_0},  {"TLSv1/SSLv3", TLS_VERSION_1_0}, {"TLSv1.1", TLS_VERSION_1_1},
    {"TLS1.1", TLS_VERSION_1_1},  {"TLSv1.2", TLS_VERSION_1_2},     {"TLS1.2", TLS_VERSION_1_2},
    {"TLSv1.3", TLS_VERSION_1_3}, {"TLS1.3", TLS_VERSION_1_3},
};

static const char *const names[TLS_VERSION_COUNT] = {
    [TLS_VERSION_NONE] = "none",       [TLS_VERSION_SSLV3] = "SSLv3", [TLS_VERSION_1_0] = "TLSv1",
    [TLS_VERSION_1_1] = "TLSv1.1",     [TLS_VERSION_1_2] = "TLSv1.2", [TLS_VERSION_1_3] = "TLSv1.3",
    [TLS_VERSION_UNKNOWN] = "unknown",
};

enum tls_version
tls_version_parse(const char *text)
{
	size_t i;

	if (text == NULL)
		return TLS_VERSION_NONE;
	for (i = 0; i < sizeof(spellings) / sizeof(spellings[0]); i++)
		if (strcasecmp(spellings[i].text, text) == 0)
			return spellings[i].version;
	return TLS_VERSION_UNKNOWN;
}

const char *
tls_version_name(enum tls_version v)
{
	if ((unsigned)v >= TLS_VERSION_COUNT)
		return names[TLS_VERSION_UNKNOWN];
	return names[v];
}
