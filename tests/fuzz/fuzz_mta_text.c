/*
 * fuzz_mta_text.c -- libFuzzer target: the daemon's handling of MTA-supplied text
 *
 * DESCRIPTION
 *	Everything an MTA (or the client behind it) can put into the daemon,
 *	taken from the input as NUL-separated fields (fuzz_input.h): the
 *	client address and name, HELO, TLS macros, AUTH user, Sendmail's
 *	xtext-encoded certificate subject, the j macro, MAIL FROM, the queue
 *	id, then any number of RCPT commands (address and ESMTP parameters)
 *	and headers (name and value; Subject and copies of our own headers
 *	among them).
 *
 *	First the pure functions, directly:
 *	    sanitize() with every flag: bounded, no control characters,
 *	        nothing the flags exclude, each byte kept or '?', cut only at
 *	        a UTF-8 character boundary;
 *	    mta_xtext_encode(): printable, every '+' an escape, never an
 *	        escape cut in half; mta_xtext_decode(encode(x)) == x for x
 *	        without control characters; decoding adds no control
 *	        character;
 *	    mta_client_addr(): bounded, no control characters or spaces,
 *	        canonical (applying it again changes nothing);
 *	    audit_header_build(): only printable ASCII and "\n\t" folds, the
 *	        items in their order, each value at most 255 bytes, the
 *	        client address whole.
 *	Then the daemon's own path, without libmilter: a connection context
 *	is filled as the callbacks fill it, txn_mail(), txn_rcpt() and
 *	txn_header() run under one of six policies (tag with two kinds of
 *	Subject prefix, reroute by recipient suffix, by header, by
 *	quarantine, hold), and eom_apply() makes its changes through stub
 *	smfi_*() functions that check each one: the Subject is the prefix
 *	and the old Subject, the foreign audit/reroute headers are deleted
 *	last first, the reroute header is one printable token, the
 *	quarantine reason has no control characters, and each rewritten
 *	recipient carries an ORCPT whose xtext decodes to the original
 *	address. The log lines go to a file and must be single lines with
 *	no control characters.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#include "audit_header.h"
#include "context.h"
#include "eom.h"
#include "fuzz_input.h"
#include "mta.h"
#include "net_addr.h"
#include "reply.h"
#include "sanitize.h"
#include "tls_version.h"
#include "txn.h"
#include "txn_log.h"

#define MAX_ITEMS 40

/* The policies, by the mode byte's low bits: TLS 1.3 is accepted, the rest is acted on. */
#define MODERN "rules: [ { name: modern, match: { tls: \">= TLSv1.3\" }, action: accept } ]\n"
static const char *const policy_texts[] = {
    "version: 1\nsettings: { audit: all, strip_foreign_headers: true }\n" MODERN
    "default: { subject_prefix: \"[LEGACY-TLS]\", action: tag }\n",
    "version: 1\nsettings: { audit_header: X-Audit, reroute_header: X-Route }\n" MODERN
    "default: { subject_prefix: \"[old TLS] \", action: tag }\n",
    "version: 1\nsettings: { reroute_method: recipient-suffix, reroute_suffix: .LEGACY-TLS "
    "}\n" MODERN "default: { relay: \"smtp:[relay.example]:25\", action: reroute }\n",
    "version: 1\nsettings: { reroute_method: header, strip_foreign_headers: true }\n" MODERN
    "default: { relay: \"smtp:[relay.example]:25\", action: reroute }\n",
    "version: 1\nsettings: { reroute_method: quarantine, quarantine_reason: legacy tls }\n" MODERN
    "default: { relay: \"smtp:[relay.example]:25\", action: reroute }\n",
    "version: 1\nsettings: { audit: matched }\n"
    "rules: [ { name: old, match: { tls: \"< TLSv1.3\" }, action: hold, reason: on hold } ]\n"
    "default: { action: hold }\n",
};
#define POLICIES (sizeof(policy_texts) / sizeof(policy_texts[0]))

