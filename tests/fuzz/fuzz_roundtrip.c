/*
 * fuzz_roundtrip.c -- libFuzzer target: daemon log writer -> report parser
 *
 * DESCRIPTION
 *	The input gives, as NUL-separated fields (see fuzz_input.h), what
 *	the MTA and the policy put into one transaction: queue id, client
 *	name and address, HELO, listener, port, AUTH user, TLS version,
 *	cipher, bits, verify, MAIL FROM, the decision (rule, action, mode,
 *	rollout, skipped rule, reply, relay). A field whose first byte is
 *	0x01 is absent (the macro was not sent). The values go through the
 *	daemon's own steps (ctx_value_set()'s 255-byte copy, mta_client_addr(),
 *	the canonical TLS name, txn_strip_brackets()) into a txn_record,
 *	which txn_log_write() writes to a -L file exactly as the daemon does.
 *	The report's line reader reads the file back and logline_parse()
 *	parses the line.
 *
 *	Every field must come back as doc/log-format.md says it was written:
 *	the value sanitised (control characters as '?', cut at 255 bytes),
 *	"-" when absent, the client address whole, the client name and the
 *	sender cut only as far as the 255-byte limit needs; the queue id
 *	(NOQUEUE when none), the syslog host, a time stamp within the
 *	second of writing, the action and mode. The file must hold exactly
 *	one line, and txn_log_format() must give the same body.
 *
 *	Rule names are mapped into the characters the policy loader allows
 *	for them, reply and relay into printable ASCII, as the loader
 *	guarantees; everything the MTA sends is taken as it comes.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "fuzz_input.h"
#include "linereader.h"
#include "logline.h"

/* The key names: from policy/log_keys.def where the report has it, else logline.c's table. */
#ifdef LOG_KEYS_H
#define KEY_NAME(k) log_key_names[k]
#else
#define KEY_NAME(k) logline_key_names[k]
#endif
#include "mta.h"
#include "sanitize.h"
#include "tls_version.h"
#include "txn.h"
#include "txn_log.h"

