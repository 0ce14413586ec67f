/*
 * NAME
 *	tls_session.c -- GnuTLS client sessions restricted to one TLS version
 *	(see tls_session.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <arpa/inet.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "cipher_names.h"
#include "deadline.h"
#include "tls_session.h"

/* One row per version: how the user writes it, how MTAs name it, GnuTLS's names. */
static const struct tls_version_info {
	const char *spellings[5]; /* accepted by tls_version_parse() */
	const char *name;         /* OpenSSL spelling */
	const char *label;        /* short spelling */
	const char *priority;     /* GnuTLS priority keyword */
	gnutls_protocol_t protocol;
} tls_versions[TLS_VER_COUNT] = {
    [TLS_VER_NONE] = {{"none", "plain"}, "none", "none", NULL, GNUTLS_VERSION_UNKNOWN},
    [TLS_VER_10] =
        {{"1.0", "1", "TLSv1", "TLSv1.0", "TLS1.0"}, "TLSv1", "1.0", "VERS-TLS1.0", GNUTLS_TLS1_0},
    [TLS_VER_11] = {{"1.1", "TLSv1.1", "TLS1.1"}, "TLSv1.1", "1.1", "VERS-TLS1.1", GNUTLS_TLS1_1},
    [TLS_VER_12] = {{"1.2", "TLSv1.2", "TLS1.2"}, "TLSv1.2", "1.2", "VERS-TLS1.2", GNUTLS_TLS1_2},
    [TLS_VER_13] = {{"1.3", "TLSv1.3", "TLS1.3"}, "TLSv1.3", "1.3", "VERS-TLS1.3", GNUTLS_TLS1_3},
};

int
tls_version_parse(const char *text)
{
	int v, i;

	for (v = 0; v < TLS_VER_COUNT; v++)
		for (i = 0; i < 5 && tls_versions[v].spellings[i] != NULL; i++)
			if (strcasecmp(text, tls_versions[v].spellings[i]) == 0)
				return v;
	return -1;
}

const char *
tls_version_name(int version)
{
	return version >= 0 && version < TLS_VER_COUNT ? tls_versions[version].name : "unknown";
}

const char *
tls_version_label(int version)
{
	return version >= 0 && version < TLS_VER_COUNT ? tls_versions[version].label : "?";
}

/* The OpenSSL-style name of a negotiated protocol. */
static const char *
protocol_name(gnutls_protocol_t protocol)
{
	const char *name;
	int v;

	for (v = TLS_VER_10; v < TLS_VER_COUNT; v++)
		if (tls_versions[v].protocol == protocol)
			return tls_versions[v].name;
	if (protocol == GNUTLS_SSL3)
		return "SSLv3";
	name = gnutls_protocol_get_name(protocol);
	return name != NULL ? name : "unknown";
}

void
tls_priority(int version, const char *extra, char *buf, size_t size)
{
	snprintf(buf, size, "NORMAL:-VERS-ALL:+%s%s%s", tls_versions[version].priority,
	         extra != NULL ? ":" : "", extra != NULL ? extra : "");
}

int
tls_priority_check(const char *priority, char *err, size_t errlen)
{
	gnutls_priority_t prio;
	const char *errpos = NULL;
	const unsigned int *protocols;
	unsigned int idx, i;
	int rc, suites = 0;

	if ((rc = gnutls_priority_init(&prio, priority, &errpos)) < 0) {
		if (errpos != NULL && errpos != priority)
			snprintf(err, errlen,
			         "the local GnuTLS rejects the priority string at \"%s\": %s",
			         errpos, gnutls_strerror(rc));
		else
			snprintf(err, errlen,
			         "the local GnuTLS cannot use this priority string: %s",
			         gnutls_strerror(rc));
		return 0;
	}
	for (i = 0; (rc = gnutls_priority_get_cipher_suite_index(prio, i, &idx)) !=
	            GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE;
	     i++)
		if (rc == 0)
			suites++;
	if (gnutls_priority_protocol_list(prio, &protocols) == 0)
		suites = 0;
	gnutls_priority_deinit(prio);
	if (suites == 0)
		snprintf(err, errlen, "the local GnuTLS offers no cipher suite for \"%s\"",
		         priority);
	return suites;
}