static struct snapshot snaps[POLICIES];
static char log_path[4200];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct policy_errors errors;
	char err[256], *dir, *path;
	size_t i;

	(void)argc, (void)argv;
	dir = fuzz_private_dir("fuzz_mta_text");
	for (i = 0; i < POLICIES; i++) {
		path =
		    fuzz_write_file(dir, "policy.yaml", policy_texts[i], strlen(policy_texts[i]));
		policy_errors_init(&errors);
		if ((snaps[i].policy = policy_load(path, &errors)) == NULL) {
			fprintf(stderr, "fixed policy %zu: %s\n", i,
			        errors.count ? errors.lines[0] : "?");
			exit(1);
		}
		policy_errors_free(&errors);
		snaps[i].settings = policy_settings(snaps[i].policy);
		snaps[i].refs = 1000000; /* never freed by a connection */
	}
	snprintf(log_path, sizeof(log_path), "%s/txn.log", dir);
	if (txn_log_open(log_path, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	return 0;
}

/* ---------------------------------------------------------------- pure functions */

static int
has_byte(const char *s, int lo, int hi)
{
	for (; *s != '\0'; s++)
		if ((unsigned char)*s >= lo && (unsigned char)*s <= hi)
			return 1;
	return 0;
}

static void
check_sanitize(const char *src)
{
	static const size_t sizes[] = {1, 2, 17, 200, SANITIZE_MAX + 1, 1024};
	char out[1024];
	size_t si, len, srclen = strlen(src);
	unsigned flags;

	for (flags = 0; flags < 8; flags++) {
		for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]); si++) {
			len = sanitize(out, sizes[si], src, flags);
			fuzz_check(len == strlen(out), "sanitize: length differs", out);
			fuzz_check(len < sizes[si] && len <= SANITIZE_MAX, "sanitize: too long",
			           out);
			fuzz_check(!fuzz_has_control(out), "sanitize: control character", out);
			if (flags & SANITIZE_ASCII)
				fuzz_check(!has_byte(out, 0x80, 0xff), "sanitize: non-ASCII", out);
			if (flags & SANITIZE_SEMICOLON)
				fuzz_check(strchr(out, ';') == NULL, "sanitize: semicolon", out);
			if (flags & SANITIZE_SPACE)
				fuzz_check(strchr(out, ' ') == NULL, "sanitize: space", out);
			for (size_t i = 0; i < len; i++)
				fuzz_check(out[i] == src[i] || out[i] == '?',
				           "sanitize: a byte neither kept nor '?'", out);
			if (len < srclen && !(flags & SANITIZE_ASCII))
				fuzz_check(len == 0 || ((unsigned char)src[len] & 0xc0) != 0x80,
				           "sanitize: cut inside a UTF-8 character", out);
		}
	}
}

/* Is every '+' in s followed by two upper-case hex digits? */
static int
escapes_whole(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == '+' && !(isxdigit((unsigned char)s[1]) && isxdigit((unsigned char)s[2]) &&
		                   !islower((unsigned char)s[1]) && !islower((unsigned char)s[2])))
			return 0;
	return 1;
}

static size_t
count_control(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		n += (unsigned char)*s < 0x20;
	return n;
}

static void
check_xtext(const char *src)
{
	static char enc[4 * FUZZ_FIELD_MAX], dec[4 * FUZZ_FIELD_MAX];
	static const size_t cuts[] = {1, 2, 3, 4, 5, 10, 64};
	size_t n, i;

	n = mta_xtext_encode(enc, sizeof(enc), src);
	fuzz_check(n == strlen(enc), "xtext encode: length differs", enc);
	fuzz_check(!has_byte(enc, 0, ' ') && !has_byte(enc, 0x7f, 0xff) && strchr(enc, '=') == NULL,
	           "xtext encode: not printable ASCII", enc);
	fuzz_check(escapes_whole(enc), "xtext encode: a '+' that is no escape", enc);
	n = mta_xtext_decode(dec, sizeof(dec), enc);
	fuzz_check(n == strlen(dec), "xtext decode: length differs", dec);
	if (count_control(src) == 0)
		fuzz_check(strcmp(dec, src) == 0, "xtext: decode(encode(x)) != x", dec);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		n = mta_xtext_encode(enc, cuts[i], src);
		fuzz_check(n < cuts[i] && escapes_whole(enc), "xtext encode: escape cut in half",
		           enc);
	}
	/* Decoding the raw value (as Sendmail's {cert_subject}) adds no control character. */
	n = mta_xtext_decode(dec, sizeof(dec), src);
	fuzz_check(n == strlen(dec) && n <= strlen(src), "xtext decode: longer than its input",
	           dec);
	fuzz_check(count_control(dec) <= count_control(src), "xtext decode: control character",
	           dec);
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		n = mta_xtext_decode(dec, cuts[i], src);
		fuzz_check(n < cuts[i] && n == strlen(dec), "xtext decode: over its buffer", dec);
	}
}

