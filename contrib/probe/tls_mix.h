/*
 * NAME
 *	tls_mix.h -- a weighted mix of TLS versions for load sessions
 *
 * SYNOPSIS
 *	#include "tls_mix.h"
 *
 *	int	tls_mix_parse(const char *text, struct tls_mix *mix,
 *			    char *err, size_t errlen);
 *	int	tls_mix_version(const struct tls_mix *mix, long session);
 *	void	tls_mix_count(const struct tls_mix *mix, long sessions,
 *			    long counts[TLS_VER_COUNT]);
 *
 * DESCRIPTION
 *	A mix is written "VERSION:WEIGHT,...", e.g. "1.0:1,1.2:2,1.3:1",
 *	with the versions tls_version_parse() knows ("none" for plaintext)
 *	and whole weights from 0 to TLS_MIX_WEIGHT_MAX; a bare VERSION has
 *	weight 1.
 *
 *	tls_mix_version() gives the version of session number session
 *	(from 0). The sessions follow a fixed pattern, spread out like a
 *	smooth weighted round robin ("1.2:2,1.3:1" gives 1.2 1.3 1.2 ...),
 *	so every run of the same mix makes the same sessions, and any
 *	stretch of sessions has nearly the mix's proportions.
 *
 *	tls_mix_count() counts the sessions of each version among the
 *	first sessions.
 *
 * DIAGNOSTICS
 *	tls_mix_parse() returns 0, or -1 with a message in err for an
 *	unknown version, a bad weight, a version named twice or a mix
 *	whose weights are all 0.
 */
#ifndef TLS_MIX_H
#define TLS_MIX_H

#include <stddef.h>

#include "tls_session.h"

#define TLS_MIX_WEIGHT_MAX 100

struct tls_mix {
	int weight[TLS_VER_COUNT];                       /* per TLS_VER_* */
	int pattern[TLS_VER_COUNT * TLS_MIX_WEIGHT_MAX]; /* one period of versions */
	int npattern;                                    /* the sum of the weights */
};

int tls_mix_parse(const char *text, struct tls_mix *mix, char *err, size_t errlen);
int tls_mix_version(const struct tls_mix *mix, long session);
void tls_mix_count(const struct tls_mix *mix, long sessions, long counts[TLS_VER_COUNT]);

#endif
