/*
 * notices.c -- tlspolicy-report notices (see notices.h)
 *
 * DESCRIPTION
 *	The logs are read by scan.c into an aggregate, filtered to TLS below
 *	1.2 (and plaintext with --include-plaintext); for every client kept
 *	the last session facts seen per TLS version are kept too (a sample,
 *	interned strings), so that --policy can decide them again
 *	(replay_outlook()). The clients are then grouped by SMTP AUTH user;
 *	unauthenticated ones go to the postmaster summary.
 */
#include "config.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "aggregate.h"
#include "civil_date.h"
#include "common_opts.h"
#include "filter.h"
#include "intern.h"
#include "logtime.h"
#include "notice_mail.h"
#include "notice_template.h"
#include "notices.h"
#include "replay.h"
#include "scan.h"
#include "view.h"
#include "xalloc.h"

#define PROG             "tlspolicy-report"
#define DEFAULT_SENDMAIL "/usr/sbin/sendmail -t -i"
#define OUTLOOK_DAYS     3660 /* how far ahead --policy looks: ten years */
#define OUTLOOK_STEPS    8

enum {
	OPT_FROM = COMMON_OPT_END,
	OPT_DOMAIN,
	OPT_POSTMASTER,
	OPT_TEMPLATE,
	OPT_PM_TEMPLATE,
	OPT_SENDMAIL,
	OPT_SENDMAIL_CMD,
	OPT_PLAINTEXT
};

static const struct option notice_options[] = {
    {"from", required_argument, NULL, OPT_FROM},
    {"domain", required_argument, NULL, OPT_DOMAIN},
    {"postmaster", required_argument, NULL, OPT_POSTMASTER},
    COMMON_LONG_OPTIONS,
    {"template", required_argument, NULL, OPT_TEMPLATE},
    {"postmaster-template", required_argument, NULL, OPT_PM_TEMPLATE},
    {"output", required_argument, NULL, 'o'},
    {"sendmail", no_argument, NULL, OPT_SENDMAIL},
    {"sendmail-command", required_argument, NULL, OPT_SENDMAIL_CMD},
    {"include-plaintext", no_argument, NULL, OPT_PLAINTEXT},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

struct notice_opts {
	const char *from;
	const char *domain;
	const char *postmaster;
	const char *template_path;
	const char *pm_template_path;
	const char *output_dir;
	const char *sendmail;
	int include_plaintext;
	struct common_opts co; /* --since, --until, --listener, --host, --policy, --as-of */
};

/* The last session facts seen of one client, per TLS version (interned). */
struct samples {
	struct logrec rec[TLS_VERSION_COUNT];
	unsigned mask; /* 1 << version for each rec kept */
	struct samples *next;
};

/* What a run keeps besides the aggregate. */
struct run {
	struct notice_opts *o;
	struct samples *all; /* to free */
	struct replay *replay;
	struct aggregate agg;
	struct template user_tmpl;
	struct template pm_tmpl;
	time_t now;
	unsigned seq; /* NNNN of the next notice */
	unsigned written, failed, skipped_no_domain, skipped_invalid;
};

static void
usage(FILE *fp)
{
	fprintf(fp, "usage: " PROG " notices --from ADDR [--domain DOMAIN] [--postmaster ADDR]\n"
	            "       [--policy FILE [--as-of DATE]] [--since DATE] [--until DATE]\n"
	            "       [--include-plaintext] [--listener NAME] [--host NAME]\n"
	            "       [--template FILE] [--postmaster-template FILE]\n"
	            "       (--output DIR | --sendmail [--sendmail-command CMD]) [FILE ...]\n");
}

static struct logfield
interned(const struct logfield *f)
{
	const struct istr *is = intern(f->s, f->len);
	struct logfield out = {is->s, is->len};

	return out;
}

/* keep_sample - scan callback: the newest facts of each client and TLS version */
static void
keep_sample(void *arg, struct tally *t, const struct logrec *rec)
{
	struct run *run = arg;
	struct samples *s = t->extra;
	struct logrec *r;

	if (s == NULL) {
		s = xcalloc(1, sizeof(*s));
		s->next = run->all;
		run->all = s;
		t->extra = s;
	}
	r = &s->rec[rec->tls];
	if ((s->mask & 1u << rec->tls) && rec->time < r->time)
		return;
	s->mask |= 1u << rec->tls;
	*r = *rec;
	r->host = interned(&rec->host);
	r->queue_id = interned(&rec->queue_id);
	r->client_name = interned(&rec->client_name);
	r->client_addr = interned(&rec->client_addr);
	for (int k = 0; k < LK_COUNT; k++)
		r->v[k] = interned(&rec->v[k]);
}

/* ---- the text of one client ---- */

static void
when_text(struct strbuf *sb, time_t t)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strbuf_printf(sb, "%04d-%02d-%02d %02d:%02d UTC", tm.tm_year + 1900, tm.tm_mon + 1,
	              tm.tm_mday, tm.tm_hour, tm.tm_min);
}

