/*
 * NAME
 *	load.c -- tlspolicy-probe load: many SMTP sessions at once, with a
 *	mix of TLS versions (see load.h)
 *
 * DESCRIPTION
 *	Session numbers are handed out under one lock; each thread runs
 *	whole sessions with the same steps as send (smtp_session.h,
 *	transaction.h) and adds its counts to the totals when a session
 *	ends. Transcripts are not kept: only the first failures are.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gnutls/gnutls.h>

#include "endpoint.h"
#include "json_out.h"
#include "load.h"
#include "message.h"
#include "outcome.h"
#include "smtp_session.h"
#include "tls_mix.h"
#include "tls_session.h"
#include "transaction.h"
#include "transcript.h"
#include "xalloc.h"

#define DEFAULT_RCPT    "postmaster"
#define THREAD_STACK    (512 * 1024) /* GnuTLS handshakes and 8 KiB replies fit */
#define FAILURES_KEPT   5
#define BODY_LINE_BYTES 76

/* What became of the messages of some sessions. */
struct load_counts {
	long sessions;
	long accepted;
	long deferred;
	long rejected;
	long failed;
	long not_attempted;
};

struct load {
	const struct probe_opts *o;
	struct endpoint ep;
	gnutls_certificate_credentials_t creds;
	struct tls_mix mix;
	char *body; /* --body-file or --size text, or NULL */
	char from[512];
	const char *to[PROBE_MAX_LIST];
	int nto;
	long nsessions; /* sessions to run */
	int nthreads;

	pthread_mutex_t lock; /* everything below */
	long next;            /* the next session to start */
	struct load_counts by_tls[TLS_VER_COUNT];
	char failure[FAILURES_KEPT][700];
	int nfailure;

	pthread_cond_t all_here; /* the hold point is full */
	long arrived;            /* first-wave sessions held or ended before the hold */
	bool released;           /* the hold point was full once (or timed out) */
	long holding;            /* sessions stopped at the hold point now */
	long max_holding;
};

/* One thread's session state: large, so on the heap. */
struct load_session {
	struct session s;
	struct transcript tr;
	struct outcome out;
	bool arrived; /* counted at the hold point */
	char tls[200];
};