gnutls_certificate_credentials_t
tls_creds_new(const char *cafile, const char *cert, const char *key, char *err, size_t errlen)
{
	gnutls_certificate_credentials_t creds;
	int rc;

	if ((rc = gnutls_certificate_allocate_credentials(&creds)) < 0) {
		snprintf(err, errlen, "GnuTLS credentials: %s", gnutls_strerror(rc));
		return NULL;
	}
	if (cafile != NULL)
		rc = gnutls_certificate_set_x509_trust_file(creds, cafile, GNUTLS_X509_FMT_PEM);
	else
		(void)gnutls_certificate_set_x509_system_trust(creds);
	if (cafile != NULL && rc <= 0) {
		snprintf(err, errlen, "%s: %s", cafile,
		         rc < 0 ? gnutls_strerror(rc) : "no certificates found");
		gnutls_certificate_free_credentials(creds);
		return NULL;
	}
	if (cert != NULL && (rc = gnutls_certificate_set_x509_key_file(creds, cert, key,
	                                                               GNUTLS_X509_FMT_PEM)) < 0) {
		snprintf(err, errlen, "client certificate %s / key %s: %s", cert, key,
		         gnutls_strerror(rc));
		gnutls_certificate_free_credentials(creds);
		return NULL;
	}
	return creds;
}

/* SNI carries names only, never addresses (RFC 6066 section 3). */
static int
is_address(const char *host)
{
	unsigned char buf[sizeof(struct in6_addr)];

	return inet_pton(AF_INET, host, buf) == 1 || inet_pton(AF_INET6, host, buf) == 1;
}

gnutls_session_t
tls_session_new(gnutls_certificate_credentials_t creds, const char *priority, const char *host,
                char *err, size_t errlen)
{
	gnutls_session_t s;
	const char *errpos = NULL;
	int rc;

	if ((rc = gnutls_init(&s, GNUTLS_CLIENT | GNUTLS_NONBLOCK)) < 0) {
		snprintf(err, errlen, "GnuTLS session: %s", gnutls_strerror(rc));
		return NULL;
	}
	rc = gnutls_priority_set_direct(s, priority, &errpos);
	if (rc >= 0)
		rc = gnutls_credentials_set(s, GNUTLS_CRD_CERTIFICATE, creds);
	if (rc >= 0 && !is_address(host))
		rc = gnutls_server_name_set(s, GNUTLS_NAME_DNS, host, strlen(host));
	if (rc < 0) {
		snprintf(err, errlen, "GnuTLS setup (priority \"%s\"): %s", priority,
		         gnutls_strerror(rc));
		gnutls_deinit(s);
		return NULL;
	}
	return s;
}

/* GnuTLS's reason for a failed handshake, with the alert when there was one. */
static void
handshake_error(gnutls_session_t s, int rc, char *err, size_t errlen)
{
	if (rc == GNUTLS_E_FATAL_ALERT_RECEIVED || rc == GNUTLS_E_WARNING_ALERT_RECEIVED)
		snprintf(err, errlen, "%s (alert: %s)", gnutls_strerror(rc),
		         gnutls_alert_get_name(gnutls_alert_get(s)));
	else if (rc == GNUTLS_E_PREMATURE_TERMINATION)
		snprintf(err, errlen, "%s (the server closed the connection)", gnutls_strerror(rc));
	else
		snprintf(err, errlen, "%s", gnutls_strerror(rc));
}

int
tls_handshake(gnutls_session_t s, int fd, int timeout, char *err, size_t errlen)
{
	struct deadline dl;
	int rc, w;

	gnutls_transport_set_int(s, fd);
	deadline_set(&dl, timeout);
	for (;;) {
		rc = gnutls_handshake(s);
		if (rc == GNUTLS_E_SUCCESS)
			return 0;
		if (rc != GNUTLS_E_AGAIN && rc != GNUTLS_E_INTERRUPTED &&
		    gnutls_error_is_fatal(rc)) {
			handshake_error(s, rc, err, errlen);
			return -1;
		}
		w = rc == GNUTLS_E_AGAIN || rc == GNUTLS_E_INTERRUPTED
		        ? deadline_wait(&dl, fd, gnutls_record_get_direction(s) ? POLLOUT : POLLIN)
		        : !deadline_expired(&dl);
		if (w <= 0) {
			snprintf(err, errlen, "handshake timeout after %d s", timeout);
			return -1;
		}
	}
}

/* GnuTLS's own suite name; TLS 1.3 suites have no key exchange in their name. */
static void
gnutls_suite_name(gnutls_session_t s, const char *iana, char *buf, size_t size)
{
	const char *name = NULL;

	if (gnutls_protocol_get_version(s) != GNUTLS_TLS1_3)
		name = gnutls_cipher_suite_get_name(gnutls_kx_get(s), gnutls_cipher_get(s),
		                                    gnutls_mac_get(s));
	if (name != NULL)
		snprintf(buf, size, "TLS_%s", name);
	else
		snprintf(buf, size, "%s", iana);
}