static void
date_text(struct strbuf *sb, int date)
{
	strbuf_printf(sb, "%04d-%02d-%02d", date / 10000, date / 100 % 100, date % 100);
}

static void
istr_text(struct strbuf *sb, const struct istr *is)
{
	mail_text(sb, is->s, is->len);
}

/*
 * wrap_text - append text as lines of at most WRAP_WIDTH columns (where
 * blanks allow), the first indented by indent, the others by hang.
 */
#define WRAP_WIDTH 76
static void
wrap_text(struct strbuf *sb, const char *text, int indent, int hang)
{
	int col = 0, first = 1;

	while (*text != '\0') {
		const char *end = text;
		int len;

		while (*end != '\0' && *end != ' ')
			end++;
		len = (int)(end - text);
		if (first || col + 1 + len > WRAP_WIDTH) {
			if (!first)
				strbuf_puts(sb, "\n");
			strbuf_printf(sb, "%*s", first ? indent : hang, "");
			col = first ? indent : hang;
			first = 0;
		} else {
			strbuf_puts(sb, " ");
			col++;
		}
		strbuf_add(sb, text, (size_t)len);
		col += len;
		text = end;
		while (*text == ' ')
			text++;
	}
	strbuf_puts(sb, "\n");
}

static const char *const action_words[ACTION_COUNT] = {
    [ACTION_ACCEPT] = "accepted",
    [ACTION_TAG] = "accepted and marked as legacy TLS",
    [ACTION_DEFER] = "deferred (not delivered; the client gets a temporary error)",
    [ACTION_REJECT] = "rejected (not delivered; the client gets a permanent error)",
    [ACTION_REROUTE] = "delivered through a separate relay",
    [ACTION_HOLD] = "held in quarantine for the administrators",
};

/* Does this decision keep mail from being delivered as before? */
static int
refuses(const struct decision *d)
{
	return d->enforced && (d->action == ACTION_DEFER || d->action == ACTION_REJECT ||
	                       d->action == ACTION_HOLD);
}

static void
decision_text(struct strbuf *sb, const struct decision *d)
{
	char pct[16];

	if (!d->enforced)
		strbuf_printf(sb, "accepted (report-only: the policy would have it %s)",
		              action_words[d->action]);
	else
		strbuf_puts(sb, action_words[d->action]);
	if (d->enforced && (d->action == ACTION_DEFER || d->action == ACTION_REJECT) &&
	    d->reply_code > 0) {
		strbuf_printf(sb, ", reply \"%d %s ", d->reply_code,
		              d->reply_xcode ? d->reply_xcode : "");
		mail_text(sb, d->reply_text ? d->reply_text : "",
		          d->reply_text ? strlen(d->reply_text) : 0);
		strbuf_puts(sb, "\"");
	}
	strbuf_puts(sb, " (rule ");
	mail_text(sb, d->rule_name, strlen(d->rule_name));
	if (d->has_rollout && d->rollout_select == ROLLOUT_PER_CLIENT)
		strbuf_printf(sb, "; per-client rollout at %s%%: this client is selected",
		              policy_percent_text(pct, sizeof(pct), d->percent_bp));
	else if (d->has_rollout)
		strbuf_printf(sb, "; rollout: %s%% of transactions, chosen at random",
		              policy_percent_text(pct, sizeof(pct), d->percent_bp));
	if (d->skipped_rule != NULL) {
		strbuf_puts(sb, "; the rollout of rule ");
		mail_text(sb, d->skipped_rule, strlen(d->skipped_rule));
		if (d->skipped_percent_bp == 0)
			strbuf_puts(sb, " has not started yet");
		else
			strbuf_printf(sb, " at %s%% does not select this client yet",
			              policy_percent_text(pct, sizeof(pct), d->skipped_percent_bp));
	}
	strbuf_puts(sb, ")");
}

