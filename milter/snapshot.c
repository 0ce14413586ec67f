/*
 * snapshot.c -- the policy in force: refcounted, swapped atomically
 *
 * SYNOPSIS
 *	See snapshot.h.
 *
 * DESCRIPTION
 *	One mutex guards the current pointer and every reference count; it is
 *	held only for a pointer swap or a count change, never while loading
 *	or freeing a policy, so a slow reload never delays a connection.
 */
#include "config.h"

#include <pthread.h>
#include <stdlib.h>

#include "metrics.h"
#include "load_report.h"
#include "msg.h"
#include "snapshot.h"
#include "xalloc.h"

static pthread_mutex_t snapshot_lock = PTHREAD_MUTEX_INITIALIZER;
static struct snapshot *current;
static char *policy_path;
static unsigned generation;

/* Load the policy file; NULL (errors logged) on failure. */
static struct snapshot *
snapshot_load(void)
{
	struct snapshot *s;
	struct policy *p;

	if ((p = policy_load_report(policy_path, LOAD_REPORT_LOG)) == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->policy = p;
	s->settings = policy_settings(p);
	s->refs = 1; /* the reference held as "current" */
	return s;
}

static void
snapshot_free(struct snapshot *s)
{
	policy_free(s->policy);
	free(s);
}

/* Install s as current; returns the old one for the caller to release. */
static struct snapshot *
snapshot_swap(struct snapshot *s)
{
	struct snapshot *old;

	pthread_mutex_lock(&snapshot_lock);
	old = current;
	s->generation = ++generation;
	current = s;
	pthread_mutex_unlock(&snapshot_lock);
	return old;
}

int
snapshot_init(const char *path)
{
	struct snapshot *s;

	policy_path = xstrdup(path);
	if ((s = snapshot_load()) == NULL)
		return -1;
	snapshot_swap(s);
	metrics_policy_loaded();
	return 0;
}

struct snapshot *
snapshot_acquire(void)
{
	struct snapshot *s;

	pthread_mutex_lock(&snapshot_lock);
	if ((s = current) != NULL)
		s->refs++;
	pthread_mutex_unlock(&snapshot_lock);
	return s;
}

void
snapshot_release(struct snapshot *s)
{
	unsigned refs;

	if (s == NULL)
		return;
	pthread_mutex_lock(&snapshot_lock);
	refs = --s->refs;
	pthread_mutex_unlock(&snapshot_lock);
	if (refs == 0)
		snapshot_free(s);
}

int
snapshot_reload(void)
{
	struct snapshot *s, *old;
	unsigned gen;

	if ((s = snapshot_load()) == NULL) {
		pthread_mutex_lock(&snapshot_lock);
		gen = generation;
		pthread_mutex_unlock(&snapshot_lock);
		metrics_count_reload(0);
		msg_error("%s: reload failed, keeping the policy in force (generation %u)",
		          policy_path, gen);
		return -1;
	}
	old = snapshot_swap(s);
	metrics_count_reload(1);
	msg_info("%s: policy reloaded: %zu rules, generation %u", policy_path,
	         policy_rule_count(s->policy), s->generation);
	snapshot_release(old);
	return 0;
}

void
snapshot_shutdown(void)
{
	struct snapshot *old;

	pthread_mutex_lock(&snapshot_lock);
	old = current;
	current = NULL;
	pthread_mutex_unlock(&snapshot_lock);
	snapshot_release(old);
	free(policy_path);
	policy_path = NULL;
}
