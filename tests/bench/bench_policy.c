/*
 * bench_policy.c -- decisions per second of the policy engine, one thread
 *
 * SYNOPSIS
 *	bench_policy [EXAMPLE-POLICY]
 *
 * DESCRIPTION
 *	Measures policy_decide() on one core for
 *	(a) the example policy (contrib/policies/example.yaml, or the file
 *	    given), over a mix of sessions: TLS 1.0 to 1.3 and plaintext,
 *	    with and without SMTP AUTH, printer and other addresses, listeners;
 *	(b) a generated policy of 1,000 rules with a 100,000-entry address
 *	    list in a file: rules on listener, port, auth user, HELO, client
 *	    name, small prefixes and cipher classes, ten of which also name
 *	    the big list, decided for random client addresses.
 *	Each case runs for about one second after a warm-up and prints
 *	decisions per second. A benchmark, not a test: it always exits 0
 *	unless a policy fails to load.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"

#define SESSIONS 4096

struct session {
	char words[256];
	struct session_facts facts;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint32_t
next_random(uint32_t *state)
{
	*state ^= *state << 13;
	*state ^= *state >> 17;
	*state ^= *state << 5;
	return *state;
}

static void
session_parse(struct session *s)
{
	char *word, *eq, *save = NULL;

	facts_init(&s->facts);
	for (word = strtok_r(s->words, " ", &save); word; word = strtok_r(NULL, " ", &save))
		if ((eq = strchr(word, '=')) != NULL) {
			*eq = '\0';
			facts_set_word(&s->facts, word, eq + 1);
		}
}

static struct policy *
load(const char *path)
{
	struct policy_errors errors;
	struct policy *policy;
	size_t i;

	policy_errors_init(&errors);
	policy = policy_load(path, &errors);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	policy_errors_free(&errors);
	if (policy == NULL)
		exit(1);
	return policy;
}

/* Decide over the sessions round-robin for about a second. */
static void
measure(const char *label, const struct policy *policy, struct session *sessions)
{
	struct decide_context when = {20261125, 1};
	struct decision d;
	unsigned long n = 0, checksum = 0;
	double start, elapsed;
	uint32_t state = 88172645;
	int i;

	for (i = 0; i < SESSIONS * 4; i++)
		policy_decide(policy, &sessions[i % SESSIONS].facts, &when, &d);
	start = now();
	do {
		for (i = 0; i < SESSIONS; i++) {
			when.random = next_random(&state);
			policy_decide(policy, &sessions[i].facts, &when, &d);
			checksum += (unsigned long)d.action;
		}
		n += SESSIONS;
		elapsed = now() - start;
	} while (elapsed < 1.0);
	printf("%-58s %12.0f decisions/s  (%lu in %.2f s, checksum %lu)\n", label, n / elapsed, n,
	    elapsed, checksum);
}

static void
example_sessions(struct session *sessions)
{
	static const char *const tls[] = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3", "-"};
	static const char *const cipher[] = {"ECDHE-RSA-AES256-SHA", "AES128-SHA",
	    "ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384", "-"};
	static const char *const listener[] = {"smtpd", "legacy-in", "submission-in"};
	uint32_t state = 2463534242u;
	int i, r;

	for (i = 0; i < SESSIONS; i++) {
		r = (int)(next_random(&state) % 5);
		snprintf(sessions[i].words, sizeof(sessions[i].words),
		    "tls=%s cipher=%s bits=256 client=%s listener=%s port=25 auth=%s "
		    "client_name=host%d.example.net helo=host%d from=<a@example.com>",
		    tls[r], cipher[r], i % 3 ? "198.51.100.7" : "192.0.2.9", listener[i % 3],
		    i % 4 ? "-" : "alice", i, i);
		session_parse(&sessions[i]);
	}
}

static void
write_big_policy(const char *dir, char *path, size_t len)
{
	char list[512];
	FILE *fp;
	int i;

	snprintf(list, sizeof(list), "%s/big.txt", dir);
	if ((fp = fopen(list, "w")) == NULL)
		exit(1);
	for (i = 0; i < 100000; i++)
		fprintf(fp, "10.%d.%d.%d/%d\n", i >> 14, (i >> 6) & 255, (i & 63) << 2,
		    i % 2 ? 32 : 30);
	fclose(fp);
	snprintf(path, len, "%s/big.yaml", dir);
	if ((fp = fopen(path, "w")) == NULL)
		exit(1);
	fprintf(fp, "version: 1\nsettings: {sticky_secret: bench}\nlists:\n  big: [\"file:%s\"]\n"
		    "rules:\n",
	    list);
	for (i = 0; i < 1000; i++) {
		fprintf(fp, "  - name: r%d\n    match: {", i);
		switch (i % 8) {
		case 0:
			fprintf(fp, "listener: \"l%d-*\", tls: \"< TLSv1.2\"", i);
			break;
		case 1:
			fprintf(fp, "port: %d", 10000 + i);
			break;
		case 2:
			fprintf(fp, "auth_user: \"user%d@*\"", i);
			break;
		case 3:
			fprintf(fp, "client: 172.%d.%d.0/24", 16 + i % 16, i % 256);
			break;
		case 4:
			fprintf(fp, "client_name: \"*.site%d.example\"", i);
			break;
		case 5:
			fprintf(fp, "helo: \"printer-%d\", tls: [TLSv1, TLSv1.1]", i);
			break;
		case 6:
			fprintf(fp, "cipher: \"class:3des\", cipher_bits: \"< %d\"", 64 + i);
			break;
		case 7:
			fprintf(fp, "client: \"@big\", listener: \"l%d\"", i);
			break;
		}
		fprintf(fp, "}\n    action: %s\n", i % 2 ? "tag" : "defer");
		if (i % 2 == 0)
			fprintf(fp, "    rollout: {select: per-client, percent: 50}\n");
	}
	fprintf(fp, "  - {name: big-list, match: {client: \"@big\"}, action: tag}\n"
		    "default: {action: accept}\n");
	fclose(fp);
}

static void
big_sessions(struct session *sessions)
{
	static const char *const tls[] = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
	uint32_t state = 123456789u;
	int i;

	for (i = 0; i < SESSIONS; i++) {
		snprintf(sessions[i].words, sizeof(sessions[i].words),
		    "tls=%s cipher=ECDHE-RSA-AES256-SHA bits=256 client=10.%u.%u.%u listener=mx "
		    "port=25 client_name=h%d.example.org helo=h%d auth=%s",
		    tls[i % 4], next_random(&state) % 8, next_random(&state) % 256,
		    next_random(&state) % 256, i, i, i % 5 ? "-" : "bob");
		session_parse(&sessions[i]);
	}
}

int
main(int argc, char **argv)
{
	const char *example = argc > 1 ? argv[1] : "contrib/policies/example.yaml";
	static struct session sessions[SESSIONS];
	char dir[] = "/tmp/bench-policy.XXXXXX", path[600], cmd[700];
	struct policy *policy;
	double start;

	printf("policy engine, one thread, %d distinct sessions round-robin\n", SESSIONS);
	policy = load(example);
	example_sessions(sessions);
	measure("(a) example policy", policy, sessions);
	policy_free(policy);

	if (mkdtemp(dir) == NULL)
		return 1;
	write_big_policy(dir, path, sizeof(path));
	start = now();
	policy = load(path);
	printf("%-58s %12.3f s\n", "(b) load 1,000 rules + 100,000-entry list", now() - start);
	big_sessions(sessions);
	measure("(b) 1,000 rules, 100,000-entry CIDR list", policy, sessions);
	policy_free(policy);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : 1;
}
