/*
 * metrics.c -- the daemon's counters and their Prometheus exposition text
 *
 * SYNOPSIS
 *	See metrics.h.
 *
 * DESCRIPTION
 *	A labelled counter is a fixed open-addressed table of series, one per
 *	label combination, keyed by the label values joined with NULs. A
 *	series is published by storing its key pointer last (release), so the
 *	decision path finds an existing series without a lock and adds one
 *	with a relaxed atomic increment; only a new combination takes the
 *	family's insert lock. Series are never removed (counters must not go
 *	backwards), which also keeps the lock-free lookup safe.
 *
 *	The HTTP thread (metrics_http.c) renders the text; it reads the
 *	counters without a lock, as Prometheus' own client libraries do.
 */
#include "config.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "metrics.h"
#include "metrics_line.h"
#include "msg.h"
#include "sanitize.h"
#include "tls_version.h"
#include "txn.h"
#include "txn_log.h"

#define PREFIX      "milter_tlspolicy_"
#define TABLE_SLOTS 4096 /* power of two, above METRICS_SERIES_MAX */
#define LABELS_MAX  5
#define KEY_MAX     (LABELS_MAX * METRICS_LINE_VALUE_MAX)

struct series {
	_Atomic(char *) key; /* label values, each NUL-terminated; NULL: free */
	size_t key_len;
	uint32_t hash;
	atomic_ullong count;
};

struct family {
	const char *name;
	const char *help;
	size_t label_count;
	const char *const *labels;
	size_t used; /* guarded by lock */
	pthread_mutex_t lock;
	struct series slots[TABLE_SLOTS];
};

static const char *const transaction_labels[] = {"listener", "tls", "rule", "action", "mode"};
static const char *const session_labels[] = {"listener", "tls"};

/* FAMILY - a counter family PREFIX NAME with the labels of the array LABELS */
#define FAMILY(name_, help_, labels_)                                                              \
	{                                                                                          \
		.name = PREFIX name_, .help = help_,                                               \
		.label_count = sizeof(labels_) / sizeof((labels_)[0]), .labels = labels_,          \
		.lock = PTHREAD_MUTEX_INITIALIZER,                                                 \
	}

static struct family transactions = FAMILY(
    "transactions_total", "Mail transactions, one per transaction log line, by the line's values.",
    transaction_labels);
static struct family sessions =
    FAMILY("sessions_total", "MTA connections (SMTP sessions) that ended.", session_labels);

static atomic_int enabled;
static atomic_ullong reloads_ok, reloads_failed, dropped;
static atomic_llong loaded_at;
static atomic_int last_reload_ok = 1;
static atomic_flag dropped_warned = ATOMIC_FLAG_INIT, listeners_warned = ATOMIC_FLAG_INIT;

static _Atomic(char *) listeners[METRICS_LISTENERS_MAX];
static pthread_mutex_t listeners_lock = PTHREAD_MUTEX_INITIALIZER;

void
metrics_enable(void)
{
	atomic_store(&enabled, 1);
}

/* FNV-1a. */
static uint32_t
key_hash(const char *key, size_t len)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < len; i++)
		h = (h ^ (unsigned char)key[i]) * 16777619u;
	return h;
}

static int
series_is(const struct series *s, const char *k, const char *key, size_t len, uint32_t hash)
{
	return s->hash == hash && s->key_len == len && memcmp(k, key, len) == 0;
}

/* Add a series under the lock; NULL when the family is full. */
static struct series *
family_insert(struct family *f, const char *key, size_t len, uint32_t hash)
{
	struct series *s = NULL;
	size_t i, n;
	char *k, *copy;

	pthread_mutex_lock(&f->lock);
	for (n = 0, i = hash & (TABLE_SLOTS - 1); n < TABLE_SLOTS;
	     n++, i = (i + 1) & (TABLE_SLOTS - 1)) {
		s = &f->slots[i];
		if ((k = atomic_load_explicit(&s->key, memory_order_relaxed)) == NULL)
			break;
		if (series_is(s, k, key, len, hash))
			goto out; /* another thread was first */
	}
	s = NULL;
	if (n == TABLE_SLOTS || f->used >= METRICS_SERIES_MAX || (copy = malloc(len)) == NULL)
		goto out;
	s = &f->slots[i];
	memcpy(copy, key, len);
	s->hash = hash;
	s->key_len = len;
	atomic_store_explicit(&s->key, copy, memory_order_release);
	f->used++;
out:
	pthread_mutex_unlock(&f->lock);
	return s;
}

