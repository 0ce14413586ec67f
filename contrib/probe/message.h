/*
 * NAME
 *	message.h -- the test message that send transmits after DATA
 *
 * SYNOPSIS
 *	#include "message.h"
 *
 *	char	*message_load_body(const char *path, char *err, size_t errlen);
 *	char	*message_build(const struct message_spec *m, size_t *len);
 *
 * DESCRIPTION
 *	message_load_body() reads a body file ("-" is standard input) into
 *	memory, so that a bad file is reported before connecting.
 *
 *	message_build() returns the message as sent after DATA: Date, From,
 *	To, Subject and Message-ID headers, the extra headers in the order
 *	given, an empty line and the body (the given one, or a short text
 *	that names the TLS version and cipher), with CR LF line ends, leading
 *	dots doubled and the final "." line. The caller frees the result.
 *
 * DIAGNOSTICS
 *	message_load_body() returns NULL with a message in err.
 */
#ifndef MESSAGE_H
#define MESSAGE_H

#include <stddef.h>

struct message_spec {
	const char *from;      /* envelope sender, also From: */
	const char *const *to; /* recipients, also To: */
	int nto;
	const char *const *header; /* extra "Name: value" headers */
	int nheader;
	const char *subject;   /* NULL: a default naming the TLS version */
	const char *body;      /* NULL: the default body */
	const char *helo;      /* for the Message-ID */
	const char *tls;       /* "TLSv1.2 ECDHE-RSA-AES256-GCM-SHA384 (256 bits)" or "none" */
	const char *tls_label; /* "1.2" or "none", for the default subject */
	int seq;               /* message number in the session, from 1 */
};

char *message_load_body(const char *path, char *err, size_t errlen);
char *message_build(const struct message_spec *m, size_t *len);

#endif
