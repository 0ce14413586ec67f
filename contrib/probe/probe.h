/*
 * NAME
 *	probe.h -- options shared by the tlspolicy-probe commands
 *
 * SYNOPSIS
 *	#include "probe.h"
 *
 *	struct probe_opts;
 *
 * DESCRIPTION
 *	One struct holds every command-line setting; main.c fills it from
 *	its option table and hands it, read-only, to scan_run(), send_run()
 *	or load_run(). Strings point into argv or into memory owned by main.c.
 */
#ifndef PROBE_H
#define PROBE_H

#include <stdbool.h>

#define PROBE_MAX_LIST 64 /* --to and --header entries */

struct probe_opts {
	const char *target;             /* HOST[:PORT] as given */
	int tls_version;                /* TLS_VER_* from tls_session.h, or TLS_VER_NONE */
	bool tls_given;                 /* --tls was on the command line */
	const char *auth;               /* USER:PASS, or NULL */
	const char *from;               /* envelope sender, or NULL for the default */
	const char *to[PROBE_MAX_LIST]; /* envelope recipients */
	int nto;
	const char *header[PROBE_MAX_LIST]; /* extra message headers */
	int nheader;
	const char *subject;     /* Subject:, or NULL for the default */
	const char *body_file;   /* message body, or NULL for the default */
	const char *source;      /* local address to bind, or NULL */
	const char *ehlo;        /* EHLO name, or NULL for the host name */
	bool ehlo_after_tls;     /* send EHLO again after STARTTLS */
	const char *cafile;      /* trust anchors for the verify report */
	const char *client_cert; /* client certificate (PEM), or NULL */
	const char *client_key;  /* its key (PEM), or NULL */
	const char *cipher;      /* extra GnuTLS priority text, or NULL */
	int timeout;             /* seconds per step */
	int count;               /* messages per session */
	bool json;               /* one JSON object instead of text */
	bool quiet;              /* text: only the final line */
	bool verbose;            /* scan: dialogues to standard error */
	int sessions;            /* load: sessions open at a time */
	int per_session;         /* load: messages per session */
	int total;               /* load: messages in all */
	const char *tls_mix;     /* load: "1.0:1,1.2:2,1.3:1" */
	int hold;                /* load: seconds to hold at RCPT, -1 for none */
	int size;                /* load: message body bytes, 0 for the default body */
};

#endif
