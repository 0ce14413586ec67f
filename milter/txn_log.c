/*
 * txn_log.c -- the one writer of the per-transaction log line
 *
 * SYNOPSIS
 *	See txn_log.h.
 *
 * DESCRIPTION
 *	The format follows doc/log-format.md to the letter; the destination
 *	state (descriptor, host name) is set once at start-up and only the
 *	descriptor's target changes on reopen.
 *
 *	Writing to a file or stderr: one write() per line, under a mutex so
 *	that a failed write can be undone before another line follows (the
 *	kernel serialises appends to one file anyway). A short write (disk
 *	full, file size limit) leaves a partial line at the end of the file:
 *	it is cut off again with ftruncate(), so the file only ever holds
 *	whole lines, and the line counts as lost. Lost lines are counted,
 *	warned about at most once a minute (with the number lost since the
 *	last warning), and the first line written after an outage says how
 *	many were lost in all.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "log_keys.h"
#include "metrics.h"
#include "msg.h"
#include "sanitize.h"
#include "txn_log.h"

#define WARN_INTERVAL 60 /* seconds between two warnings about lost lines */

enum txn_dest { DEST_SYSLOG, DEST_STDERR, DEST_FILE };

static enum txn_dest dest_kind = DEST_SYSLOG;
static int dest_fd = -1;
static char dest_path[4096];
static char host_name[256] = "localhost";

static atomic_ulong write_errors;    /* lines lost, since start-up */
static atomic_ulong reopen_failures; /* failed reopens, since start-up */

static pthread_mutex_t write_lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned long lost_unreported; /* since the last warning; under write_lock */
static unsigned long lost_in_outage;  /* since the last line written; under write_lock */
static time_t last_warning;           /* under write_lock */

struct line {
	char *buf;
	size_t size;
	size_t len;
};

static void
put_text(struct line *l, const char *s)
{
	int n = snprintf(l->buf + l->len, l->size - l->len, "%s", s);

	if (n > 0)
		l->len += (size_t)n < l->size - l->len ? (size_t)n : l->size - l->len - 1;
}

/* Does the sanitised value need double quotes? */
static int
needs_quotes(const char *v)
{
	return *v == '\0' || strpbrk(v, " \"\\") != NULL;
}

/* " key=value", the value sanitised, "-" when NULL, quoted when needed. */
static void
put_value(struct line *l, enum log_key key, const char *value)
{
	char clean[SANITIZE_MAX + 1];
	char quoted[2 * SANITIZE_MAX + 3];
	size_t i, q = 0;

	if (value == NULL)
		value = "-";
	sanitize(clean, sizeof(clean), value, 0);
	if (needs_quotes(clean)) {
		quoted[q++] = '"';
		for (i = 0; clean[i] != '\0'; i++) {
			if (clean[i] == '"' || clean[i] == '\\')
				quoted[q++] = '\\';
			quoted[q++] = clean[i];
		}
		quoted[q++] = '"';
		quoted[q] = '\0';
	}
	put_text(l, " ");
	put_text(l, log_key_names[key]);
	put_text(l, "=");
	put_text(l, q > 0 ? quoted : clean);
}

/*
 * "NAME[ADDR]" within 255 bytes: the address is kept whole up to 252 bytes
 * (cut there, so that a name byte, "[" and "]" always fit), and the name
 * gets what is left, its "[" and "]" made '?' so that the first "[" of the
 * value is always the one before the address.
 */
static void
format_client(char *out, size_t size, const char *name, const char *addr)
{
	char cname[SANITIZE_MAX + 1], caddr[SANITIZE_MAX - 2];
	size_t room;

	sanitize(caddr, sizeof(caddr), addr && *addr ? addr : "-", 0);
	room = SANITIZE_MAX - strlen(caddr) - 2; /* >= 1: caddr has at most 252 bytes */
	sanitize(cname, room + 1, name && *name ? name : "unknown", 0);
	for (char *p = cname; (p = strpbrk(p, "[]")) != NULL; p++)
		*p = '?';
	if (cname[0] == '\0') /* the room was smaller than the first character */
		snprintf(cname, sizeof(cname), "?");
	snprintf(out, size, "%s[%s]", cname, caddr);
}

