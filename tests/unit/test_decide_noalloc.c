/*
 * test_decide_noalloc.c -- CUnit: policy_decide() never allocates
 *
 * Linked with -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc so that every
 * allocation made by the policy library goes through the counters below.
 * Loading allocates; 100,000 decisions over varied sessions (every match
 * key, lists, rollouts, recipient rules) must allocate nothing.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

void *__real_malloc(size_t n);
void *__real_calloc(size_t count, size_t n);
void *__real_realloc(void *p, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t count, size_t n);
void *__wrap_realloc(void *p, size_t n);

static unsigned long allocations;

void *
__wrap_malloc(size_t n)
{
	allocations++;
	return __real_malloc(n);
}

void *
__wrap_calloc(size_t count, size_t n)
{
	allocations++;
	return __real_calloc(count, n);
}

void *
__wrap_realloc(void *p, size_t n)
{
	allocations++;
	return __real_realloc(p, n);
}

static const char policy_text[] =
    "version: 1\n"
    "settings: {sticky_secret: s}\n"
    "lists:\n  printers: [192.0.2.0/24, \"2001:db8:10::/48\", \"file:more.txt\"]\n"
    "rules:\n"
    "  - {name: modern, match: {tls: \">= TLSv1.2\", cipher: \"class:aead\"}, action: accept}\n"
    "  - {name: partner, match: {recipient: \"@partner.example\"}, action: defer,\n"
    "     reply: {code: 450}}\n"
    "  - {name: legacy-in, match: {listener: legacy-in, tls: [TLSv1, TLSv1.1]}, action: reroute,\n"
    "     relay: \"smtp:[legacy.example]:25\"}\n"
    "  - {name: printers, match: {client: \"@printers\", client_name: \"*.printers.example\",\n"
    "     helo: \"scan*\"}, action: tag, until: 2030-01-01}\n"
    "  - {name: certs, match: {cert_subject: \"*client*\", cert_verified: true,\n"
    "     cipher_bits: \">= 128\"}, action: accept}\n"
    "  - {name: auth, match: {authenticated: true, auth_user: \"*@example.com\", port: 587,\n"
    "     tls: [TLSv1, TLSv1.1]}, action: defer,\n"
    "     rollout: {select: per-client, steps: [{from: 2026-01-01, percent: 50}]}}\n"
    "  - {name: random, match: {sender: \"@bulk.example\"}, action: hold,\n"
    "     rollout: {select: per-transaction, percent: 30}}\n"
    "  - {name: weak, match: {cipher: [\"class:3des\", \"*RC4*\"]}, action: reject}\n"
    "default: {action: tag}\n";

static const char *const sessions[] = {
    "tls=TLSv1.3 cipher=TLS_AES_256_GCM_SHA384 bits=256 client=198.51.100.1",
    "tls=TLSv1 cipher=ECDHE-RSA-AES256-SHA bits=256 client=192.0.2.7 "
    "client_name=hp.printers.example helo=scan7",
    "tls=TLSv1.1 listener=legacy-in client=2001:db8:10::5",
    "tls=TLSv1 auth=alice@example.com port=587 client=203.0.113.9",
    "tls=TLSv1.2 cipher=AES128-SHA bits=128 cert_subject=client.test verify=OK",
    "tls=none from=<x@bulk.example> client=::ffff:192.0.2.9",
    "tls=TLSv1 cipher=DES-CBC3-SHA bits=112 rcpt=a@partner.example",
    "tls=TLSv9 cipher=garbage bits=-",
};

static void
test_no_allocation(void)
{
	struct session_facts facts[sizeof(sessions) / sizeof(sessions[0])];
	char bufs[sizeof(sessions) / sizeof(sessions[0])][512];
	struct decide_context when = {20261125, 0};
	struct policy_errors errors;
	struct policy *policy;
	unsigned long before, actions = 0;
	struct decision d;
	size_t i, n = sizeof(sessions) / sizeof(sessions[0]);

	fixture_write("more.txt", "198.18.0.0/15\n");
	policy_errors_init(&errors);
	policy = fixture_load(policy_text, &errors);
	for (i = 0; i < errors.count; i++)
		fprintf(stderr, "%s\n", errors.lines[i]);
	CU_ASSERT_PTR_NOT_NULL_FATAL(policy);
	CU_ASSERT(allocations > 0); /* the counters see the library's allocations */
	for (i = 0; i < n; i++)
		fixture_facts(&facts[i], bufs[i], sizeof(bufs[i]), sessions[i]);
	before = allocations;
	for (i = 0; i < 100000; i++) {
		when.random = (uint32_t)(i * 2654435761u);
		policy_decide(policy, &facts[i % n], &when, &d);
		actions += d.action;
	}
	printf("\n  100000 decisions, %lu allocations (action sum %lu)\n", allocations - before,
	    actions);
	CU_ASSERT_EQUAL(allocations - before, 0);
	policy_free(policy);
	policy_errors_free(&errors);
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"policy_decide allocates nothing", test_no_allocation},
	    {NULL, NULL},
	};

	return fixture_run("decide_noalloc", tests);
}
