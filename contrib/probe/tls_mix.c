/*
 * NAME
 *	tls_mix.c -- a weighted mix of TLS versions for load sessions
 *	(see tls_mix.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tls_mix.h"

/* One "VERSION[:WEIGHT]" item of len bytes; 0, or -1 with err set. */
static int
parse_item(const char *item, size_t len, struct tls_mix *mix, char *err, size_t errlen)
{
	char text[64], *colon, *end;
	long weight = 1;
	int version;

	if (len == 0 || len >= sizeof(text)) {
		snprintf(err, errlen, "--tls-mix: expected VERSION:WEIGHT, got \"%.*s\"", (int)len,
		         item);
		return -1;
	}
	memcpy(text, item, len);
	text[len] = '\0';
	if ((colon = strchr(text, ':')) != NULL) {
		*colon = '\0';
		weight = strtol(colon + 1, &end, 10);
		if (colon[1] == '\0' || *end != '\0' || weight < 0 || weight > TLS_MIX_WEIGHT_MAX) {
			snprintf(err, errlen,
			         "--tls-mix: weight for %s must be 0 to %d, got \"%s\"", text,
			         TLS_MIX_WEIGHT_MAX, colon + 1);
			return -1;
		}
	}
	if ((version = tls_version_parse(text)) < 0) {
		snprintf(err, errlen, "--tls-mix: unknown TLS version \"%s\"", text);
		return -1;
	}
	if (mix->weight[version] >= 0) {
		snprintf(err, errlen, "--tls-mix: %s named twice", text);
		return -1;
	}
	mix->weight[version] = (int)weight;
	return 0;
}

/* Smooth weighted round robin: each step the version furthest behind its share goes next. */
static void
build_pattern(struct tls_mix *mix)
{
	int current[TLS_VER_COUNT] = {0};
	int i, v, best;

	mix->npattern = 0;
	for (v = 0; v < TLS_VER_COUNT; v++)
		mix->npattern += mix->weight[v];
	for (i = 0; i < mix->npattern; i++) {
		best = -1;
		for (v = 0; v < TLS_VER_COUNT; v++) {
			current[v] += mix->weight[v];
			if (mix->weight[v] > 0 && (best < 0 || current[v] > current[best]))
				best = v;
		}
		current[best] -= mix->npattern;
		mix->pattern[i] = best;
	}
}

int
tls_mix_parse(const char *text, struct tls_mix *mix, char *err, size_t errlen)
{
	const char *p = text;
	size_t len;
	int v;

	memset(mix, 0, sizeof(*mix));
	for (v = 0; v < TLS_VER_COUNT; v++)
		mix->weight[v] = -1;
	for (;;) {
		len = strcspn(p, ",");
		if (parse_item(p, len, mix, err, errlen) < 0)
			return -1;
		if (p[len] == '\0')
			break;
		p += len + 1;
	}
	for (v = 0; v < TLS_VER_COUNT; v++)
		if (mix->weight[v] < 0)
			mix->weight[v] = 0;
	build_pattern(mix);
	if (mix->npattern == 0) {
		snprintf(err, errlen, "--tls-mix: all weights are 0");
		return -1;
	}
	return 0;
}

int
tls_mix_version(const struct tls_mix *mix, long session)
{
	return mix->pattern[session % mix->npattern];
}

void
tls_mix_count(const struct tls_mix *mix, long sessions, long counts[TLS_VER_COUNT])
{
	long full = sessions / mix->npattern, i;
	int v;

	for (v = 0; v < TLS_VER_COUNT; v++)
		counts[v] = full * mix->weight[v];
	for (i = 0; i < sessions % mix->npattern; i++)
		counts[mix->pattern[i]]++;
}
