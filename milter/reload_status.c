/*
 * reload_status.c -- the reload status record the daemon keeps for "-R"
 *
 * SYNOPSIS
 *	See reload_status.h.
 *
 * DESCRIPTION
 *	Pure formatting and parsing: no I/O, so the unit tests cover it all.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reload_status.h"

#define RECORD_MAGIC "milter-tlspolicy-reload-status 1\n"

static const char *const state_names[] = {
    [RELOAD_RUNNING] = "reloading",
    [RELOAD_OK] = "ok",
    [RELOAD_FAILED] = "failed",
};

#define STATE_COUNT (sizeof(state_names) / sizeof(state_names[0]))

const char *
reload_state_name(enum reload_state state)
{
	return (size_t)state < STATE_COUNT ? state_names[state] : "?";
}

static unsigned long
fnv1a(const char *p, size_t n)
{
	unsigned long h = 2166136261UL;

	while (n-- > 0) {
		h ^= (unsigned char)*p++;
		h = (h * 16777619UL) & 0xffffffffUL;
	}
	return h;
}

void
reload_status_encode(const struct reload_status *s, char record[RELOAD_STATUS_SIZE])
{
	char reason[RELOAD_REASON_MAX + 1];
	size_t i, n;

	snprintf(reason, sizeof(reason), "%s", s->reason);
	for (i = 0; reason[i] != '\0'; i++)
		if ((unsigned char)reason[i] < 0x20 || reason[i] == 0x7f)
			reason[i] = ' ';
	n = (size_t)snprintf(record, RELOAD_STATUS_SIZE,
	                     RECORD_MAGIC "pid %ld\nattempt %lu\nstate %s\ngeneration %lu\n"
	                                  "rules %lu\ntime %lld\nreason %s\n",
	                     s->pid, s->attempt, reload_state_name(s->state), s->generation,
	                     s->rules, s->time, reason);
	/* The fields are bounded (RELOAD_REASON_MAX + numbers) and always fit. */
	n +=
	    (size_t)snprintf(record + n, RELOAD_STATUS_SIZE - n, "check %08lx\n", fnv1a(record, n));
	memset(record + n, '\n', RELOAD_STATUS_SIZE - n);
}

/* The value of "key VALUE\n" in body, copied to out; -1 when absent. */
static int
field(const char *body, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key), vlen;
	const char *p = body, *end;

	for (; *p != '\0'; p = end + 1) {
		if ((end = strchr(p, '\n')) == NULL)
			return -1;
		if (strncmp(p, key, klen) == 0 && p[klen] == ' ') {
			vlen = (size_t)(end - (p + klen + 1));
			if (vlen >= outlen)
				return -1;
			memcpy(out, p + klen + 1, vlen);
			out[vlen] = '\0';
			return 0;
		}
	}
	return -1;
}

static int
number(const char *body, const char *key, long long *value)
{
	char text[32], *end;

	if (field(body, key, text, sizeof(text)) != 0 || text[0] == '\0')
		return -1;
	*value = strtoll(text, &end, 10);
	return *end == '\0' && *value >= 0 ? 0 : -1;
}

static int
state_parse(const char *name, enum reload_state *state)
{
	size_t i;

	for (i = 0; i < STATE_COUNT; i++)
		if (strcmp(name, state_names[i]) == 0) {
			*state = (enum reload_state)i;
			return 0;
		}
	return -1;
}

int
reload_status_parse(const char *record, size_t len, struct reload_status *s)
{
	char body[RELOAD_STATUS_SIZE + 1], word[16], *check;
	long long pid, attempt, generation, rules, when;
	unsigned long sum;

	if (len > RELOAD_STATUS_SIZE)
		len = RELOAD_STATUS_SIZE;
	memcpy(body, record, len);
	body[len] = '\0';
	if (strncmp(body, RECORD_MAGIC, strlen(RECORD_MAGIC)) != 0 ||
	    (check = strstr(body, "\ncheck ")) == NULL)
		return -1;
	check++;
	if (sscanf(check, "check %8lx\n", &sum) != 1 || strchr(check, '\n') == NULL ||
	    fnv1a(body, (size_t)(check - body)) != sum)
		return -1;
	*check = '\0';
	memset(s, 0, sizeof(*s));
	if (number(body, "pid", &pid) != 0 || number(body, "attempt", &attempt) != 0 ||
	    number(body, "generation", &generation) != 0 || number(body, "rules", &rules) != 0 ||
	    number(body, "time", &when) != 0 || field(body, "state", word, sizeof(word)) != 0 ||
	    state_parse(word, &s->state) != 0 ||
	    field(body, "reason", s->reason, sizeof(s->reason)) != 0)
		return -1;
	s->pid = (long)pid;
	s->attempt = (unsigned long)attempt;
	s->generation = (unsigned long)generation;
	s->rules = (unsigned long)rules;
	s->time = when;
	return 0;
}

int
reload_status_path(const char *pidfile, char *path, size_t len)
{
	size_t n = strlen(pidfile);

	if (n > 4 && strcmp(pidfile + n - 4, ".pid") == 0)
		n -= 4;
	if (n + sizeof(".reload") > len)
		return -1;
	memcpy(path, pidfile, n);
	memcpy(path + n, ".reload", sizeof(".reload"));
	return 0;
}
