/*
 * NAME
 *	test_snapshot_threads -- the policy snapshot under concurrent use and reloads
 *
 * DESCRIPTION
 *	Eight worker threads acquire the policy in force (snapshot_acquire()),
 *	decide a table of sessions with it and release it, in a loop, some
 *	holding their snapshot across reloads, while another thread reloads
 *	the policy 200 times, alternating two policies A and B (each written
 *	to a new file that is renamed over the policy, as an admin should).
 *	One worker keeps the first snapshot it got for the whole run and
 *	decides with it at the end.
 *
 *	Every decision made with a snapshot must equal, field by field, the
 *	decision that policy (A or B, told apart by their audit header name)
 *	gives when loaded on its own: a snapshot never changes under its
 *	holder. Each worker's generations never go back. Every reload
 *	succeeds. After the workers stop, the current snapshot is held only
 *	as "current" (refs 1), and after snapshot_shutdown() every policy
 *	loaded has been freed exactly once (policy_load() and policy_free()
 *	are counted through the linker's --wrap), so no reference leaked and
 *	none was dropped twice.
 *
 *	tests/run-all.sh also runs this program under helgrind, which fails
 *	on a data race or a lock misuse.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"
#include "snapshot.h"

#define WORKERS    8
#define RELOADS    200
#define MIN_ROUNDS 100 /* each worker's acquisitions, at least */
#define SESSIONS   5

static const char policy_a[] = "version: 1\n"
                               "settings: { audit_header: X-Policy-A }\n"
                               "rules:\n"
                               "  - name: a-legacy\n"
                               "    match: { tls: \"< TLSv1.2\" }\n"
                               "    action: defer\n"
                               "    reply: { code: 421, xcode: 4.7.66, text: \"policy A\" }\n"
                               "  - name: a-auth\n"
                               "    match: { authenticated: true }\n"
                               "    action: tag\n"
                               "default: { action: accept }\n";

static const char policy_b[] = "version: 1\n"
                               "settings: { audit_header: X-Policy-B }\n"
                               "rules:\n"
                               "  - name: b-legacy\n"
                               "    match: { tls: [TLSv1, TLSv1.1] }\n"
                               "    action: reject\n"
                               "    reply: { code: 550, xcode: 5.7.66, text: \"policy B\" }\n"
                               "default: { action: tag }\n";

static const char *const session_words[SESSIONS] = {
    "tls=TLSv1 client=192.0.2.7",
    "tls=TLSv1.3 client=192.0.2.8 auth=alice",
    "tls=none client=10.0.0.1",
    "tls=TLSv1.2 client=2001:db8::1",
    "tls=TLSv1.1 client=198.51.100.1 auth=bob",
};

static struct session_facts facts[SESSIONS];
static char fact_words[SESSIONS][128];
static struct decision expected[2][SESSIONS]; /* policy A, policy B */
static const struct decide_context when = {20261206, 0};
static struct policy *expected_policies[2]; /* the decisions point into them */

/* Shared between the threads; read by the main thread after joining. */
static atomic_int stop;
static atomic_uint decisions, mismatches, unknown_policies, null_snapshots, going_back;
static atomic_uint acquisitions[2];
static atomic_uint reload_failures;

/* Every policy loaded and freed, through the linker's --wrap. */
static atomic_uint loaded, freed;

struct policy *__real_policy_load(const char *path, struct policy_errors *errors);
void __real_policy_free(struct policy *policy);
struct policy *__wrap_policy_load(const char *path, struct policy_errors *errors);
void __wrap_policy_free(struct policy *policy);

struct policy *
__wrap_policy_load(const char *path, struct policy_errors *errors)
{
	struct policy *p = __real_policy_load(path, errors);

	if (p != NULL)
		atomic_fetch_add(&loaded, 1);
	return p;
}

void
__wrap_policy_free(struct policy *policy)
{
	if (policy != NULL)
		atomic_fetch_add(&freed, 1);
	__real_policy_free(policy);
}

