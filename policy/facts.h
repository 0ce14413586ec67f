/*
 * facts.h -- what is known about one SMTP session and transaction
 *
 * SYNOPSIS
 *	void facts_init(struct session_facts *facts);
 *	void facts_set_tls(struct session_facts *facts, const char *version,
 *	    const char *cipher, const char *bits);
 *	void facts_set_client_addr(struct session_facts *facts, const char *addr);
 *	void facts_set_verify(struct session_facts *facts, const char *verify);
 *	int facts_set_word(struct session_facts *facts, const char *key, char *value);
 *
 * DESCRIPTION
 *	A session_facts holds borrowed pointers to strings the caller owns
 *	(libmilter macro values, or the caller's copies of them) together with
 *	values derived from them once, so that policy_decide() does no parsing.
 *	Absent values are NULL (strings) or -1 (numbers and flags).
 *
 *	facts_set_tls() normalises the version (see tls_version.h), classifies
 *	the cipher and parses the bits; nonsense bits become -1.
 *	facts_set_client_addr() parses the address; an unparsable one leaves
 *	client_addr.family 0, which no address rule matches.
 *	facts_set_verify() maps Sendmail's {verify}: "OK" is 1, any other value
 *	("NO", "FAIL", "NONE", "NOT", ...) is 0, NULL is -1 (not reported).
 *
 *	facts_set_word() sets one fact by the key it has in the log line and
 *	in "milter-tlspolicy -t": tls, cipher, bits, client (ADDR, or
 *	NAME[ADDR] as logged), client_name, helo, listener, port, auth, from,
 *	rcpt, cert_subject, cert_issuer, verify. A value of "-" means absent;
 *	"tls=none" is plaintext, like "tls=-". The value is borrowed, not
 *	copied, and must be writable: for "client=NAME[ADDR]" the "[" and "]"
 *	are overwritten with NULs so that client_name and client_addr_text
 *	can point into it, and "from=<a@b>"/"rcpt=<a@b>" lose their ">" the
 *	same way. It returns 0, or -1 for an unknown key or a value that does
 *	not parse: a port not in 0..65535, bits not in 0..100000, a client
 *	address that is not an address (then client_addr.family is 0 and the
 *	value is left unmodified).
 */
#ifndef FACTS_H
#define FACTS_H

#include "cipher_class.h"
#include "net_addr.h"
#include "tls_version.h"

struct session_facts {
	enum tls_version tls;
	const char *tls_text;		/* as the MTA sent it, for logs; NULL: plaintext */
	const char *cipher;		/* OpenSSL name, NULL: none */
	unsigned cipher_classes;	/* CIPHER_CLASS_* mask of cipher */
	int cipher_bits;		/* -1: unknown */
	struct net_addr client_addr;	/* family 0: unknown or unparsable */
	const char *client_addr_text;	/* as the MTA sent it */
	const char *client_name;	/* PTR name; NULL or "unknown": none */
	const char *helo;
	const char *listener;		/* {daemon_name} */
	int port;			/* {daemon_port}; -1: unknown */
	const char *auth_user;		/* NULL: not authenticated */
	const char *sender;		/* envelope sender, without <> */
	const char *recipient;		/* the recipient being decided; NULL at MAIL */
	const char *cert_subject;
	const char *cert_issuer;
	int cert_verified;		/* 1 OK, 0 other, -1 not reported */
};

void facts_init(struct session_facts *facts);
void facts_set_tls(struct session_facts *facts, const char *version, const char *cipher,
    const char *bits);
void facts_set_client_addr(struct session_facts *facts, const char *addr);
void facts_set_verify(struct session_facts *facts, const char *verify);
int facts_set_word(struct session_facts *facts, const char *key, char *value);

#endif
