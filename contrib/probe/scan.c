/*
 * NAME
 *	scan.c -- tlspolicy-probe scan: which TLS versions and cipher families
 *	an SMTP server accepts over STARTTLS (see scan.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gnutls/gnutls.h>

#include "endpoint.h"
#include "json_out.h"
#include "scan.h"
#include "smtp_session.h"
#include "tls_session.h"
#include "transcript.h"

/* Versions 1.0 to 1.2: the legacy families do not exist in TLS 1.3. */
#define PRE13 "NORMAL:-VERS-ALL:+VERS-TLS1.2:+VERS-TLS1.1:+VERS-TLS1.0"

static const struct legacy_family {
	const char *name;     /* JSON key and text label */
	const char *priority; /* what the client offers */
	const char *what;     /* for the notes */
} families[] = {
    {"3des", PRE13 ":-CIPHER-ALL:+3DES-CBC", "3DES-CBC suites"},
    {"rc4", PRE13 ":-CIPHER-ALL:+ARCFOUR-128", "RC4 suites"},
    {"cbc-only", PRE13 ":-CIPHER-ALL:+AES-256-CBC:+AES-128-CBC:+CAMELLIA-256-CBC:+CAMELLIA-128-CBC",
     "only CBC-mode suites (AES, Camellia)"},
    {"rsa-kx", PRE13 ":-KX-ALL:+RSA", "only static RSA key exchange (no forward secrecy)"},
};

#define NFAMILIES (sizeof(families) / sizeof(families[0]))

/* The result of one handshake attempt: a TLS version or a cipher family. */
struct attempt {
	bool tested; /* false: the local GnuTLS cannot try it */
	bool accepted;
	bool refused; /* the handshake failed */
	struct tls_facts tf;
	char error[1024]; /* why it was refused or not tested */
};

struct scan_ctx {
	const struct probe_opts *o;
	struct endpoint ep;
	gnutls_certificate_credentials_t creds;
	bool reached;  /* connected, greeted with 220, EHLO ok */
	bool starttls; /* EHLO offered STARTTLS */
	char banner[1024];
	char error[1200]; /* why the scan could not run */
	struct attempt version[TLS_VER_COUNT];
	struct attempt family[NFAMILIES];
	struct cert_facts cert;
};

/* Describe a step that stopped, for a version's error or the scan's. */
static void
step_error(const struct session *s, int rc, char *buf, size_t size)
{
	char summary[600];

	if (rc == STEP_REPLY) {
		smtp_reply_summary(&s->reply, summary, sizeof(summary));
		snprintf(buf, size, "%s: %d %s%s%s", s->stage, s->reply.code, s->reply.xcode,
		         s->reply.xcode[0] ? " " : "", summary);
	} else {
		snprintf(buf, size, "%s: %s", s->stage, s->err);
	}
}

/* The first connection: greeting, EHLO, is STARTTLS offered? 0 or -1. */
static int
scan_greeting(struct scan_ctx *x, struct transcript *tr)
{
	struct session s;
	struct outcome out;
	int rc;

	if ((rc = session_open(&s, &x->ep, x->o, tr)) == STEP_OK)
		rc = session_ehlo(&s);
	snprintf(x->banner, sizeof(x->banner), "%s", s.banner);
	if (rc == STEP_OK) {
		x->reached = true;
		x->starttls = smtp_reply_ehlo_keyword(&s.ehlo, "STARTTLS", NULL, 0);
		outcome_failed(&out, "STARTTLS", "server does not offer STARTTLS");
	} else {
		session_outcome(&s, rc, &out);
	}
	outcome_line(&out, x->error, sizeof(x->error));
	session_close(&s, rc != STEP_FAILED);
	return x->starttls ? 0 : -1;
}