/*
 * outlook_text - what --policy does to one sampled session; *deadline is
 * lowered to the first day it refuses mail (0: never within the outlook).
 */
static void
outlook_text(struct run *run, struct strbuf *sb, const struct logrec *sample, int *deadline)
{
	struct outlook_step steps[OUTLOOK_STEPS];
	size_t n = replay_outlook(run->replay, sample, OUTLOOK_DAYS, steps, OUTLOOK_STEPS);

	for (size_t i = 0; i < n; i++) {
		struct strbuf line;

		strbuf_init(&line);
		if (i == 0) {
			strbuf_puts(&line, "now: ");
		} else {
			strbuf_puts(&line, "from ");
			date_text(&line, steps[i].date);
			strbuf_puts(&line, ": ");
		}
		decision_text(&line, &steps[i].d);
		wrap_text(sb, line.s, 6, 10);
		strbuf_free(&line);
		if (refuses(&steps[i].d) && (*deadline == 0 || steps[i].date < *deadline))
			*deadline = steps[i].date;
	}
}

static const char *
version_label(enum tls_version v)
{
	return v == TLS_VERSION_NONE ? "no TLS" : tls_version_name(v);
}

/* client_text - the block of one client */
static void
client_text(struct run *run, struct strbuf *sb, const struct tally *t, int *deadline)
{
	const struct samples *s = t->extra;
	int first;

	strbuf_puts(sb, "  - Address:    ");
	istr_text(sb, t->addr);
	strbuf_puts(sb, "\n    PTR name:   ");
	if (t->name == NULL || (t->name->len == 7 && memcmp(t->name->s, "unknown", 7) == 0))
		strbuf_puts(sb, "(none)");
	else
		istr_text(sb, t->name);
	strbuf_puts(sb, "\n    HELO:       ");
	for (unsigned i = 0; i < t->helos.len; i++) {
		if (i > 0)
			strbuf_puts(sb, ", ");
		istr_text(sb, t->helos.v[i].key);
	}
	strbuf_puts(sb, "\n    Listener:   ");
	istr_text(sb, t->listener);
	strbuf_puts(sb, "\n    TLS:        ");
	first = 1;
	for (int v = 0; v < TLS_VERSION_COUNT; v++) {
		if (t->by_tls[v] == 0)
			continue;
		strbuf_printf(sb, "%s%s: %lu transaction%s", first ? "" : ", ",
		              version_label((enum tls_version)v), t->by_tls[v],
		              t->by_tls[v] == 1 ? "" : "s");
		first = 0;
	}
	if (t->aborted > 0)
		strbuf_printf(sb, "%s%lu aborted (not completed)", first ? "" : ", ", t->aborted);
	if (t->ciphers.len > 0) {
		strbuf_puts(sb, "\n    Ciphers:    ");
		for (unsigned i = 0; i < t->ciphers.len; i++) {
			if (i > 0)
				strbuf_puts(sb, ", ");
			istr_text(sb, t->ciphers.v[i].key);
			strbuf_printf(sb, ": %lu", t->ciphers.v[i].n);
		}
	}
	strbuf_puts(sb, "\n    First seen: ");
	when_text(sb, t->first);
	strbuf_puts(sb, "\n    Last seen:  ");
	when_text(sb, t->last);
	strbuf_puts(sb, "\n");
	if (run->replay == NULL || s == NULL)
		return;
	for (int v = 0; v < TLS_VERSION_COUNT; v++) {
		if (!(s->mask & 1u << v))
			continue;
		strbuf_printf(sb, "    With %s, the new policy:\n",
		              version_label((enum tls_version)v));
		outlook_text(run, sb, &s->rec[v], deadline);
	}
}

/* ---- one notice ---- */

struct owner {
	const char *recipient;
	const struct istr *user; /* NULL: the postmaster summary */
	struct tally **clients;
	size_t n;
};