static void
elapsed_since(const struct timespec *t0, long *ms)
{
	struct timespec t1;

	clock_gettime(CLOCK_MONOTONIC, &t1);
	*ms = (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* A body of about size bytes of plain 76-byte lines. */
static char *
make_body(int size)
{
	char *body = xmalloc((size_t)size + BODY_LINE_BYTES + 2);
	size_t at = 0;
	int line = 0;

	while (at < (size_t)size) {
		at += (size_t)snprintf(
		    body + at, BODY_LINE_BYTES + 2, "%06d %.*s\n", line++, BODY_LINE_BYTES - 8,
		    "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz"
		    "0123456789abcdefghijklmnopqrstuvwxyz");
	}
	return body;
}

/* Everything that can fail before connecting; 0, or -1 after a message. */
static int
load_prepare(struct load *l)
{
	const struct probe_opts *o = l->o;
	char err[600];
	int i;

	if (endpoint_parse(o->target, &l->ep, err, sizeof(err)) < 0 ||
	    tls_mix_parse(o->tls_mix, &l->mix, err, sizeof(err)) < 0)
		goto bad;
	if (o->body_file != NULL &&
	    (l->body = message_load_body(o->body_file, err, sizeof(err))) == NULL)
		goto bad;
	if (l->body == NULL && o->size > 0)
		l->body = make_body(o->size);
	if (l->mix.npattern > l->mix.weight[TLS_VER_NONE] &&
	    (l->creds = tls_creds_new(o->cafile, o->client_cert,
	                              o->client_key ? o->client_key : o->client_cert, err,
	                              sizeof(err))) == NULL)
		goto bad;
	/* The host name is cached on the first call: make that call before the threads. */
	snprintf(l->from, sizeof(l->from), "%s", o->from ? o->from : "");
	if (o->from == NULL)
		snprintf(l->from, sizeof(l->from), "tlspolicy-probe@%s", session_helo_name(o));
	(void)session_helo_name(o);
	for (i = 0; i < o->nto; i++)
		l->to[l->nto++] = o->to[i];
	if (l->nto == 0)
		l->to[l->nto++] = DEFAULT_RCPT;
	l->nsessions = (o->total + o->per_session - 1) / o->per_session;
	l->nthreads = o->sessions < l->nsessions ? o->sessions : (int)l->nsessions;
	return 0;
bad:
	fprintf(stderr, "tlspolicy-probe: %s\n", err);
	return -1;
}

/* The next session number, or -1 when all have started. */
static long
claim_session(struct load *l)
{
	long k = -1;

	pthread_mutex_lock(&l->lock);
	if (l->next < l->nsessions)
		k = l->next++;
	pthread_mutex_unlock(&l->lock);
	return k;
}

/* Count a first-wave session at the hold point; the last one releases all. */
static void
hold_arrive(struct load *l, struct load_session *ls)
{
	if (ls->arrived)
		return;
	ls->arrived = true;
	if (l->released)
		return;
	if (++l->arrived >= l->nthreads) {
		l->released = true;
		fprintf(stderr, "tlspolicy-probe: holding %ld sessions\n", l->holding);
		pthread_cond_broadcast(&l->all_here);
	}
}

/* A session that ends before the hold point must not keep the others waiting. */
static void
hold_skip(struct load *l, struct load_session *ls)
{
	if (l->o->hold < 0 || ls->arrived)
		return;
	pthread_mutex_lock(&l->lock);
	hold_arrive(l, ls);
	pthread_mutex_unlock(&l->lock);
}

/* Stop at the hold point: until it is full (at most --timeout), then --hold seconds. */
static void
hold_wait(struct load *l, struct load_session *ls)
{
	struct timespec until;

	pthread_mutex_lock(&l->lock);
	if (++l->holding > l->max_holding)
		l->max_holding = l->holding;
	hold_arrive(l, ls);
	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += l->o->timeout;
	while (!l->released)
		if (pthread_cond_timedwait(&l->all_here, &l->lock, &until) == ETIMEDOUT) {
			if (!l->released)
				fprintf(stderr,
				        "tlspolicy-probe: hold timed out with %ld of %d sessions\n",
				        l->arrived, l->nthreads);
			l->released = true;
			pthread_cond_broadcast(&l->all_here);
		}
	pthread_mutex_unlock(&l->lock);
	sleep((unsigned)l->o->hold);
	pthread_mutex_lock(&l->lock);
	l->holding--;
	pthread_mutex_unlock(&l->lock);
}

/* Greeting, EHLO, STARTTLS with the session's version, EHLO, AUTH. */
static int
open_session(struct load *l, struct load_session *ls, int version)
{
	const struct probe_opts *o = l->o;
	struct tls_facts tf;
	char priority[512];
	int rc;

	snprintf(ls->tls, sizeof(ls->tls), "none");
	if ((rc = session_open(&ls->s, &l->ep, o, &ls->tr)) == STEP_OK)
		rc = session_ehlo(&ls->s);
	if (rc == STEP_OK && version != TLS_VER_NONE) {
		tls_priority(version, o->cipher, priority, sizeof(priority));
		if ((rc = session_starttls(&ls->s, l->creds, priority)) == STEP_OK) {
			tls_describe(ls->s.conn.tls, &tf);
			snprintf(ls->tls, sizeof(ls->tls), "%s with cipher %s (%d bits)",
			         tf.version, tf.cipher, tf.bits);
			if (o->ehlo_after_tls)
				rc = session_ehlo(&ls->s);
		}
	}
	if (rc == STEP_OK && o->auth != NULL)
		rc = session_auth(&ls->s, o->auth);
	if (rc != STEP_OK)
		session_outcome(&ls->s, rc, &ls->out);
	return rc;
}

/* Keep the first failures for the report. */
static void
note_failure(struct load *l, long k, int version, const struct outcome *out)
{
	char line[600];

	if (l->nfailure >= FAILURES_KEPT)
		return;
	outcome_line(out, line, sizeof(line));
	snprintf(l->failure[l->nfailure++], sizeof(l->failure[0]), "session %ld (TLS %s): %s", k,
	         tls_version_label(version), line);
}

static void
count_outcome(struct load_counts *c, const struct outcome *out)
{
	switch (out->kind) {
	case OUTCOME_ACCEPTED:
		c->accepted++;
		break;
	case OUTCOME_DEFERRED:
		c->deferred++;
		break;
	case OUTCOME_REJECTED:
		c->rejected++;
		break;
	case OUTCOME_FAILED:
		c->failed++;
		break;
	}
}

/* Session k: its version from the mix, its share of the messages. */
static void
run_session(struct load *l, struct load_session *ls, long k)
{
	const struct probe_opts *o = l->o;
	int version = tls_mix_version(&l->mix, k);
	long first = k * o->per_session;
	int messages = o->total - first < o->per_session ? (int)(o->total - first) : o->per_session;
	struct load_counts c;
	struct message_spec m;
	int seq = 0;
	bool ok = true;

	memset(&c, 0, sizeof(c));
	c.sessions = 1;
	ls->arrived = false;
	transcript_init(&ls->tr, NULL, false);
	if (open_session(l, ls, version) != STEP_OK) {
		ok = false;
		count_outcome(&c, &ls->out);
		seq = 1;
	}
	memset(&m, 0, sizeof(m));
	m.from = l->from;
	m.to = l->to;
	m.nto = l->nto;
	m.header = o->header;
	m.nheader = o->nheader;
	m.subject = o->subject;
	m.body = l->body;
	m.helo = session_helo_name(o);
	m.tls = ls->tls;
	m.tls_label = tls_version_label(version);
	while (ok && seq < messages) {
		m.seq = ++seq;
		ok = transaction_envelope(&ls->s, &m, &ls->out);
		if (ok && o->hold >= 0 && seq == 1)
			hold_wait(l, ls);
		ok = ok && transaction_content(&ls->s, &m, &ls->out);
		count_outcome(&c, &ls->out);
	}
	hold_skip(l, ls);
	c.not_attempted = messages - seq;
	/* No QUIT after a failure (the server may be mid-handshake) or a 421. */
	session_close(&ls->s, ls->out.kind != OUTCOME_FAILED && ls->out.code != 421);
	transcript_free(&ls->tr);

	pthread_mutex_lock(&l->lock);
	l->by_tls[version].sessions += c.sessions;
	l->by_tls[version].accepted += c.accepted;
	l->by_tls[version].deferred += c.deferred;
	l->by_tls[version].rejected += c.rejected;
	l->by_tls[version].failed += c.failed;
	l->by_tls[version].not_attempted += c.not_attempted;
	if (c.failed > 0)
		note_failure(l, k, version, &ls->out);
	pthread_mutex_unlock(&l->lock);
}

static void *
load_worker(void *arg)
{
	struct load *l = arg;
	struct load_session *ls = xmalloc(sizeof(*ls));
	long k;

	while ((k = claim_session(l)) >= 0)
		run_session(l, ls, k);
	free(ls);
	return NULL;
}

/* Start the threads and wait for them; the number that ran, 0 if none could start. */
static int
run_threads(struct load *l)
{
	pthread_t *tid = xmalloc((size_t)l->nthreads * sizeof(*tid));
	pthread_attr_t attr;
	int i, started = 0, rc;

	pthread_attr_init(&attr);
	pthread_attr_setstacksize(&attr, THREAD_STACK);
	for (i = 0; i < l->nthreads; i++) {
		if ((rc = pthread_create(&tid[started], &attr, load_worker, l)) != 0) {
			fprintf(stderr, "tlspolicy-probe: only %d of %d threads started: %s\n",
			        started, l->nthreads, strerror(rc));
			break;
		}
		started++;
	}
	if (started < l->nthreads) {
		/* The hold point would wait for threads that never came. */
		pthread_mutex_lock(&l->lock);
		l->nthreads = started;
		if (l->arrived >= started && !l->released) {
			l->released = true;
			pthread_cond_broadcast(&l->all_here);
		}
		pthread_mutex_unlock(&l->lock);
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	pthread_attr_destroy(&attr);
	free(tid);
	return started;
}

static void
sum_counts(const struct load *l, struct load_counts *all)
{
	int v;

	memset(all, 0, sizeof(*all));
	for (v = 0; v < TLS_VER_COUNT; v++) {
		all->sessions += l->by_tls[v].sessions;
		all->accepted += l->by_tls[v].accepted;
		all->deferred += l->by_tls[v].deferred;
		all->rejected += l->by_tls[v].rejected;
		all->failed += l->by_tls[v].failed;
		all->not_attempted += l->by_tls[v].not_attempted;
	}
}

static long
transactions(const struct load_counts *c)
{
	return c->accepted + c->deferred + c->rejected + c->failed;
}

static void
json_counts(struct json_out *j, const struct load_counts *c)
{
	json_int(j, "sessions", c->sessions);
	json_int(j, "transactions", transactions(c));
	json_int(j, "accepted", c->accepted);
	json_int(j, "deferred", c->deferred);
	json_int(j, "rejected", c->rejected);
	json_int(j, "failed", c->failed);
	json_int(j, "not_attempted", c->not_attempted);
}

static void
report_json(const struct load *l, long ms)
{
	const struct probe_opts *o = l->o;
	struct load_counts all;
	struct json_out j;
	int v, i;

	sum_counts(l, &all);
	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "target", o->target);
	json_int(&j, "concurrency", l->nthreads);
	json_int(&j, "messages_per_session", o->per_session);
	json_int(&j, "total", o->total);
	json_string(&j, "tls_mix", o->tls_mix);
	json_int(&j, "elapsed_ms", ms);
	json_counts(&j, &all);
	json_int(&j, "max_holding", l->max_holding);
	json_begin_object(&j, "by_tls");
	for (v = 0; v < TLS_VER_COUNT; v++) {
		if (l->mix.weight[v] == 0)
			continue;
		json_begin_object(&j, v == TLS_VER_NONE ? "none" : tls_version_name(v));
		json_counts(&j, &l->by_tls[v]);
		json_end_object(&j);
	}
	json_end_object(&j);
	json_begin_array(&j, "failures");
	for (i = 0; i < l->nfailure; i++)
		json_string(&j, NULL, l->failure[i]);
	json_end_array(&j);
	json_end_object(&j);
}

static void
print_counts(const char *label, const struct load_counts *c)
{
	printf("%-8s sessions %ld, transactions %ld: accepted %ld, deferred %ld, rejected %ld, "
	       "failed %ld, not attempted %ld\n",
	       label, c->sessions, transactions(c), c->accepted, c->deferred, c->rejected,
	       c->failed, c->not_attempted);
}

static void
report_text(const struct load *l, long ms)
{
	struct load_counts all;
	double secs = ms > 0 ? ms / 1000.0 : 0.001;
	int v, i;

	sum_counts(l, &all);
	for (v = 0; v < TLS_VER_COUNT; v++)
		if (l->mix.weight[v] > 0)
			print_counts(v == TLS_VER_NONE ? "none" : tls_version_name(v),
			             &l->by_tls[v]);
	print_counts("all", &all);
	if (l->o->hold >= 0)
		printf("held at once: %ld sessions\n", l->max_holding);
	for (i = 0; i < l->nfailure; i++)
		printf("failure: %s\n", l->failure[i]);
	printf("%ld transactions (%ld accepted) in %.3f s with %d sessions at a time: "
	       "%.1f transactions/s, %.1f accepted/s\n",
	       transactions(&all), all.accepted, secs, l->nthreads, transactions(&all) / secs,
	       all.accepted / secs);
}

int
load_run(const struct probe_opts *o)
{
	struct load *l = xmalloc(sizeof(*l));
	struct load_counts all;
	struct timespec t0;
	long ms;
	int status = 1;

	memset(l, 0, sizeof(*l));
	l->o = o;
	pthread_mutex_init(&l->lock, NULL);
	pthread_cond_init(&l->all_here, NULL);
	if (load_prepare(l) < 0)
		goto done;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (run_threads(l) == 0)
		goto done;
	elapsed_since(&t0, &ms);
	if (o->json)
		report_json(l, ms);
	else
		report_text(l, ms);
	sum_counts(l, &all);
	status = all.failed > 0 ? 2 : 0;
done:
	if (l->creds != NULL)
		gnutls_certificate_free_credentials(l->creds);
	pthread_cond_destroy(&l->all_here);
	pthread_mutex_destroy(&l->lock);
	free(l->body);
	free(l);
	return status;
}