/* One fresh connection and one handshake with a priority string. */
static void
scan_attempt(struct scan_ctx *x, const char *priority, struct transcript *tr, struct attempt *a,
             bool keep_cert)
{
	struct session s;
	int rc;

	memset(a, 0, sizeof(*a));
	transcript_add(tr, TR_INFO, "probe with priority %s", priority);
	if (tls_priority_check(priority, a->error, sizeof(a->error)) == 0)
		return;
	a->tested = true;
	if ((rc = session_open(&s, &x->ep, x->o, tr)) == STEP_OK &&
	    (rc = session_ehlo(&s)) == STEP_OK)
		rc = session_starttls(&s, x->creds, priority);
	if (rc == STEP_OK) {
		a->accepted = true;
		tls_describe(s.conn.tls, &a->tf);
		if (keep_cert)
			tls_peer_cert(s.conn.tls, x->ep.host, &x->cert);
	} else if (rc == STEP_FAILED && strcmp(s.stage, "TLS") == 0) {
		a->refused = true;
		snprintf(a->error, sizeof(a->error), "%s", s.err);
	} else {
		step_error(&s, rc, a->error, sizeof(a->error));
	}
	session_close(&s, rc != STEP_FAILED);
}

static const char *
attempt_result(const struct attempt *a)
{
	if (!a->tested)
		return "not tested";
	if (a->accepted)
		return "accepted";
	return a->refused ? "refused" : "error";
}

/* Text: one row per attempt, the suite details below an accepted one. */
static void
text_attempt(const char *label, const struct attempt *a, bool with_version)
{
	const struct tls_facts *tf = &a->tf;

	printf("  %-10s %-11s ", label, attempt_result(a));
	if (!a->accepted) {
		printf("%s\n", a->error);
		return;
	}
	printf("%s%s%s (%d bits), key exchange %s%s%s\n", with_version ? tf->version : "",
	       with_version ? " " : "", tf->cipher, tf->bits, tf->kx, tf->group[0] ? " " : "",
	       tf->group);
	printf("  %-10s %-11s GnuTLS %s\n", "", "", tf->cipher_gnutls);
}

static void
text_cert(const struct scan_ctx *x)
{
	const struct cert_facts *cf = &x->cert;
	const char *p;

	if (!cf->present) {
		printf("\ncertificate\n  %-10s %s\n", "", "none (no handshake succeeded)");
		return;
	}
	printf("\ncertificate\n");
	printf("  %-10s %s\n", "subject", cf->subject);
	printf("  %-10s %s\n", "issuer", cf->issuer);
	printf("  %-10s %s\n", "not after", cf->not_after);
	printf("  %-10s ", "sha256");
	for (p = cf->sha256; *p != '\0'; p++)
		if (*p != ':')
			putchar(*p);
	putchar('\n');
	printf("  %-10s %s (trust: %s)\n", "verified", cf->verified ? "yes" : "no",
	       x->o->cafile ? x->o->cafile : "system store");
	printf("  %-10s %s\n", "", cf->verify_status);
	printf("  %-10s %s %s\n", "host name", cf->name_matches ? "matches" : "does not match",
	       x->ep.host);
}

static void
scan_report_text(const struct scan_ctx *x)
{
	size_t f;
	int v;

	printf("tlspolicy-probe scan of %s port %s\n", x->ep.host, x->ep.port);
	printf("  %-10s %s\n", "greeting", x->banner[0] ? x->banner : "-");
	printf("  %-10s %s\n", "STARTTLS",
	       x->starttls  ? "offered"
	       : x->reached ? "NOT offered"
	                    : "unknown");
	if (!x->starttls) {
		printf("%s\n", x->error);
		return;
	}
	printf("\nTLS versions\n");
	for (v = TLS_VER_10; v < TLS_VER_COUNT; v++)
		text_attempt(tls_version_name(v), &x->version[v], false);
	printf("\nlegacy cipher families (offered over TLS 1.0 to 1.2)\n");
	for (f = 0; f < NFAMILIES; f++)
		text_attempt(families[f].name, &x->family[f], true);
	text_cert(x);
}