static void
versions_text(struct strbuf *sb, struct tally *const *clients, size_t n)
{
	static const enum tls_version order[] = {TLS_VERSION_SSLV3, TLS_VERSION_1_0,
	                                         TLS_VERSION_1_1, TLS_VERSION_NONE};
	static const char *const words[] = {"SSL 3.0", "TLS 1.0", "TLS 1.1",
	                                    "no encryption (plaintext)"};
	const char *seen[4];
	size_t k = 0;

	for (size_t i = 0; i < 4; i++)
		for (size_t c = 0; c < n; c++)
			if (clients[c]->by_tls[order[i]] > 0) {
				seen[k++] = words[i];
				break;
			}
	for (size_t i = 0; i < k; i++)
		strbuf_printf(sb, "%s%s", i == 0 ? "" : i + 1 == k ? " and " : ", ", seen[i]);
}

static void
hosts_text(struct strbuf *sb, struct tally *const *clients, size_t n)
{
	struct countvec hosts = {0};

	for (size_t c = 0; c < n; c++)
		for (unsigned i = 0; i < clients[c]->hosts.len; i++)
			countvec_add_istr(&hosts, clients[c]->hosts.v[i].key, 1);
	for (unsigned i = 0; i < hosts.len; i++) {
		if (i > 0)
			strbuf_puts(sb, ", ");
		istr_text(sb, hosts.v[i].key);
	}
	countvec_free(&hosts);
}

/* compose - the whole message of one owner */
static void
compose(struct run *run, const struct owner *ow, struct strbuf *msg)
{
	const struct template *tp = ow->user ? &run->user_tmpl : &run->pm_tmpl;
	struct strbuf v[TV_COUNT], subject, body, mid;
	const char *values[TV_COUNT];
	char date[64], count[32];
	time_t first = 0, last = 0;
	int deadline = 0;
	const char *cte, *at;

	for (int i = 0; i < TV_COUNT; i++)
		strbuf_init(&v[i]);
	for (size_t c = 0; c < ow->n; c++) {
		const struct tally *t = ow->clients[c];

		if (c == 0 || t->first < first)
			first = t->first;
		if (c == 0 || t->last > last)
			last = t->last;
		client_text(run, &v[TV_CLIENTS], t, &deadline);
		strbuf_puts(&v[TV_CLIENTS], "\n");
	}
	strbuf_puts(&v[TV_RECIPIENT], ow->recipient);
	if (ow->user)
		istr_text(&v[TV_USER], ow->user);
	else
		strbuf_puts(&v[TV_USER], "unauthenticated clients");
	strbuf_puts(&v[TV_FROM], run->o->from);
	snprintf(count, sizeof(count), "%zu", ow->n);
	strbuf_puts(&v[TV_COUNT_], count);
	when_text(&v[TV_FIRST_SEEN], first);
	when_text(&v[TV_LAST_SEEN], last);
	hosts_text(&v[TV_HOSTS], ow->clients, ow->n);
	versions_text(&v[TV_VERSIONS], ow->clients, ow->n);
	if (run->replay != NULL) {
		strbuf_puts(&v[TV_POLICY], run->o->co.policy);
		strbuf_puts(&v[TV_POLICY], " as of ");
		date_text(&v[TV_POLICY], run->o->co.as_of);
		strbuf_puts(&v[TV_CHANGE], "\n");
		if (deadline == 0) {
			wrap_text(&v[TV_CHANGE],
			          "The policy coming into force does not refuse this "
			          "mail yet; see each device below.",
			          0, 0);
		} else if (deadline <= run->o->co.as_of) {
			strbuf_puts(&v[TV_DEADLINE], "now");
			wrap_text(&v[TV_CHANGE],
			          "Mail sent this way is already being refused; see "
			          "each device below.",
			          0, 0);
		} else {
			struct strbuf para;

			date_text(&v[TV_DEADLINE], deadline);
			strbuf_init(&para);
			strbuf_printf(&para,
			              "From %s on, mail sent this way will be refused (not "
			              "delivered); see each device below for its date.",
			              v[TV_DEADLINE].s);
			wrap_text(&v[TV_CHANGE], para.s, 0, 0);
			strbuf_free(&para);
		}
	}
	for (int i = 0; i < TV_COUNT; i++)
		values[i] = v[i].s;

	strbuf_init(&subject);
	strbuf_init(&body);
	strbuf_init(&mid);
	template_expand(&subject, tp->subject, values);
	template_expand(&body, tp->body, values);
	mail_date(date, sizeof(date), run->now);
	at = strrchr(run->o->from, '@');
	strbuf_printf(&mid, "<tlspolicy-notice.%ld.%ld.%04u@%s>", (long)run->now, (long)getpid(),
	              run->seq, at ? at + 1 : "localhost");
	mail_header(msg, "Date", date);
	mail_header(msg, "From", run->o->from);
	mail_header(msg, "To", ow->recipient);
	mail_header(msg, "Subject", subject.s);
	mail_header(msg, "Message-ID", mid.s);
	mail_header(msg, "MIME-Version", "1.0");
	mail_header(msg, "Content-Type", "text/plain; charset=utf-8");
	{
		struct strbuf encoded;

		strbuf_init(&encoded);
		cte = mail_body(&encoded, body.s);
		mail_header(msg, "Content-Transfer-Encoding", cte);
		mail_header(msg, "Auto-Submitted", "auto-generated");
		strbuf_puts(msg, "\n");
		strbuf_add(msg, encoded.s, encoded.len);
		strbuf_free(&encoded);
	}
	strbuf_free(&subject);
	strbuf_free(&body);
	strbuf_free(&mid);
	for (int i = 0; i < TV_COUNT; i++)
		strbuf_free(&v[i]);
}