static char log_path[4200];
static char host[256];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char err[256];
	char *dir;

	(void)argc, (void)argv;
	/* Central European time: the stamp's zone must be read back right. */
	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	dir = fuzz_private_dir("fuzz_roundtrip");
	snprintf(log_path, sizeof(log_path), "%s/txn.log", dir);
	if (txn_log_open(log_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if (gethostname(host, sizeof(host) - 1) != 0)
		snprintf(host, sizeof(host), "localhost");
	return 0;
}

/* The next field as an MTA macro: NULL when absent (0x01) or past the end. */
static const char *
macro(struct fuzz_fields *in)
{
	const char *s = fuzz_field(in);

	return s == NULL || s[0] == '\x01' ? NULL : s;
}

/* Map a field into the given alphabet, in place (policy-validated values). */
static const char *
mapped(struct fuzz_fields *in, const char *alphabet, const char *if_empty)
{
	char *s = (char *)macro(in);
	size_t n = strlen(alphabet);

	if (s == NULL || *s == '\0')
		return if_empty;
	for (char *p = s; *p != '\0'; p++)
		*p = alphabet[(unsigned char)*p % n];
	return s;
}

static const char name_chars[] =
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-";
static char printable_chars[96];

/* What the log line must show for a value: sanitised, "-" when absent. */
static const char *
expect(char *buf, const char *value)
{
	if (value == NULL)
		return "-";
	sanitize(buf, SANITIZE_MAX + 1, value, 0);
	return buf;
}

static int
field_eq(const struct logfield *f, const char *s)
{
	return f->s != NULL && f->len == strlen(s) && memcmp(f->s, s, f->len) == 0 &&
	       f->s[f->len] == '\0';
}

static void
check_field(const struct logrec *rec, int k, const char *want)
{
	char what[64];

	snprintf(what, sizeof(what), "%s= differs from what was written", KEY_NAME(k));
	fuzz_check(field_eq(&rec->v[k], want), what, rec->v[k].s ? rec->v[k].s : "(null)");
}

/* Is f a prefix of full, and all of it when full fits in max bytes? */
static int
cut_ok(const struct logfield *f, const char *full, size_t max)
{
	size_t n = strlen(full);

	return f->len <= n && memcmp(f->s, full, f->len) == 0 && (n > max || f->len == n);
}

struct txn_in {
	struct conn_ctx *conn;
	struct txn_record r;
	struct decision d;
	const char *raw_addr, *raw_tls, *reply;
};

static void
read_input(struct txn_in *t, struct fuzz_fields *in)
{
	unsigned flags = fuzz_byte(in), action = fuzz_byte(in);
	const char *pct = fuzz_field(in), *nrcpt = fuzz_field(in), *sender;
	struct conn_ctx *c = t->conn;
	struct msg_ctx *m = &c->msg;

	ctx_value_set(&m->queue_id, macro(in));
	ctx_value_set(&c->client_name, macro(in));
	t->raw_addr = macro(in);
	{
		char text[MTA_ADDR_TEXT_MAX];

		ctx_value_set(&c->client_addr, mta_client_addr(text, sizeof(text), t->raw_addr));
	}
	ctx_value_set(&c->helo, macro(in));
	ctx_value_set(&c->listener, macro(in));
	ctx_value_set(&c->port, macro(in));
	ctx_value_set(&c->auth_user, macro(in));
	t->raw_tls = macro(in);
	ctx_value_set(&c->tls_version, t->raw_tls);
	ctx_value_set(&c->cipher, macro(in));
	ctx_value_set(&c->bits, macro(in));
	ctx_value_set(&c->verify, macro(in));
	sender = macro(in);
	m->have_sender = (flags & 2) != 0;
	txn_strip_brackets(m->sender, sizeof(m->sender), sender);
	m->nrcpt = 0;
	for (size_t i = 0; nrcpt != NULL && nrcpt[i] != '\0' && i < 4; i++)
		m->nrcpt = m->nrcpt << 8 | (unsigned char)nrcpt[i];

	memset(&t->d, 0, sizeof(t->d));
	t->d.action = (enum policy_action)(action % ACTION_COUNT);
	t->d.enforced = (flags & 4) != 0;
	t->d.has_rollout = (flags & 8) != 0;
	t->d.selected = (flags & 16) != 0;
	t->d.percent_bp = pct != NULL && pct[0] != '\0'
	                      ? ((unsigned char)pct[0] << 8 | (unsigned char)pct[1]) % 10001
	                      : 2500;
	t->d.rule_name = mapped(in, name_chars, "default");
	t->d.skipped_rule = mapped(in, name_chars, NULL);
	t->reply = mapped(in, printable_chars, NULL);
	t->d.relay = mapped(in, printable_chars, NULL);

	/* As txn_write_line() fills it in. */
	memset(&t->r, 0, sizeof(t->r));
	t->r.queue_id = ctx_value_get(&m->queue_id);
	t->r.client_name = ctx_value_get(&c->client_name);
	t->r.client_addr = ctx_value_get(&c->client_addr);
	t->r.helo = ctx_value_get(&c->helo);
	t->r.listener = ctx_value_get(&c->listener);
	t->r.port = ctx_value_get(&c->port);
	t->r.auth = ctx_value_get(&c->auth_user);
	t->r.tls = tls_version_name(tls_version_parse(ctx_value_get(&c->tls_version)));
	t->r.cipher = ctx_value_get(&c->cipher);
	t->r.bits = ctx_value_get(&c->bits);
	t->r.verify = ctx_value_get(&c->verify);
	t->r.sender = m->sender;
	t->r.have_sender = m->have_sender;
	t->r.nrcpt = m->nrcpt;
	t->r.decision = (flags & 1) ? &t->d : NULL;
	t->r.reply = t->reply;
}

/*
 * Is f the client name as written: full, or cut to fit (it fits when full
 * has at most max bytes), a '[' or ']' in it possibly written as '?'?
 */
static int
name_ok(const struct logfield *f, const char *full, size_t max)
{
	size_t n = strlen(full);

	if (f->len > n || (n <= max && f->len != n))
		return 0;
	for (size_t i = 0; i < f->len; i++)
		if (f->s[i] != full[i] && !(f->s[i] == '?' && (full[i] == '[' || full[i] == ']')))
			return 0;
	return 1;
}

static void
check_client(const struct txn_in *t, const struct logrec *rec)
{
	char name[SANITIZE_MAX + 1], addr[SANITIZE_MAX + 1];
	const char *raw_name = t->r.client_name;
	size_t alen;

	sanitize(addr, sizeof(addr), t->r.client_addr && *t->r.client_addr ? t->r.client_addr : "-",
	         0);
	sanitize(name, sizeof(name), raw_name && *raw_name ? raw_name : "unknown", 0);
	alen = strlen(addr);
	/* NAME[ADDR] within 255 bytes: the address whole unless it leaves no room for a name. */
	fuzz_check(cut_ok(&rec->client_addr, addr, SANITIZE_MAX - 3) && rec->client_addr.len > 0,
	           "client address not kept whole", rec->client_addr.s);
	fuzz_check(name_ok(&rec->client_name, name, SANITIZE_MAX - 2 - rec->client_addr.len) ||
	               (alen > SANITIZE_MAX - 8 && field_eq(&rec->client_name, "?")),
	           "client name differs from what was written", rec->client_name.s);
}

static void
check_sender(const struct txn_in *t, const struct logrec *rec)
{
	char full[SANITIZE_MAX + 1];
	const struct logfield *f = &rec->v[LK_FROM];
	struct logfield inner;

	if (!t->r.have_sender) {
		check_field(rec, LK_FROM, "-");
		return;
	}
	sanitize(full, sizeof(full), t->r.sender, 0);
	fuzz_check(f->len >= 2 && f->s[0] == '<' && f->s[f->len - 1] == '>', "from= not <...>",
	           f->s);
	inner.s = f->s + 1;
	inner.len = f->len - 2;
	fuzz_check(cut_ok(&inner, full, SANITIZE_MAX - 2), "from= differs from what was written",
	           f->s);
}

static void
check_decision(const struct txn_in *t, const struct logrec *rec, enum logline_kind kind)
{
	const struct decision *d = t->r.decision;
	char buf[SANITIZE_MAX + 1], pct[16];
	int rollout = d != NULL && d->has_rollout;

	if (d == NULL) {
		fuzz_check(kind == LOGLINE_FAILURE,
		           "a line without a decision is not a failure line", NULL);
		return;
	}
	fuzz_check(kind == LOGLINE_RECORD, "a transaction line does not parse as one", NULL);
	check_field(rec, LK_RULE, expect(buf, d->rule_name));
	check_field(rec, LK_ACTION, policy_action_name(d->action));
	fuzz_check(rec->action == d->action, "action differs", policy_action_name(rec->action));
	check_field(rec, LK_MODE, d->enforced ? "enforce" : "report-only");
	fuzz_check(rec->report_only == !d->enforced, "mode differs", NULL);
	check_field(rec, LK_SELECTED, rollout ? (d->selected ? "yes" : "no") : "-");
	check_field(rec, LK_PERCENT,
	            rollout ? policy_percent_text(pct, sizeof(pct), d->percent_bp) : "-");
	check_field(rec, LK_SKIPPED, expect(buf, d->skipped_rule));
	check_field(rec, LK_RELAY, expect(buf, d->action == ACTION_REROUTE ? d->relay : NULL));
	fuzz_check(rec->tls == tls_version_parse(ctx_value_get(&t->conn->tls_version)),
	           "tls version differs", t->r.tls);
	check_client(t, rec);
}

static void
check_record(const struct txn_in *t, const struct logrec *rec, enum logline_kind kind,
             time_t before, time_t after)
{
	const struct txn_record *r = &t->r;
	char buf[SANITIZE_MAX + 1], qid[SANITIZE_MAX + 1], n[16];

	sanitize(qid, sizeof(qid), r->queue_id, SANITIZE_SPACE);
	fuzz_check(field_eq(&rec->queue_id, qid[0] ? qid : "NOQUEUE"),
	           "queue id differs from what was written", rec->queue_id.s);
	fuzz_check(field_eq(&rec->host, host), "host differs", rec->host.s);
	fuzz_check(rec->time >= before && rec->time <= after, "time stamp read back wrong", NULL);
	check_decision(t, rec, kind);
	if (kind == LOGLINE_FAILURE)
		return; /* the parser stops at rule=- action=- */
	check_field(rec, LK_HELO, expect(buf, r->helo));
	check_field(rec, LK_LISTENER, expect(buf, r->listener));
	check_field(rec, LK_PORT, expect(buf, r->port));
	check_field(rec, LK_AUTH, expect(buf, r->auth));
	check_field(rec, LK_TLS, r->tls);
	check_field(rec, LK_CIPHER, expect(buf, r->cipher));
	check_field(rec, LK_BITS, expect(buf, r->bits));
	check_field(rec, LK_VERIFY, expect(buf, r->verify));
	check_sender(t, rec);
	snprintf(n, sizeof(n), "%u", r->nrcpt);
	check_field(rec, LK_NRCPT, n);
	check_field(rec, LK_REPLY, expect(buf, r->reply));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_fields in;
	static char body[TXN_LOG_LINE_MAX], written[TXN_LOG_LINE_MAX];
	struct txn_in t;
	struct linereader lr;
	struct logtime_ref ref;
	struct logrec rec;
	const char *why = NULL, *body_at;
	enum logline_kind kind;
	time_t before, after;
	char *line, ident[64];
	size_t len, blen;

	if (printable_chars[0] == '\0')
		for (int i = 0; i < 95; i++)
			printable_chars[i] = (char)(' ' + i);
	fuzz_fields_init(&in, data, size);
	if ((t.conn = conn_new()) == NULL)
		abort();
	read_input(&t, &in);

	if (truncate(log_path, 0) != 0)
		abort();
	before = time(NULL);
	txn_log_write(&t.r);
	after = time(NULL);

	fuzz_check(linereader_open(&lr, log_path) == 0, "cannot read the log back", log_path);
	line = linereader_next(&lr, &len);
	fuzz_check(line != NULL, "no line written", NULL);
	fuzz_check(len < TXN_LOG_LINE_MAX, "line too long", NULL);
	fuzz_check(memchr(line, '\0', len) == NULL, "NUL in the line", NULL);
	line[len] = '\0'; /* line[len] is the reader's, and writable */
	/* The pure formatter gives the same body as the writer. */
	blen = txn_log_format(body, sizeof(body), &t.r);
	snprintf(ident, sizeof(ident), " milter-tlspolicy[%ld]: ", (long)getpid());
	body_at = strstr(line, ident); /* the first one: the stamp's */
	fuzz_check(body_at != NULL && strlen(body_at + strlen(ident)) == blen &&
	               memcmp(body_at + strlen(ident), body, blen) == 0,
	           "txn_log_format() differs from the line written", line);

	snprintf(written, sizeof(written), "%s", line); /* the parser writes into line */
	fuzz_context(written);
	logtime_ref_init(&ref, after);
	memset(&rec, 0, sizeof(rec));
	kind = logline_parse(line, len, &ref, &rec, &why);
	if (kind != LOGLINE_RECORD && kind != LOGLINE_FAILURE)
		fuzz_check(0, why != NULL ? why : "the report does not read the line as ours",
		           NULL);
	check_record(&t, &rec, kind, before, after);
	fuzz_check(linereader_next(&lr, &len) == NULL, "more than one line written", NULL);
	fuzz_check(linereader_close(&lr) == 0, "read error", NULL);
	fuzz_context(NULL);
	conn_free(t.conn);
	return 0;
}