static void
check_client_addr(const char *raw)
{
	char out[MTA_ADDR_TEXT_MAX], again[MTA_ADDR_TEXT_MAX];
	struct net_addr a, b;

	if (mta_client_addr(out, sizeof(out), raw) == NULL)
		return;
	fuzz_check(strlen(out) < sizeof(out), "client address too long", out);
	fuzz_check(!fuzz_has_control(out) && strchr(out, ' ') == NULL,
	           "client address with a control character or space", out);
	mta_client_addr(again, sizeof(again), out);
	fuzz_check(strcmp(out, again) == 0, "client address not canonical", out);
	if (net_addr_parse(raw, &a) == 0) {
		fuzz_check(net_addr_parse(out, &b) == 0, "canonical address does not parse", out);
		fuzz_check(a.family == b.family || (a.family == 6 && b.family == 4),
		           "canonical address of another family", out);
	}
}

/* Split the audit header into items; check their keys, order and bounds. */
static void
check_audit_value(const char *value, const char *addr)
{
	static const char *const keys[] = {
	    "", "tls=", "cipher=", "bits=", "client=", "listener=", "auth=", "rule=", "action="};
	char copy[AUDIT_HEADER_MAX], caddr[SANITIZE_MAX + 1], *item, *next;
	size_t n = 0, k;

	fuzz_check(strlen(value) < AUDIT_HEADER_MAX, "audit header too long", value);
	for (const char *p = value; *p != '\0'; p++) {
		unsigned char c = (unsigned char)*p;

		if (c == '\n')
			fuzz_check(p > value && p[-1] == ';' && p[1] == '\t',
			           "audit header: bad fold", value);
		else
			fuzz_check(c == '\t' ? p > value && p[-1] == '\n' : c >= ' ' && c <= '~',
			           "audit header: not printable ASCII", value);
	}
	snprintf(copy, sizeof(copy), "%s", value);
	for (item = copy; item != NULL; item = next, n++) {
		if ((next = strchr(item, ';')) != NULL) {
			*next++ = '\0';
			fuzz_check(*next == ' ' || *next == '\n', "audit header: bad separator",
			           value);
			next += *next == ' ' ? 1 : 2;
		}
		if (n < sizeof(keys) / sizeof(keys[0])) {
			k = strlen(keys[n]);
			fuzz_check(strncmp(item, keys[n], k) == 0,
			           "audit header: items out of order", value);
			if (n == 4 && addr != NULL) {
				/* "client=NAME [ADDR]", the address whole. */
				size_t il = strlen(item), al;

				sanitize(caddr, sizeof(caddr), *addr ? addr : "-",
				         SANITIZE_ASCII | SANITIZE_SEMICOLON);
				al = strlen(caddr);
				/* (An address of over 251 bytes cannot be whole in 255.) */
				fuzz_check(al > SANITIZE_MAX - 4 ||
				               (il > k + al + 3 && item[il - 1] == ']' &&
				                item[il - al - 3] == ' ' &&
				                item[il - al - 2] == '[' &&
				                memcmp(item + il - al - 1, caddr, al) == 0),
				           "audit header: client address not whole", value);
			}
		} else {
			fuzz_check(strcmp(item, "legacy=yes") == 0 ||
			               strcmp(item, "mode=report-only") == 0,
			           "audit header: unknown item", value);
		}
	}
	fuzz_check(n >= 9 && n <= 11, "audit header: wrong number of items", value);
}

static void
check_audit_build(struct fuzz_fields *in, const char *addr)
{
	struct audit_fields f;
	char value[AUDIT_HEADER_MAX];

	memset(&f, 0, sizeof(f));
	f.host = fuzz_field(in);
	f.tls = fuzz_field(in);
	f.cipher = fuzz_field(in);
	f.bits = fuzz_field(in);
	f.client_name = fuzz_field(in);
	f.client_addr = addr;
	f.listener = fuzz_field(in);
	f.auth = fuzz_field(in);
	f.rule = fuzz_field(in);
	f.action = fuzz_field(in);
	f.legacy = f.rule != NULL && (f.rule[0] & 1);
	f.report_only = f.rule != NULL && (f.rule[0] & 2);
	audit_header_build(value, sizeof(value), 12, &f);
	check_audit_value(value, addr);
}