/* ---- delivery ---- */

static int
is_safe_file_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
	       c == '@' || c == '.' || c == '_' || c == '+' || c == '-';
}

static int
write_file(struct run *run, const char *recipient, const struct strbuf *msg)
{
	char path[4096], name[300];
	size_t i;
	FILE *fp;
	int bad;

	for (i = 0; recipient[i] != '\0' && i < sizeof(name) - 1; i++) {
		char c = recipient[i];

		name[i] = is_safe_file_char(c) ? c : '_';
	}
	name[i] = '\0';
	snprintf(path, sizeof(path), "%s/%04u-%s.eml", run->o->output_dir, run->seq, name);
	if ((fp = fopen(path, "w")) == NULL) {
		fprintf(stderr, PROG ": notices: cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	bad = fwrite(msg->s, 1, msg->len, fp) != msg->len || ferror(fp);
	if (fclose(fp) != 0) /* always closed */
		bad = 1;
	if (bad) {
		fprintf(stderr, PROG ": notices: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	printf("%s\n", path);
	return 0;
}

static int
pipe_sendmail(struct run *run, const char *recipient, const struct strbuf *msg)
{
	FILE *fp = popen(run->o->sendmail, "w");
	int status, wrote;

	if (fp == NULL) {
		fprintf(stderr, PROG ": notices: cannot run %s: %s\n", run->o->sendmail,
		        strerror(errno));
		return -1;
	}
	wrote = fwrite(msg->s, 1, msg->len, fp) == msg->len && fflush(fp) == 0;
	status = pclose(fp);
	if (!wrote || status == -1 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, PROG ": notices: sending to %s failed: %s %s\n", recipient,
		        run->o->sendmail,
		        !wrote              ? "did not take the whole message"
		        : status == -1      ? "could not be waited for"
		        : WIFEXITED(status) ? "exited with a non-zero status"
		                            : "was killed by a signal");
		return -1;
	}
	printf("sent to %s\n", recipient);
	return 0;
}

static void
deliver(struct run *run, const struct owner *ow)
{
	struct strbuf msg;
	int rc;

	run->seq++;
	strbuf_init(&msg);
	compose(run, ow, &msg);
	rc = run->o->output_dir ? write_file(run, ow->recipient, &msg)
	                        : pipe_sendmail(run, ow->recipient, &msg);
	if (rc == 0)
		run->written++;
	else
		run->failed++;
	strbuf_free(&msg);
}

/* ---- owners ---- */

static int
cmp_owner_client(const void *a, const void *b)
{
	const struct tally *x = *(const struct tally *const *)a;
	const struct tally *y = *(const struct tally *const *)b;
	int c = strcmp(x->auth->s, y->auth->s);

	if (c == 0)
		c = x->last != y->last ? (x->last > y->last ? -1 : 1) : 0;
	if (c == 0)
		c = strcmp(x->addr->s, y->addr->s);
	return c != 0 ? c : strcmp(x->listener->s, y->listener->s);
}

static int
is_dash(const struct istr *is)
{
	return is->len == 1 && is->s[0] == '-';
}

/* user_notice - the notice of one user, if it has an address */
static void
user_notice(struct run *run, struct tally **clients, size_t n)
{
	const struct istr *user = clients[0]->auth;
	struct owner ow = {NULL, user, clients, n};
	char *addr;

	if (strchr(user->s, '@') != NULL) {
		addr = xstrdup(user->s);
	} else if (run->o->domain != NULL) {
		addr = xmalloc(user->len + strlen(run->o->domain) + 2);
		sprintf(addr, "%s@%s", user->s, run->o->domain);
	} else {
		if (run->skipped_no_domain++ == 0)
			fprintf(stderr,
			        PROG ": notices: users without \"@\" (such as \"%s\") are "
			             "skipped; --domain DOMAIN addresses them as USER@DOMAIN\n",
			        user->s);
		return;
	}
	if (!mail_address_valid(addr)) {
		struct strbuf shown;

		strbuf_init(&shown);
		mail_text(&shown, addr, strlen(addr));
		fprintf(stderr, PROG ": notices: \"%s\" is not a mail address; no notice for it\n",
		        shown.s);
		strbuf_free(&shown);
		run->skipped_invalid++;
		free(addr);
		return;
	}
	ow.recipient = addr;
	deliver(run, &ow);
	free(addr);
}

static void
make_notices(struct run *run)
{
	struct tally **clients = aggregate_clients(&run->agg);
	size_t n = run->agg.nclients, i, j;

	for (i = 0; i < n; i++)
		tally_sort_maps(clients[i]);
	qsort(clients, n, sizeof(*clients), cmp_owner_client);
	for (i = 0; i < n; i = j) { /* one notice per user, the users in byte order */
		for (j = i + 1; j < n && clients[j]->auth == clients[i]->auth; j++)
			;
		if (!is_dash(clients[i]->auth))
			user_notice(run, clients + i, j - i);
	}
	if (run->o->postmaster != NULL) {
		struct tally **pm = xcalloc(n + 1, sizeof(*pm));
		size_t k = 0;

		for (i = 0; i < n; i++)
			if (is_dash(clients[i]->auth))
				pm[k++] = clients[i];
		if (k > 0) {
			struct owner ow = {run->o->postmaster, NULL, pm, k};

			deliver(run, &ow);
		}
		free(pm);
	}
	free(clients);
}

/* ---- options ---- */

static int
notice_option(int c, const char *arg, struct notice_opts *o)
{
	int rc = common_option(&o->co, c, arg, PROG ": notices: ");

	if (rc <= 0)
		return rc;
	switch (c) {
	case OPT_FROM:
		o->from = arg;
		return 0;
	case OPT_DOMAIN:
		o->domain = arg;
		return 0;
	case OPT_POSTMASTER:
		o->postmaster = arg;
		return 0;
	case OPT_TEMPLATE:
		o->template_path = arg;
		return 0;
	case OPT_PM_TEMPLATE:
		o->pm_template_path = arg;
		return 0;
	case 'o':
		o->output_dir = arg;
		return 0;
	case OPT_SENDMAIL:
		if (o->sendmail == NULL)
			o->sendmail = DEFAULT_SENDMAIL;
		return 0;
	case OPT_SENDMAIL_CMD:
		o->sendmail = arg;
		return 0;
	case OPT_PLAINTEXT:
		o->include_plaintext = 1;
		return 0;
	default:
		usage(stderr);
		return -1;
	}
}

/* check_options - what the options must say together */
static int
check_options(struct notice_opts *o)
{
	static const char *const what[] = {"--from", "--postmaster", "--domain"};
	const char *addr[] = {o->from, o->postmaster, NULL};

	if (o->from == NULL) {
		fprintf(stderr, PROG ": notices: --from ADDR is required\n");
		return -1;
	}
	for (int i = 0; i < 2; i++)
		if (addr[i] != NULL && !mail_address_valid(addr[i])) {
			fprintf(stderr, PROG ": notices: %s: \"%s\" is not a plain mail address\n",
			        what[i], addr[i]);
			return -1;
		}
	if (o->domain != NULL) {
		char probe[300];

		snprintf(probe, sizeof(probe), "user@%s", o->domain);
		if (!mail_address_valid(probe)) {
			fprintf(stderr, PROG ": notices: --domain: bad domain \"%s\"\n", o->domain);
			return -1;
		}
	}
	if ((o->output_dir != NULL) == (o->sendmail != NULL)) {
		fprintf(stderr, PROG ": notices: give one of --output DIR and --sendmail\n");
		return -1;
	}
	return common_opts_check(&o->co, PROG ": notices: ");
}

static int
load_templates(struct run *run)
{
	char err[512];

	if (run->o->template_path == NULL)
		template_builtin(&run->user_tmpl, 0);
	else if (template_load(&run->user_tmpl, run->o->template_path, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": notices: --template: %s\n", err);
		return -1;
	}
	if (run->o->pm_template_path == NULL)
		template_builtin(&run->pm_tmpl, 1);
	else if (template_load(&run->pm_tmpl, run->o->pm_template_path, err, sizeof(err)) < 0) {
		fprintf(stderr, PROG ": notices: --postmaster-template: %s\n", err);
		return -1;
	}
	return 0;
}

static int
prepare_output(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		fprintf(stderr, PROG ": notices: cannot create %s: %s\n", dir, strerror(errno));
		return -1;
	}
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, PROG ": notices: %s is not a directory\n", dir);
		return -1;
	}
	return 0;
}