static int
same_text(const char *a, const char *b)
{
	return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static int
same_decision(const struct decision *a, const struct decision *b)
{
	return same_text(a->rule_name, b->rule_name) && a->rule_index == b->rule_index &&
	       a->action == b->action && a->enforced == b->enforced &&
	       a->reply_code == b->reply_code && same_text(a->reply_xcode, b->reply_xcode) &&
	       same_text(a->reply_text, b->reply_text);
}

/* Which of the two policies a snapshot holds: 0, 1, or -1 for neither. */
static int
which_policy(const struct snapshot *s)
{
	if (strcmp(s->settings->audit_header, "X-Policy-A") == 0)
		return 0;
	if (strcmp(s->settings->audit_header, "X-Policy-B") == 0)
		return 1;
	return -1;
}

/* Decide every session with s; count decisions that are not its policy's. */
static void
decide_all(const struct snapshot *s)
{
	struct decision d;
	int w = which_policy(s);

	if (w < 0) {
		atomic_fetch_add(&unknown_policies, 1);
		return;
	}
	for (int i = 0; i < SESSIONS; i++) {
		policy_decide(s->policy, &facts[i], &when, &d);
		atomic_fetch_add(&decisions, 1);
		if (!same_decision(&d, &expected[w][i]))
			atomic_fetch_add(&mismatches, 1);
	}
}

static void *
worker(void *arg)
{
	int id = (int)(long)arg;
	struct snapshot *s, *kept = NULL;
	unsigned last_generation = 0;

	for (unsigned round = 0; round < MIN_ROUNDS || !atomic_load(&stop); round++) {
		if ((s = snapshot_acquire()) == NULL) {
			atomic_fetch_add(&null_snapshots, 1);
			continue;
		}
		if (s->generation < last_generation)
			atomic_fetch_add(&going_back, 1);
		last_generation = s->generation;
		if (which_policy(s) >= 0)
			atomic_fetch_add(&acquisitions[which_policy(s)], 1);
		decide_all(s);
		/* Hold some snapshots across a reload or two. */
		if ((round + (unsigned)id) % 7 == 0)
			sched_yield();
		decide_all(s);
		if (id == 0 && kept == NULL)
			kept = s; /* the first one, kept to the end */
		else
			snapshot_release(s);
	}
	if (kept != NULL) {
		decide_all(kept);
		snapshot_release(kept);
	}
	return NULL;
}

static void *
reloader(void *arg)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s", (const char *)arg);
	for (int i = 0; i < RELOADS; i++) {
		const char *next = fixture_write("next.yaml", i % 2 == 0 ? policy_b : policy_a);

		/* Replace the policy atomically, then reload it. */
		if (rename(next, path) != 0 || snapshot_reload() != 0)
			atomic_fetch_add(&reload_failures, 1);
		if (i % 10 == 0)
			sched_yield();
	}
	atomic_store(&stop, 1);
	return NULL;
}

static void
load_expected(int w, const char *yaml)
{
	struct policy_errors errors;
	struct policy *p;

	policy_errors_init(&errors);
	p = fixture_load(yaml, &errors);
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	for (int i = 0; i < SESSIONS; i++)
		policy_decide(p, &facts[i], &when, &expected[w][i]);
	policy_errors_free(&errors);
	expected_policies[w] = p;
}

static void
test_threads(void)
{
	pthread_t workers[WORKERS], reload_thread;
	struct snapshot *s;
	char path[4096];

	for (int i = 0; i < SESSIONS; i++)
		fixture_facts(&facts[i], fact_words[i], sizeof(fact_words[i]), session_words[i]);
	load_expected(0, policy_a);
	load_expected(1, policy_b);
	/* The two policies must tell apart on these sessions, or the test proves nothing. */
	CU_ASSERT_FALSE(same_decision(&expected[0][0], &expected[1][0]));
	CU_ASSERT_FALSE(same_decision(&expected[0][2], &expected[1][2]));

	snprintf(path, sizeof(path), "%s", fixture_write("policy.yaml", policy_a));
	CU_ASSERT_EQUAL_FATAL(snapshot_init(path), 0);
	for (long i = 0; i < WORKERS; i++)
		CU_ASSERT_EQUAL_FATAL(pthread_create(&workers[i], NULL, worker, (void *)i), 0);
	CU_ASSERT_EQUAL_FATAL(pthread_create(&reload_thread, NULL, reloader, path), 0);
	pthread_join(reload_thread, NULL);
	for (int i = 0; i < WORKERS; i++)
		pthread_join(workers[i], NULL);

	printf("\n    %u decisions, %u acquisitions of A, %u of B, %d reloads ",
	       atomic_load(&decisions), atomic_load(&acquisitions[0]),
	       atomic_load(&acquisitions[1]), RELOADS);
	CU_ASSERT_EQUAL(atomic_load(&reload_failures), 0);
	CU_ASSERT_EQUAL(atomic_load(&mismatches), 0);
	CU_ASSERT_EQUAL(atomic_load(&unknown_policies), 0);
	CU_ASSERT_EQUAL(atomic_load(&null_snapshots), 0);
	CU_ASSERT_EQUAL(atomic_load(&going_back), 0);
	CU_ASSERT(atomic_load(&decisions) >= 2u * WORKERS * MIN_ROUNDS * SESSIONS);
	CU_ASSERT(atomic_load(&acquisitions[0]) > 0);

	/* Only "current" holds the policy in force; its generation counts every reload. */
	s = snapshot_acquire();
	CU_ASSERT_PTR_NOT_NULL_FATAL(s);
	CU_ASSERT_EQUAL(s->refs, 2);
	CU_ASSERT_EQUAL(s->generation, 1 + RELOADS);
	CU_ASSERT_EQUAL(which_policy(s), RELOADS % 2 == 0 ? 0 : 1);
	snapshot_release(s);
	snapshot_shutdown();
	CU_ASSERT_PTR_NULL(snapshot_acquire());

	/* Every snapshot's last reference freed its policy, exactly once. */
	policy_free(expected_policies[0]);
	policy_free(expected_policies[1]);
	CU_ASSERT_EQUAL(atomic_load(&loaded), 2 + 1 + RELOADS);
	CU_ASSERT_EQUAL(atomic_load(&freed), atomic_load(&loaded));
}

static const struct fixture_test tests[] = {
    {"8 threads decide while 200 reloads alternate two policies", test_threads},
    {NULL, NULL},
};

int
main(void)
{
	return fixture_run("policy snapshot under threads", tests);
}