/* ---------------------------------------------------------------- the daemon's path */

/* What the stubs compare against. */
static struct {
	struct conn_ctx *conn;
	const char *prefix;
	const char *subject; /* first Subject given, or NULL */
	unsigned deleted[2]; /* audit, reroute copies deleted */
	unsigned next_index[2];
	size_t rcpts_rewritten;
	const struct rcpt_copy *deleted_rcpt; /* the recipient being rewritten */
	size_t next_rcpt;                     /* where the next one is looked for */
} eom;

static int
header_kind(const char *name)
{
	const struct policy_settings *s = eom.conn->snap->settings;

	if (strcasecmp(name, s->audit_header) == 0)
		return 0;
	if (strcasecmp(name, s->reroute_header) == 0)
		return 1;
	return -1;
}

int
smfi_chgheader(SMFICTX *ctx, char *name, int index, char *value)
{
	int k = header_kind(name);
	const char *old = eom.subject;
	size_t plen;

	(void)ctx;
	if (value == NULL) {
		fuzz_check(k >= 0, "a header other than ours deleted", name);
		fuzz_check(eom.next_index[k] == 0 ? 1 : (unsigned)index == eom.next_index[k] - 1,
		           "foreign headers not deleted last first", name);
		fuzz_check(index >= 1, "header index below 1", name);
		eom.next_index[k] = (unsigned)index;
		eom.deleted[k]++;
		return MI_SUCCESS;
	}
	fuzz_check(strcmp(name, "Subject") == 0 && index == 1,
	           "a header changed other than Subject", name);
	fuzz_check(eom.prefix != NULL && old != NULL, "Subject changed without a prefix", value);
	plen = strlen(eom.prefix);
	fuzz_check(strncmp(value, eom.prefix, plen) == 0, "Subject does not start with the prefix",
	           value);
	fuzz_check(strncmp(old, eom.prefix, plen) != 0, "Subject prefixed twice", value);
	value += plen;
	if (plen > 0 && eom.prefix[plen - 1] != ' ') {
		fuzz_check(*value == ' ', "no space after the prefix", value);
		value++;
	}
	fuzz_check(strcmp(value, old) == 0, "Subject after the prefix differs", value);
	return MI_SUCCESS;
}

int
smfi_addheader(SMFICTX *ctx, char *name, char *value)
{
	(void)ctx;
	if (strcmp(name, "Subject") == 0) {
		fuzz_check(eom.subject == NULL && eom.prefix != NULL &&
		               strcmp(value, eom.prefix) == 0,
		           "Subject added that is not the prefix", value);
		return MI_SUCCESS;
	}
	fuzz_check(header_kind(name) == 1, "a header added other than Subject and reroute", name);
	fuzz_check(*value != '\0' && strlen(value) <= SANITIZE_MAX && !has_byte(value, 0, ' ') &&
	               !has_byte(value, 0x7f, 0xff),
	           "reroute header not one printable token", value);
	return MI_SUCCESS;
}

int
smfi_insheader(SMFICTX *ctx, int index, char *name, char *value)
{
	(void)ctx;
	fuzz_check(index == 0 && header_kind(name) == 0, "a header inserted that is not ours",
	           name);
	check_audit_value(value, ctx_value_get(&eom.conn->client_addr));
	return MI_SUCCESS;
}

int
smfi_quarantine(SMFICTX *ctx, char *reason)
{
	(void)ctx;
	fuzz_check(*reason != '\0' && strlen(reason) <= 200 && !fuzz_has_control(reason),
	           "quarantine reason", reason);
	return MI_SUCCESS;
}

/*
 * The daemon rewrites the kept recipients in order, skipping those it
 * cannot reroute: the one deleted is the next such one, which matters when
 * the client gave one address twice with other parameters.
 */
int
smfi_delrcpt(SMFICTX *ctx, char *rcpt)
{
	static char r[TXN_RCPT_MAX], p[TXN_PARAMS_MAX];
	const struct msg_ctx *m = &eom.conn->msg;
	size_t i;

	(void)ctx;
	for (i = eom.next_rcpt; i < m->rcpt_count; i++) {
		if (strcmp(m->rcpts[i].address, rcpt) == 0 &&
		    txn_reroute_rcpt(eom.conn, i, r, sizeof(r), p, sizeof(p)) == NULL) {
			eom.deleted_rcpt = &m->rcpts[i];
			eom.next_rcpt = i + 1;
			return MI_SUCCESS;
		}
	}
	fuzz_check(0, "a recipient deleted that the client did not give", rcpt);
	return MI_FAILURE;
}