void
tls_describe(gnutls_session_t s, struct tls_facts *tf)
{
	const char *iana, *openssl, *kx, *group;
	char *desc;

	memset(tf, 0, sizeof(*tf));
	snprintf(tf->version, sizeof(tf->version), "%s",
	         protocol_name(gnutls_protocol_get_version(s)));
	iana = gnutls_ciphersuite_get(s);
	snprintf(tf->cipher_iana, sizeof(tf->cipher_iana), "%s", iana != NULL ? iana : "unknown");
	openssl = cipher_openssl_name(iana);
	snprintf(tf->cipher, sizeof(tf->cipher), "%s", openssl != NULL ? openssl : tf->cipher_iana);
	gnutls_suite_name(s, tf->cipher_iana, tf->cipher_gnutls, sizeof(tf->cipher_gnutls));
	kx = gnutls_kx_get_name(gnutls_kx_get(s));
	snprintf(tf->kx, sizeof(tf->kx), "%s", kx != NULL ? kx : "-");
	group = gnutls_group_get_name(gnutls_group_get(s));
	snprintf(tf->group, sizeof(tf->group), "%s", group != NULL ? group : "");
	tf->bits = (int)gnutls_cipher_get_key_size(gnutls_cipher_get(s)) * 8;
	if ((desc = gnutls_session_get_desc(s)) != NULL) {
		snprintf(tf->description, sizeof(tf->description), "%s", desc);
		gnutls_free(desc);
	}
}

/* Copy a GnuTLS datum into buf, without trailing spaces, and free it. */
static void
take_datum(gnutls_datum_t *d, char *buf, size_t size)
{
	size_t len;

	snprintf(buf, size, "%.*s", (int)d->size, (const char *)d->data);
	gnutls_free(d->data);
	for (len = strlen(buf); len > 0 && buf[len - 1] == ' '; len--)
		buf[len - 1] = '\0';
}

static void
cert_fingerprint(gnutls_x509_crt_t crt, char *buf, size_t size)
{
	unsigned char md[32];
	size_t mdlen = sizeof(md), i, used = 0;

	buf[0] = '\0';
	if (gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, md, &mdlen) < 0)
		return;
	for (i = 0; i < mdlen && used + 3 < size; i++)
		used += (size_t)snprintf(buf + used, size - used, "%s%02X", i ? ":" : "", md[i]);
}

static void
cert_verify(gnutls_session_t s, struct cert_facts *cf)
{
	unsigned int status = 0;
	gnutls_datum_t out;
	int rc;

	rc = gnutls_certificate_verify_peers3(s, NULL, &status);
	cf->verified = rc == 0 && status == 0;
	if (rc < 0)
		snprintf(cf->verify_status, sizeof(cf->verify_status), "%s", gnutls_strerror(rc));
	else if (gnutls_certificate_verification_status_print(status, GNUTLS_CRT_X509, &out, 0) ==
	         0)
		take_datum(&out, cf->verify_status, sizeof(cf->verify_status));
}

void
tls_peer_cert(gnutls_session_t s, const char *host, struct cert_facts *cf)
{
	const gnutls_datum_t *chain;
	unsigned int n = 0;
	gnutls_x509_crt_t crt;
	gnutls_datum_t d;
	time_t t;
	struct tm tm;

	memset(cf, 0, sizeof(*cf));
	chain = gnutls_certificate_get_peers(s, &n);
	if (chain == NULL || n == 0 || gnutls_x509_crt_init(&crt) < 0)
		return;
	if (gnutls_x509_crt_import(crt, &chain[0], GNUTLS_X509_FMT_DER) == 0) {
		cf->present = true;
		if (gnutls_x509_crt_get_dn3(crt, &d, 0) == 0)
			take_datum(&d, cf->subject, sizeof(cf->subject));
		if (gnutls_x509_crt_get_issuer_dn3(crt, &d, 0) == 0)
			take_datum(&d, cf->issuer, sizeof(cf->issuer));
		t = gnutls_x509_crt_get_expiration_time(crt);
		if (t != (time_t)-1 && gmtime_r(&t, &tm) != NULL)
			strftime(cf->not_after, sizeof(cf->not_after), "%Y-%m-%dT%H:%M:%SZ", &tm);
		cert_fingerprint(crt, cf->sha256, sizeof(cf->sha256));
		cf->name_matches = gnutls_x509_crt_check_hostname2(crt, host, 0) != 0;
		cert_verify(s, cf);
	}
	gnutls_x509_crt_deinit(crt);
}
