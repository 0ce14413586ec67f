/*
 * gen_report_log.c -- synthetic milter-tlspolicy logs for tests and benchmarks
 *
 * SYNOPSIS
 *	gen_report_log [-n LINES] [-c CLIENTS] [-d DAYS] [-o OTHER] [-s SEED]
 *	    [-f iso|classic] [-t START]
 *
 * DESCRIPTION
 *	Writes LINES (default 1000) syslog lines to standard output: the
 *	per-transaction lines of doc/log-format.md from CLIENTS (default
 *	200) clients over DAYS days (default 30) from START (UTC epoch,
 *	default 2026-11-01), plus OTHER lines of other programs (Postfix)
 *	per milter line (default 0). Each client keeps its address, name,
 *	listener and user; some use TLS 1.0/1.1 or no TLS, and most of those
 *	move to TLS 1.2 at a day of their own, so the share of legacy TLS
 *	falls over time, as it would during a rollout. The output depends
 *	on SEED only. -f chooses RFC 3339 stamps (default) or classic ones.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct client {
	char addr[48];
	char name[64];
	char helo[64];
	const char *listener;
	int port;
	char auth[32];
	int tls;         /* index in versions[] before the upgrade */
	int upgrade_day; /* day it moves to TLS 1.2; -1 never */
};

static const char *const versions[] = {"none", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
static const char *const ciphers[] = {"-", "ECDHE-RSA-AES256-SHA", "DES-CBC3-SHA",
                                      "ECDHE-RSA-AES128-GCM-SHA256", "TLS_AES_256_GCM_SHA384"};
static const char *const bits[] = {"-", "256", "168", "128", "256"};
static const char *const hosts[] = {"mx1", "mx2", "mx3"};
static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                     "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

static uint64_t rng_state;

static uint32_t
rnd(void)
{
	rng_state = rng_state * 6364136223846793005ULL + 1442695040888963407ULL;
	return (uint32_t)(rng_state >> 33);
}

static void
make_client(struct client *c, int i, int days)
{
	int kind = i % 20;

	if (i % 7 == 3)
		snprintf(c->addr, sizeof(c->addr), "2001:db8:%x::%x", i / 256, i % 256 + 1);
	else
		snprintf(c->addr, sizeof(c->addr), "%d.%d.%d.%d", i % 3 == 0 ? 192 : 198,
		         i % 3 == 0 ? 0 : 51, i / 250 % 256, i % 250 + 1);
	if (kind < 3) {
		snprintf(c->name, sizeof(c->name), "printer%d.office.example.com", i);
		snprintf(c->helo, sizeof(c->helo), "MFP-%04d", i);
	} else if (kind == 3) {
		snprintf(c->name, sizeof(c->name), "unknown");
		snprintf(c->helo, sizeof(c->helo), "[%s]", c->addr);
	} else {
		snprintf(c->name, sizeof(c->name), "mail%d.example%d.net", i, i % 37);
		snprintf(c->helo, sizeof(c->helo), "%s", c->name);
	}
	c->listener = kind < 3 ? "legacy-in" : kind < 10 ? "submission" : "smtpd";
	c->port = kind < 3 ? 2525 : kind < 10 ? 587 : 25;
	if (kind >= 3 && kind < 10)
		snprintf(c->auth, sizeof(c->auth), "user%d", i);
	else
		strcpy(c->auth, "-");
	c->tls = kind < 2    ? 1
	         : kind == 2 ? 0
	         : kind < 5  ? 1
	         : kind == 5 ? 2
	         : kind == 6 ? 0
	         : kind < 14 ? 3
	                     : 4;
	c->upgrade_day = kind < 3 ? -1 : c->tls < 3 ? (int)(rnd() % (unsigned)(days + 5)) : -1;
}

/* decide - what a plausible policy said for this session */
static void
decide(const struct client *c, int tls, int r, const char **rule, const char **action,
       const char **extra)
{
	*extra = "mode=enforce selected=- percent=- skipped=- reply=- relay=-";
	if (tls >= 3) {
		*rule = "modern";
		*action = "accept";
	} else if (strcmp(c->listener, "legacy-in") == 0) {
		*rule = "legacy-listener";
		*action = "reroute";
		*extra = "mode=enforce selected=- percent=- skipped=- reply=- "
		         "relay=smtp:[legacy-relay.example.net]:25";
	} else if (strcmp(c->auth, "-") != 0 && r % 4 != 0) {
		*rule = "auth-legacy";
		*action = "defer";
		*extra = "mode=enforce selected=yes percent=25 skipped=- reply=\"421 4.7.66\" "
		         "relay=-";
	} else if (tls == 0) {
		*rule = "plaintext-watch";
		*action = "reject";
		*extra = "mode=report-only selected=- percent=- skipped=- reply=- relay=-";
	} else {
		*rule = "default";
		*action = "tag";
		*extra =
		    strcmp(c->auth, "-") != 0
		        ? "mode=enforce selected=- percent=- skipped=auth-legacy reply=- relay=-"
		        : "mode=enforce selected=- percent=- skipped=- reply=- relay=-";
	}
}

static void
stamp(char *buf, size_t size, time_t t, int classic)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	if (classic)
		snprintf(buf, size, "%s %2d %02d:%02d:%02d", months[tm.tm_mon], tm.tm_mday,
		         tm.tm_hour, tm.tm_min, tm.tm_sec);
	else
		strftime(buf, size, "%Y-%m-%dT%H:%M:%S.000000+00:00", &tm);
}