/*
 * "<ADDRESS SUFFIX>", ADDRESS the deleted original without its brackets
 * (qualified with @j when it has no domain), with ORCPT=rfc822;XTEXT(ADDRESS)
 * unless the client gave an ORCPT.
 */
static void
check_new_rcpt(const char *rcpt, const char *params)
{
	const char *suffix = eom.conn->snap->settings->reroute_suffix;
	const char *j = ctx_value_get(&eom.conn->host);
	static char addr[2048], want[4096], decoded[4096];
	const char *orcpt;
	size_t len;

	fuzz_check(eom.deleted_rcpt != NULL, "a recipient added without deleting one", rcpt);
	txn_strip_brackets(addr, CTX_ADDR_MAX, eom.deleted_rcpt->address);
	len = strlen(addr);
	if (strchr(addr, '@') == NULL)
		snprintf(addr + len, sizeof(addr) - len, "@%s", j != NULL ? j : "");
	snprintf(want, sizeof(want), "<%s%s>", addr, suffix);
	fuzz_check(strcmp(rcpt, want) == 0, "rewritten recipient is not <ADDRESS SUFFIX>", rcpt);
	if (params == NULL) {
		eom.deleted_rcpt = NULL;
		return;
	}
	fuzz_check(!has_byte(params, 0, 0x1f) && !has_byte(params, 0x7f, 0xff),
	           "recipient parameters not printable ASCII", params);
	if ((orcpt = strstr(params, "ORCPT=rfc822;")) != NULL && strchr(orcpt, ' ') == NULL &&
	    strncasecmp(eom.deleted_rcpt->params, "ORCPT=", 6) != 0 &&
	    strcasestr(eom.deleted_rcpt->params, " ORCPT=") == NULL) {
		mta_xtext_decode(decoded, sizeof(decoded), orcpt + 13);
		if (count_control(addr) == 0)
			fuzz_check(strcmp(decoded, addr) == 0,
			           "ORCPT does not decode to the address", params);
	}
	eom.deleted_rcpt = NULL;
}

int
smfi_addrcpt(SMFICTX *ctx, char *rcpt)
{
	(void)ctx;
	check_new_rcpt(rcpt, NULL);
	eom.rcpts_rewritten++;
	return MI_SUCCESS;
}

int
smfi_addrcpt_par(SMFICTX *ctx, char *rcpt, char *params)
{
	(void)ctx;
	check_new_rcpt(rcpt, params);
	eom.rcpts_rewritten++;
	return MI_SUCCESS;
}

static const char *
macro(struct fuzz_fields *in)
{
	const char *s = fuzz_field(in);

	return s == NULL || s[0] == '\x01' ? NULL : s;
}

/* Split a parameter field at spaces into a NULL-terminated argv. */
static const char *const *
split_params(char *s, const char **argv, size_t max)
{
	size_t n = 0;
	char *tok, *save;

	if (s == NULL)
		return NULL;
	for (tok = strtok_r(s, " ", &save); tok != NULL && n + 1 < max;
	     tok = strtok_r(NULL, " ", &save))
		argv[n++] = tok;
	argv[n] = NULL;
	return argv;
}

static void
check_log(void)
{
	static char buf[64 * 1024];
	FILE *f = fopen(log_path, "r");
	size_t n;

	fuzz_check(f != NULL, "cannot read the log back", log_path);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	fuzz_check(n > 0 && buf[n - 1] == '\n' && strlen(buf) == n, "log not whole lines", buf);
	for (char *p = buf; *p != '\0'; p++)
		fuzz_check(*p == '\n' || ((unsigned char)*p >= ' ' && *p != 0x7f),
		           "control character in a log line", buf);
}