/* Count one under the label values in key (NUL-joined). */
static void
family_add(struct family *f, const char *key, size_t len)
{
	uint32_t hash = key_hash(key, len);
	struct series *s = NULL;
	size_t i, n;
	char *k;

	for (n = 0, i = hash & (TABLE_SLOTS - 1); n < TABLE_SLOTS;
	     n++, i = (i + 1) & (TABLE_SLOTS - 1)) {
		s = &f->slots[i];
		if ((k = atomic_load_explicit(&s->key, memory_order_acquire)) == NULL) {
			s = family_insert(f, key, len, hash);
			break;
		}
		if (series_is(s, k, key, len, hash))
			break;
	}
	if (s != NULL) {
		atomic_fetch_add_explicit(&s->count, 1, memory_order_relaxed);
		return;
	}
	atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
	if (!atomic_flag_test_and_set(&dropped_warned))
		msg_warn(
		    "metrics: more than %d label combinations for %s; further ones are counted in "
		    "%smetrics_series_dropped_total",
		    METRICS_SERIES_MAX, f->name, PREFIX);
}

/* The listener value as counted: known, newly added, or "other" past the cap. */
static const char *
bounded_listener(const char *value)
{
	const char *found = "other";
	char *k;
	size_t i;

	for (i = 0; i < METRICS_LISTENERS_MAX; i++) {
		if ((k = atomic_load_explicit(&listeners[i], memory_order_acquire)) == NULL)
			break;
		if (strcmp(k, value) == 0)
			return k;
	}
	pthread_mutex_lock(&listeners_lock);
	for (i = 0; i < METRICS_LISTENERS_MAX; i++) {
		if ((k = atomic_load_explicit(&listeners[i], memory_order_relaxed)) == NULL) {
			if ((k = strdup(value)) != NULL) {
				atomic_store_explicit(&listeners[i], k, memory_order_release);
				found = k;
			}
			break;
		}
		if (strcmp(k, value) == 0) {
			found = k;
			break;
		}
	}
	pthread_mutex_unlock(&listeners_lock);
	if (i == METRICS_LISTENERS_MAX && !atomic_flag_test_and_set(&listeners_warned))
		msg_warn("metrics: more than %d listener names; the others are counted as "
		         "listener=\"other\"",
		         METRICS_LISTENERS_MAX);
	return found;
}

/* The TLS value as counted: one of the fixed names, else "unknown". */
static const char *
bounded_tls(const char *value)
{
	int v;

	for (v = 0; v < TLS_VERSION_COUNT; v++)
		if (strcmp(value, tls_version_name((enum tls_version)v)) == 0)
			return tls_version_name((enum tls_version)v);
	return tls_version_name(TLS_VERSION_UNKNOWN);
}

/* Join values into key, NUL after each; returns the key length. */
static size_t
key_join(char *key, const char *const *values, size_t count)
{
	size_t i, len = 0, n;

	for (i = 0; i < count; i++) {
		n = strlen(values[i]) + 1;
		memcpy(key + len, values[i], n);
		len += n;
	}
	return len;
}

void
metrics_count_transaction(const char *line)
{
	char values[LABELS_MAX][METRICS_LINE_VALUE_MAX];
	const char *labels[LABELS_MAX];
	char key[KEY_MAX];
	size_t i;

	if (!atomic_load_explicit(&enabled, memory_order_relaxed))
		return;
	metrics_line_values(line, transaction_labels, 5, values);
	for (i = 0; i < 5; i++)
		labels[i] = values[i];
	labels[0] = bounded_listener(values[0]);
	labels[1] = bounded_tls(values[1]);
	family_add(&transactions, key, key_join(key, labels, 5));
}