static void
json_attempt(struct json_out *j, const char *key, const struct attempt *a, const char *what)
{
	char note[1200];

	json_begin_object(j, key);
	json_bool(j, "tested", a->tested);
	json_bool(j, "accepted", a->accepted);
	json_string(j, "result", attempt_result(a));
	if (a->accepted) {
		json_string(j, "version", a->tf.version);
		json_string(j, "cipher", a->tf.cipher);
		json_string(j, "cipher_gnutls", a->tf.cipher_gnutls);
		json_string(j, "cipher_iana", a->tf.cipher_iana);
		json_int(j, "bits", a->tf.bits);
		json_string(j, "kx", a->tf.kx);
		json_string(j, "group", a->tf.group[0] ? a->tf.group : NULL);
	}
	json_string(j, "error", a->accepted ? NULL : a->error);
	if (what != NULL) {
		if (a->accepted)
			snprintf(note, sizeof(note), "offered %s; server chose %s %s", what,
			         a->tf.version, a->tf.cipher);
		else if (a->tested)
			snprintf(note, sizeof(note), "offered %s; %s: %s", what, attempt_result(a),
			         a->error);
		else
			snprintf(note, sizeof(note), "cannot test %s: %s", what, a->error);
		json_string(j, "note", note);
	}
	json_end_object(j);
}

static void
json_cert(struct json_out *j, const struct scan_ctx *x)
{
	const struct cert_facts *cf = &x->cert;

	if (!cf->present) {
		json_string(j, "certificate", NULL);
		return;
	}
	json_begin_object(j, "certificate");
	json_string(j, "subject", cf->subject);
	json_string(j, "issuer", cf->issuer);
	json_string(j, "not_after", cf->not_after);
	json_string(j, "sha256", cf->sha256);
	json_bool(j, "verified", cf->verified);
	json_string(j, "verify_status", cf->verify_status);
	json_string(j, "trust", x->o->cafile ? x->o->cafile : "system");
	json_bool(j, "hostname_matches", cf->name_matches);
	json_end_object(j);
}

static void
scan_report_json(const struct scan_ctx *x)
{
	struct json_out j;
	size_t f;
	int v;

	json_init(&j, stdout);
	json_begin_object(&j, NULL);
	json_string(&j, "host", x->ep.host);
	json_int(&j, "port", atol(x->ep.port));
	json_bool(&j, "reached", x->reached);
	json_bool(&j, "starttls", x->starttls);
	json_string(&j, "banner", x->banner[0] ? x->banner : NULL);
	json_string(&j, "error", x->starttls ? NULL : x->error);
	json_begin_object(&j, "versions");
	for (v = TLS_VER_10; x->starttls && v < TLS_VER_COUNT; v++)
		json_attempt(&j, tls_version_name(v), &x->version[v], NULL);
	json_end_object(&j);
	json_begin_object(&j, "legacy_ciphers");
	for (f = 0; x->starttls && f < NFAMILIES; f++)
		json_attempt(&j, families[f].name, &x->family[f], families[f].what);
	json_end_object(&j);
	json_cert(&j, x);
	json_end_object(&j);
}

int
scan_run(const struct probe_opts *o)
{
	struct scan_ctx x;
	struct transcript tr;
	char priority[512], err[600];
	size_t f;
	int v, status;

	memset(&x, 0, sizeof(x));
	x.o = o;
	if (endpoint_parse(o->target, &x.ep, err, sizeof(err)) < 0 ||
	    (x.creds = tls_creds_new(o->cafile, o->client_cert,
	                             o->client_key ? o->client_key : o->client_cert, err,
	                             sizeof(err))) == NULL) {
		fprintf(stderr, "tlspolicy-probe: %s\n", err);
		return 1;
	}
	transcript_init(&tr, o->verbose ? stderr : NULL, false);
	status = scan_greeting(&x, &tr) == 0 ? 0 : 2;
	for (v = TLS_VER_10; status == 0 && v < TLS_VER_COUNT; v++) {
		tls_priority(v, o->cipher, priority, sizeof(priority));
		scan_attempt(&x, priority, &tr, &x.version[v], true);
	}
	for (f = 0; status == 0 && f < NFAMILIES; f++)
		scan_attempt(&x, families[f].priority, &tr, &x.family[f], false);
	if (o->json)
		scan_report_json(&x);
	else
		scan_report_text(&x);
	transcript_free(&tr);
	gnutls_certificate_free_credentials(x.creds);
	return status;
}