static void
run_transaction(struct fuzz_fields *in, unsigned mode, const char *const *raw)
{
	struct conn_ctx *conn = conn_new();
	struct decide_context when = {20261206, 12345};
	struct reply reply;
	char decoded[CTX_VALUE_MAX], text[MTA_ADDR_TEXT_MAX], *params;
	const char *argv[16], *name, *value, *rcpt, *first_subject = NULL;
	static char subject_copy[FUZZ_FIELD_MAX];
	const struct decision *d;
	enum txn_result r;
	unsigned kind, items = 0;

	if (conn == NULL)
		abort();
	memset(&eom, 0, sizeof(eom));
	eom.conn = conn;
	conn->snap = &snaps[mode % POLICIES];
	conn->mta = (mode & 8) ? MTA_SENDMAIL : MTA_POSTFIX;
	conn->actions = SMFIF_ADDHDRS | SMFIF_CHGHDRS | SMFIF_QUARANTINE | SMFIF_ADDRCPT |
	                SMFIF_DELRCPT | ((mode & 16) ? SMFIF_ADDRCPT_PAR : 0);
	/* As cb_connect() and cb_helo() fill it in. */
	ctx_value_set(&conn->client_addr, mta_client_addr(text, sizeof(text), raw[0]));
	ctx_value_set(&conn->client_name, raw[1] != NULL && raw[1][0] == '[' ? "unknown" : raw[1]);
	ctx_value_set(&conn->helo, raw[2]);
	ctx_value_set(&conn->tls_version, raw[3]);
	ctx_value_set(&conn->cipher, raw[4]);
	ctx_value_set(&conn->auth_user, raw[5]);
	if (raw[6] != NULL && conn->mta == MTA_SENDMAIL) {
		mta_xtext_decode(decoded, sizeof(decoded), raw[6]);
		ctx_value_set(&conn->cert_subject, decoded);
	} else {
		ctx_value_set(&conn->cert_subject, raw[6]);
	}
	ctx_value_set(&conn->host, (mode & 32) ? NULL : raw[7]);
	ctx_value_set(&conn->listener, "smtpd");
	ctx_value_set(&conn->port, "25");

	if (truncate(log_path, 0) != 0)
		abort();
	r = txn_mail(conn, raw[8], raw[9], &when, &reply);
	/* After a refusal or an accept the MTA sends nothing more of the transaction. */
	while (r == TXN_CONTINUE && items++ < MAX_ITEMS && (kind = fuzz_byte(in)) != 0) {
		if (kind % 2) {
			rcpt = macro(in);
			params = (char *)macro(in);
			if (rcpt == NULL)
				rcpt = "<>";
			r = txn_rcpt(conn, rcpt, split_params(params, argv, 16), &when, &reply);
		} else {
			name = macro(in);
			value = macro(in);
			if (name == NULL || value == NULL)
				continue;
			/* Steer some names to the ones that matter. */
			if (kind % 8 == 2)
				name = "Subject";
			else if (kind % 8 == 4)
				name = conn->snap->settings->audit_header;
			else if (kind % 8 == 6)
				name = conn->snap->settings->reroute_header;
			if (strcasecmp(name, "Subject") == 0 && first_subject == NULL)
				first_subject = strcpy(subject_copy, value); /* fields are reused */
			txn_header(conn, name, value);
		}
	}
	if (r != TXN_REFUSE && conn->msg.active && (d = txn_final(conn)) != NULL) {
		fuzz_check(first_subject == NULL
		               ? conn->msg.subject == NULL
		               : conn->msg.subject != NULL &&
		                     strcmp(conn->msg.subject, first_subject) == 0,
		           "the Subject kept is not the first one", conn->msg.subject);
		eom.prefix = d->enforced && d->action == ACTION_TAG ? d->subject_prefix : NULL;
		eom.subject = conn->msg.subject;
		if (eom_apply(NULL, conn, d) == 0 && conn->snap->settings->strip_foreign_headers)
			fuzz_check(eom.deleted[0] == conn->msg.foreign_audit &&
			               eom.deleted[1] == conn->msg.foreign_reroute,
			           "not every foreign header deleted", NULL);
	}
	txn_end(conn, NULL);
	check_log();
	conn->snap = NULL; /* the snapshots are this target's */
	conn_free(conn);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct fuzz_fields in;
	const char *raw[10];
	unsigned mode;
	size_t i;

	fuzz_fields_init(&in, data, size);
	mode = fuzz_byte(&in);
	for (i = 0; i < 10; i++)
		raw[i] = macro(&in);
	for (i = 0; i < 10; i++) {
		if (raw[i] == NULL)
			continue;
		check_sanitize(raw[i]);
		check_xtext(raw[i]);
		check_client_addr(raw[i]);
	}
	check_audit_build(&in, raw[0]);
	run_transaction(&in, mode, raw);
	return 0;
}