int
main(int argc, char **argv)
{
	long lines = 1000, nclients = 200, days = 30, other = 0, start = 1793491200;
	int classic = 0, ch;
	struct client *cl;
	char ts[64];

	rng_state = 42;
	while ((ch = getopt(argc, argv, "n:c:d:o:s:f:t:")) != -1) {
		switch (ch) {
		case 'n':
			lines = atol(optarg);
			break;
		case 'c':
			nclients = atol(optarg);
			break;
		case 'd':
			days = atol(optarg);
			break;
		case 'o':
			other = atol(optarg);
			break;
		case 's':
			rng_state = strtoull(optarg, NULL, 10);
			break;
		case 'f':
			classic = strcmp(optarg, "classic") == 0;
			break;
		case 't':
			start = atol(optarg);
			break;
		default:
			fprintf(stderr, "usage: gen_report_log [-n LINES] [-c CLIENTS] [-d DAYS] "
			                "[-o OTHER] [-s SEED] [-f iso|classic] [-t START]\n");
			return 1;
		}
	}
	if (nclients < 1 || days < 1)
		return 1;
	cl = calloc((size_t)nclients, sizeof(*cl));
	for (long i = 0; i < nclients; i++)
		make_client(&cl[i], (int)i, (int)days);
	for (long n = 0; n < lines; n++) {
		time_t t = start + (time_t)(n * (days * 86400.0 / (double)lines));
		int day = (int)((t - start) / 86400);
		uint32_t r = rnd();
		const struct client *c = &cl[r % (uint32_t)nclients];
		const char *host = hosts[r / 7 % 3], *rule, *action, *extra;
		int tls = c->upgrade_day >= 0 && day >= c->upgrade_day ? 3 : c->tls;

		stamp(ts, sizeof(ts), t, classic);
		if (other > 0 && n % (other + 1) != 0) {
			printf("%s %s postfix/smtpd[%u]: connect from %s[%s]\n", ts, host,
			       1000 + r % 5000, c->name, c->addr);
			continue;
		}
		decide(c, tls, (int)(r >> 8), &rule, &action, &extra);
		printf("%s %s milter-tlspolicy[%u]: %08X: client=%s[%s] helo=%s listener=%s "
		       "port=%d auth=%s tls=%s cipher=%s bits=%s verify=- from=<s%u@example.org> "
		       "nrcpt=1 rule=%s action=%s %s\n",
		       ts, host, 800 + (unsigned)(r % 3), rnd(), c->name, c->addr, c->helo,
		       c->listener, c->port, c->auth, versions[tls],
		       ciphers[tls == 1 && r % 5 == 0 ? 2 : tls],
		       bits[tls == 1 && r % 5 == 0 ? 2 : tls], r % 1000, rule, action, extra);
	}
	free(cl);
	return 0;
}