void
metrics_count_session(const char *listener, const char *tls_version)
{
	char clean[SANITIZE_MAX + 1];
	const char *labels[2];
	char key[2 * METRICS_LINE_VALUE_MAX];

	if (!atomic_load_explicit(&enabled, memory_order_relaxed))
		return;
	/* As the log line writes them: sanitised, "-" when missing, the canonical version. */
	sanitize(clean, sizeof(clean), listener != NULL ? listener : "-", 0);
	labels[0] = bounded_listener(clean);
	labels[1] = tls_version_name(tls_version_parse(tls_version));
	family_add(&sessions, key, key_join(key, labels, 2));
}

void
metrics_policy_loaded(void)
{
	atomic_store(&loaded_at, (long long)time(NULL));
}

void
metrics_count_reload(int ok)
{
	atomic_fetch_add(ok ? &reloads_ok : &reloads_failed, 1);
	atomic_store(&last_reload_ok, ok != 0);
	if (ok)
		metrics_policy_loaded();
}



size_t
metrics_escape_label(char *dst, size_t size, const char *value)
{
	size_t o = 0;
	const char *rep;
	char one[2] = {0, 0};

	for (; *value != '\0'; value++) {
		rep = *value == '\\'   ? "\\\\"
		      : *value == '"'  ? "\\\""
		      : *value == '\n' ? "\\n"
		                       : NULL;
		if (rep == NULL) {
			one[0] = *value;
			rep = one;
		}
		if (o + strlen(rep) >= size)
			break;
		memcpy(dst + o, rep, strlen(rep));
		o += strlen(rep);
	}
	dst[o] = '\0';
	return o;
}

/* ---------------------------------------------------------------- the text */

struct text {
	char *buf;
	size_t len, size;
	int failed;
};

static void __attribute__((format(printf, 2, 3))) text_add(struct text *t, const char *fmt, ...)
{
	va_list ap;
	size_t need;
	char *grown;
	int n;

	if (t->failed)
		return;
	va_start(ap, fmt);
	n = vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	if (n < 0) {
		t->failed = 1;
		return;
	}
	if ((size_t)n < t->size - t->len) {
		t->len += (size_t)n;
		return;
	}
	need = t->len + (size_t)n + 1;
	if ((grown = realloc(t->buf, need * 2)) == NULL) {
		t->failed = 1;
		return;
	}
	t->buf = grown;
	t->size = need * 2;
	va_start(ap, fmt);
	vsnprintf(t->buf + t->len, t->size - t->len, fmt, ap);
	va_end(ap);
	t->len += (size_t)n;
}

