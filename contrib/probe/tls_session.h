/*
 * NAME
 *	tls_session.h -- GnuTLS client sessions restricted to one TLS version
 *
 * SYNOPSIS
 *	#include "tls_session.h"
 *
 *	int	tls_version_parse(const char *text);
 *	const char *tls_version_name(int version);
 *	const char *tls_version_label(int version);
 *	void	tls_priority(int version, const char *extra, char *buf,
 *			    size_t size);
 *	int	tls_priority_check(const char *priority, char *err,
 *			    size_t errlen);
 *
 *	gnutls_certificate_credentials_t tls_creds_new(const char *cafile,
 *			    const char *cert, const char *key, char *err,
 *			    size_t errlen);
 *	gnutls_session_t tls_session_new(gnutls_certificate_credentials_t creds,
 *			    const char *priority, const char *host, char *err,
 *			    size_t errlen);
 *	int	tls_handshake(gnutls_session_t s, int fd, int timeout,
 *			    char *err, size_t errlen);
 *	void	tls_describe(gnutls_session_t s, struct tls_facts *tf);
 *	void	tls_peer_cert(gnutls_session_t s, const char *host,
 *			    struct cert_facts *cf);
 *
 * DESCRIPTION
 *	Versions are TLS_VER_NONE and TLS_VER_10 .. TLS_VER_13.
 *	tls_version_parse() accepts "none", "1.0", "1", "TLSv1", "TLSv1.0",
 *	"1.1", "TLSv1.1", ... and returns -1 for anything else.
 *	tls_version_name() gives the OpenSSL spelling the MTAs report
 *	("TLSv1", "TLSv1.1", ...); tls_version_label() the short one ("1.0").
 *
 *	tls_priority() builds "NORMAL:-VERS-ALL:+VERS-TLS1.0" for a version,
 *	with ":extra" appended when extra is not NULL.
 *
 *	tls_priority_check() tells whether the local GnuTLS could offer
 *	anything with a priority string: it returns the number of cipher
 *	suites it would offer (0 when none, or when it enables no version).
 *
 *	tls_creds_new() loads trust anchors (cafile, or the system store
 *	when cafile is NULL) and an optional client certificate and key.
 *	The server certificate is never required to verify: this is a probe.
 *
 *	tls_session_new() makes a client session with a priority string,
 *	sending SNI when host is a name rather than an address.
 *
 *	tls_handshake() runs the handshake on the non-blocking socket fd
 *	within timeout seconds.
 *
 *	tls_describe() reports the negotiated version, suite (OpenSSL,
 *	IANA and GnuTLS names), key exchange, group and key bits.
 *	tls_peer_cert() reports the server certificate and whether its chain
 *	verifies against the trust anchors and its names match host.
 *
 * DIAGNOSTICS
 *	Functions that can fail return -1 or NULL with a message in err;
 *	handshake errors carry GnuTLS's reason and the alert name.
 */
#ifndef TLS_SESSION_H
#define TLS_SESSION_H

#include <stdbool.h>
#include <stddef.h>
#include <gnutls/gnutls.h>

enum { TLS_VER_NONE, TLS_VER_10, TLS_VER_11, TLS_VER_12, TLS_VER_13, TLS_VER_COUNT };

struct tls_facts {
	char version[16];       /* "TLSv1", "TLSv1.2", ... */
	char cipher[64];        /* OpenSSL name, or the IANA name */
	char cipher_iana[64];   /* TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA */
	char cipher_gnutls[64]; /* TLS_ECDHE_RSA_AES_256_CBC_SHA1 */
	char kx[32];            /* "ECDHE-RSA", "RSA", ... */
	char group[32];         /* "SECP256R1", "X25519", or "" */
	int bits;               /* symmetric key bits */
	char description[160];  /* gnutls_session_get_desc() */
};

struct cert_facts {
	bool present;      /* the server sent a certificate */
	char subject[512]; /* RFC 4514 DN */
	char issuer[512];
	char not_after[32];      /* ISO 8601, UTC */
	char sha256[100];        /* fingerprint, hex with colons */
	bool verified;           /* the chain verifies */
	bool name_matches;       /* the certificate names match host */
	char verify_status[256]; /* GnuTLS's words for the result */
};

int tls_version_parse(const char *text);
const char *tls_version_name(int version);
const char *tls_version_label(int version);
void tls_priority(int version, const char *extra, char *buf, size_t size);
int tls_priority_check(const char *priority, char *err, size_t errlen);

gnutls_certificate_credentials_t tls_creds_new(const char *cafile, const char *cert,
                                               const char *key, char *err, size_t errlen);
gnutls_session_t tls_session_new(gnutls_certificate_credentials_t creds, const char *priority,
                                 const char *host, char *err, size_t errlen);
int tls_handshake(gnutls_session_t s, int fd, int timeout, char *err, size_t errlen);
void tls_describe(gnutls_session_t s, struct tls_facts *tf);
void tls_peer_cert(gnutls_session_t s, const char *host, struct cert_facts *cf);

#endif