/* "<sender>", "<>" for the null sender, NULL when unknown. */
static const char *
format_sender(char *out, size_t size, const struct txn_record *r)
{
	char clean[SANITIZE_MAX + 1];

	if (!r->have_sender)
		return NULL;
	sanitize(clean, SANITIZE_MAX - 1, r->sender, 0);
	snprintf(out, size, "<%s>", clean);
	return out;
}

static void
put_decision(struct line *l, const struct decision *d, int aborted)
{
	char percent[16];
	int rollout = d != NULL && d->has_rollout;

	put_value(l, LK_RULE, d ? d->rule_name : NULL);
	put_value(l, LK_ACTION, aborted ? "abort" : d ? policy_action_name(d->action) : NULL);
	put_value(l, LK_MODE, d ? (d->enforced ? "enforce" : "report-only") : NULL);
	put_value(l, LK_SELECTED, rollout ? (d->selected ? "yes" : "no") : NULL);
	put_value(l, LK_PERCENT,
	          rollout ? policy_percent_text(percent, sizeof(percent), d->percent_bp) : NULL);
	put_value(l, LK_SKIPPED, d ? d->skipped_rule : NULL);
}

size_t
txn_log_format(char *buf, size_t size, const struct txn_record *r)
{
	struct line l = {buf, size, 0};
	char qid[SANITIZE_MAX + 1];
	char client[2 * SANITIZE_MAX + 4]; /* composed within 255; room for the compiler */
	char from[SANITIZE_MAX + 4];
	char nrcpt[16];

	buf[0] = '\0';
	sanitize(qid, sizeof(qid), r->queue_id, SANITIZE_SPACE);
	put_text(&l, qid[0] ? qid : "NOQUEUE");
	put_text(&l, ":");
	format_client(client, sizeof(client), r->client_name, r->client_addr);
	put_value(&l, LK_CLIENT, client);
	put_value(&l, LK_HELO, r->helo);
	put_value(&l, LK_LISTENER, r->listener);
	put_value(&l, LK_PORT, r->port);
	put_value(&l, LK_AUTH, r->auth);
	put_value(&l, LK_TLS, r->tls);
	put_value(&l, LK_CIPHER, r->cipher);
	put_value(&l, LK_BITS, r->bits);
	put_value(&l, LK_VERIFY, r->verify);
	put_value(&l, LK_FROM, format_sender(from, sizeof(from), r));
	snprintf(nrcpt, sizeof(nrcpt), "%u", r->nrcpt);
	put_value(&l, LK_NRCPT, nrcpt);
	put_decision(&l, r->decision, r->aborted);
	put_value(&l, LK_REPLY, r->reply);
	put_value(&l, LK_RELAY,
	          r->decision && r->decision->action == ACTION_REROUTE ? r->decision->relay : NULL);
	return l.len;
}