static void
text_head(struct text *t, const char *name, const char *type, const char *help)
{
	text_add(t, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

/* {a="x",b="y"} from a NUL-joined key. */
static void
text_labels(struct text *t, const char *const *names, size_t count, const char *key)
{
	char escaped[2 * METRICS_LINE_VALUE_MAX + 1];
	size_t i;

	text_add(t, "{");
	for (i = 0; i < count; i++) {
		metrics_escape_label(escaped, sizeof(escaped), key);
		text_add(t, "%s%s=\"%s\"", i ? "," : "", names[i], escaped);
		key += strlen(key) + 1;
	}
	text_add(t, "}");
}

static void
text_family(struct text *t, struct family *f)
{
	const struct series *s;
	const char *k;
	size_t i;

	text_head(t, f->name, "counter", f->help);
	for (i = 0; i < TABLE_SLOTS; i++) {
		s = &f->slots[i];
		if ((k = atomic_load_explicit(&s->key, memory_order_acquire)) == NULL)
			continue;
		text_add(t, "%s", f->name);
		text_labels(t, f->labels, f->label_count, k);
		text_add(t, " %llu\n", atomic_load_explicit(&s->count, memory_order_relaxed));
	}
}

static void
text_counter(struct text *t, const char *name, const char *help, unsigned long long value)
{
	text_head(t, name, "counter", help);
	text_add(t, "%s %llu\n", name, value);
}

static void
text_rollout(struct text *t, const struct policy *policy, int today)
{
	char escaped[2 * METRICS_LINE_VALUE_MAX + 1], percent[16];
	const char *name;
	size_t i;
	int bp;

	text_head(t, PREFIX "rollout_percent", "gauge",
	          "Rollout percentage in force now, for every rule with a rollout.");
	for (i = 0; policy != NULL && i < policy_rule_count(policy); i++) {
		if ((bp = policy_rule_rollout(policy, i, today, &name)) < 0)
			continue;
		metrics_escape_label(escaped, sizeof(escaped), name);
		text_add(t, PREFIX "rollout_percent{rule=\"%s\"} %s\n", escaped,
		         policy_percent_text(percent, sizeof(percent), bp));
	}
}

static void
text_reloads(struct text *t)
{
	const char *name = PREFIX "policy_reloads_total";

	text_head(t, name, "counter", "Policy reloads (SIGHUP, SIGUSR1) by result.");
	text_add(t, "%s{result=\"success\"} %llu\n", name, atomic_load(&reloads_ok));
	text_add(t, "%s{result=\"failure\"} %llu\n", name, atomic_load(&reloads_failed));
	text_head(t, PREFIX "policy_last_reload_successful", "gauge",
	          "1 when the last reload succeeded (or none was tried), 0 after a failed one.");
	text_add(t, PREFIX "policy_last_reload_successful %d\n", atomic_load(&last_reload_ok));
	text_head(t, PREFIX "policy_loaded_timestamp_seconds", "gauge",
	          "When the policy in force was loaded, in seconds since the epoch.");
	text_add(t, PREFIX "policy_loaded_timestamp_seconds %lld\n", atomic_load(&loaded_at));
}

char *
metrics_render(const struct policy *policy, int today, unsigned connections, size_t *len)
{
	struct text t = {NULL, 0, 0, 0};
	char version[2 * sizeof(PACKAGE_VERSION) + 1];

	if ((t.buf = malloc(t.size = 8192)) == NULL)
		return NULL;
	text_family(&t, &transactions);
	text_family(&t, &sessions);
	text_head(&t, PREFIX "connections", "gauge", "MTA connections open now.");
	text_add(&t, PREFIX "connections %u\n", connections);
	text_rollout(&t, policy, today);
	text_reloads(&t);
	text_counter(&t, PREFIX "log_write_errors_total",
	             "Transaction log lines that could not be written.", txn_log_write_errors());
	text_counter(&t, PREFIX "internal_failures_total",
	             "Internal failures answered with the fail-safe reply.",
	             txn_internal_failures());
	text_counter(&t, PREFIX "metrics_series_dropped_total",
	             "Increments not counted because a metric had too many label combinations.",
	             atomic_load(&dropped));
	metrics_escape_label(version, sizeof(version), PACKAGE_VERSION);
	text_head(&t, PREFIX "build_info", "gauge", "Always 1; the version in a label.");
	text_add(&t, PREFIX "build_info{version=\"%s\"} 1\n", version);
	if (t.failed) {
		free(t.buf);
		return NULL;
	}
	*len = t.len;
	return t.buf;
}

static void
family_reset(struct family *f)
{
	size_t i;

	for (i = 0; i < TABLE_SLOTS; i++) {
		free(atomic_load(&f->slots[i].key));
		atomic_store(&f->slots[i].key, NULL);
		atomic_store(&f->slots[i].count, 0);
	}
	f->used = 0;
}

void
metrics_reset(void)
{
	size_t i;

	atomic_store(&enabled, 0);
	family_reset(&transactions);
	family_reset(&sessions);
	for (i = 0; i < METRICS_LISTENERS_MAX; i++) {
		free(atomic_load(&listeners[i]));
		atomic_store(&listeners[i], NULL);
	}
	atomic_store(&reloads_ok, 0);
	atomic_store(&reloads_failed, 0);
	atomic_store(&dropped, 0);
	atomic_store(&loaded_at, 0);
	atomic_store(&last_reload_ok, 1);
	atomic_flag_clear(&dropped_warned);
	atomic_flag_clear(&listeners_warned);
}
