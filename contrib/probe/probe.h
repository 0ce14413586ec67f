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
 *	its option table and hands it, read-only, to scan_run() or
 *	send_run(). Strings point into argv or into memory owned by main.c.
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
};

#endif