size_t
txn_log_stamp(char *buf, size_t size, time_t when, const char *host, long pid)
{
	struct tm tm;
	char date[32], zone[8];
	int n;

	localtime_r(&when, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	/* "+0100" becomes "+01:00". */
	n = snprintf(buf, size, "%s%.3s:%.2s %s milter-tlspolicy[%ld]: ", date, zone, zone + 3,
	             host, pid);
	return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

static int
open_file(const char *path)
{
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);
}

int
txn_log_open(const char *dest, char *err, size_t errlen)
{
	if (gethostname(host_name, sizeof(host_name) - 1) != 0)
		snprintf(host_name, sizeof(host_name), "localhost");
	if (dest == NULL || strcmp(dest, "syslog") == 0) {
		dest_kind = DEST_SYSLOG;
		return 0;
	}
	if (strcmp(dest, "stderr") == 0) {
		dest_kind = DEST_STDERR;
		dest_fd = STDERR_FILENO;
		return 0;
	}
	if (snprintf(dest_path, sizeof(dest_path), "%s", dest) >= (int)sizeof(dest_path)) {
		snprintf(err, errlen, "log file name too long");
		return -1;
	}
	if ((dest_fd = open_file(dest_path)) < 0) {
		snprintf(err, errlen, "cannot open log file %s: %s", dest_path, strerror(errno));
		return -1;
	}
	dest_kind = DEST_FILE;
	return 0;
}

int
txn_log_reopen(void)
{
	int fd;

	if (dest_kind != DEST_FILE)
		return 0;
	if ((fd = open_file(dest_path)) < 0 || dup2(fd, dest_fd) < 0) {
		msg_warn("cannot reopen the log file %s: %s; still writing to the old one",
		         dest_path, strerror(errno));
		if (fd >= 0)
			close(fd);
		atomic_fetch_add_explicit(&reopen_failures, 1, memory_order_relaxed);
		return -1;
	}
	close(fd);
	msg_info("log file reopened: %s", dest_path);
	return 0;
}

int
txn_log_chown(uid_t uid, gid_t gid, char *err, size_t errlen)
{
	struct stat st;

	if (dest_kind != DEST_FILE)
		return 0;
	if (fstat(dest_fd, &st) != 0) {
		snprintf(err, errlen, "log file %s: %s", dest_path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || uid == 0 || geteuid() != 0)
		return 0; /* not ours to change: someone else's file, or a device */
	if (fchown(dest_fd, uid, gid) != 0 || fchmod(dest_fd, 0640) != 0) {
		snprintf(err, errlen, "cannot give the log file %s to uid %ld: %s", dest_path,
		         (long)uid, strerror(errno));
		return -1;
	}
	return 0;
}

unsigned long
txn_log_write_errors(void)
{
	return atomic_load_explicit(&write_errors, memory_order_relaxed);
}

unsigned long
txn_log_reopen_failures(void)
{
	return atomic_load_explicit(&reopen_failures, memory_order_relaxed);
}

void
txn_log_close(void)
{
	if (dest_kind == DEST_FILE && dest_fd >= 0)
		close(dest_fd);
	dest_fd = -1;
	dest_kind = DEST_SYSLOG;
}

static const char *
dest_name(void)
{
	return dest_kind == DEST_FILE ? dest_path : "stderr";
}

/* A short write left n bytes of a line at the end of the file: cut them off. */
static const char *
undo_partial(size_t n)
{
	off_t end;

	if (dest_kind != DEST_FILE)
		return "; a partial line may remain";
	if ((end = lseek(dest_fd, 0, SEEK_END)) < (off_t)n ||
	    ftruncate(dest_fd, end - (off_t)n) != 0)
		return "; a partial line remains";
	return "";
}

/* A line is lost: count it, warn at most once per WARN_INTERVAL. Under write_lock. */
static void
note_lost(const char *why, const char *partial)
{
	time_t now = time(NULL);

	atomic_fetch_add_explicit(&write_errors, 1, memory_order_relaxed);
	lost_unreported++;
	lost_in_outage++;
	if (last_warning != 0 && now - last_warning < WARN_INTERVAL)
		return;
	msg_warn("cannot write the transaction log to %s: %s%s; %lu line%s lost since the last "
	         "warning (next warning in %d s at the earliest)",
	         dest_name(), why, partial, lost_unreported, lost_unreported == 1 ? "" : "s",
	         WARN_INTERVAL);
	lost_unreported = 0;
	last_warning = now;
}

/* A line was written: end an outage. Under write_lock. */
static void
note_written(void)
{
	if (lost_in_outage == 0)
		return;
	msg_warn("writing the transaction log to %s works again after %lu lost line%s", dest_name(),
	         lost_in_outage, lost_in_outage == 1 ? "" : "s");
	lost_in_outage = 0;
	lost_unreported = 0;
	last_warning = 0;
}

void
txn_log_write(const struct txn_record *record)
{
	char line[TXN_LOG_LINE_MAX];
	char why[128];
	size_t len = 0, body;
	ssize_t n;

	if (dest_kind == DEST_SYSLOG) {
		/* syslog(3) reports nothing: a full /dev/log queue is not detectable here. */
		txn_log_format(line, sizeof(line), record);
		metrics_count_transaction(line);
		syslog(LOG_MAIL | LOG_INFO, "%s", line);
		return;
	}
	body = txn_log_stamp(line, sizeof(line), time(NULL), host_name, (long)getpid());
	len = body + txn_log_format(line + body, sizeof(line) - body - 1, record);
	metrics_count_transaction(line + body);
	line[len++] = '\n';
	pthread_mutex_lock(&write_lock);
	n = write(dest_fd, line, len);
	if (n == (ssize_t)len) {
		note_written();
	} else if (n < 0) {
		note_lost(strerror(errno), "");
	} else {
		snprintf(why, sizeof(why),
		         "short write (%zd of %zu bytes: disk full or file too large)", n, len);
		note_lost(why, n > 0 ? undo_partial((size_t)n) : "");
	}
	pthread_mutex_unlock(&write_lock);
}