static void
run_free(struct run *run)
{
	while (run->all != NULL) {
		struct samples *next = run->all->next;

		free(run->all);
		run->all = next;
	}
	replay_close(run->replay);
	aggregate_free(&run->agg);
	template_free(&run->user_tmpl);
	template_free(&run->pm_tmpl);
	common_opts_free(&run->o->co);
}

int
notices_main(int argc, char **argv)
{
	struct notice_opts o;
	struct run run;
	struct scan sc;
	int c, status;

	memset(&o, 0, sizeof(o));
	memset(&run, 0, sizeof(run));
	run.o = &o;
	common_opts_init(&o.co);
	optind = 0; /* glibc: start afresh, also when called again (tests) */
	while ((c = getopt_long(argc, argv, "o:h", notice_options, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			common_opts_free(&o.co);
			return 0;
		}
		if (notice_option(c, optarg, &o) < 0) {
			common_opts_free(&o.co);
			return 1;
		}
	}
	o.co.filter.legacy_only = 1;
	o.co.filter.plaintext_only = o.include_plaintext;
	if (check_options(&o) < 0 || load_templates(&run) < 0 ||
	    (o.output_dir != NULL && prepare_output(o.output_dir) < 0)) {
		run_free(&run);
		return 1;
	}
	if (common_opts_replay(&o.co, &run.replay, PROG ": notices: ", "no notices") < 0) {
		run_free(&run);
		return 1;
	}
	signal(SIGPIPE, SIG_IGN); /* a sendmail that dies shows as a failed write */
	run.now = time(NULL);
	aggregate_init(&run.agg);
	scan_init(&sc);
	sc.on_record = keep_sample;
	sc.arg = &run;
	if (optind == argc)
		scan_file(&sc, &run.agg, &o.co.filter, "-");
	for (int i = optind; i < argc; i++)
		scan_file(&sc, &run.agg, &o.co.filter, argv[i]);
	scan_summary(&sc, stderr);
	fflush(stdout);
	make_notices(&run);
	fprintf(stderr, PROG ": notices: %u %s, %u failed", run.written,
	        o.output_dir ? "written" : "sent", run.failed);
	if (run.skipped_no_domain + run.skipped_invalid > 0)
		fprintf(stderr, ", %u user%s skipped", run.skipped_no_domain + run.skipped_invalid,
		        run.skipped_no_domain + run.skipped_invalid == 1 ? "" : "s");
	fprintf(stderr, "\n");
	status = run.failed > 0 || sc.status != 0 ? 2 : 0;
	run_free(&run);
	return status;
}
