/*
 * metrics_http.c -- the -M endpoint: GET /metrics through libmicrohttpd
 *
 * SYNOPSIS
 *	See metrics_http.h.
 *
 * DESCRIPTION
 *	The socket is bound while the daemon is still root (so a port below
 *	1024 works, as for -p) and handed to libmicrohttpd only after the
 *	daemon has detached and dropped its privileges: its one internal
 *	thread must be started after the fork, and never runs as root.
 *	The thread is created with the daemon's signals blocked (signals.h).
 */
#include "config.h"

#include <errno.h>
#include <netdb.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <microhttpd.h>

#include "context.h"
#include "metrics.h"
#include "metrics_http.h"
#include "msg.h"
#include "snapshot.h"
#include "when.h"

#define CONTENT_TYPE       "text/plain; version=0.0.4; charset=utf-8"
#define CONNECTION_LIMIT   32 /* scrapers at once */
#define CONNECTION_TIMEOUT 10 /* seconds of idle keep-alive */

static int listen_fd = -1;
static struct MHD_Daemon *server;
static char listen_spec[300];

/* "inet:PORT@ADDR" or "inet6:PORT@ADDR" into host and port. */
static int
split_spec(const char *spec, int *family, char *host, size_t hostlen, char *port, size_t portlen)
{
	const char *rest, *at;
	size_t n;

	if (strncmp(spec, "inet:", 5) == 0) {
		*family = AF_INET;
		rest = spec + 5;
	} else if (strncmp(spec, "inet6:", 6) == 0) {
		*family = AF_INET6;
		rest = spec + 6;
	} else
		return -1;
	if ((at = strchr(rest, '@')) == NULL || at == rest || at[1] == '\0' ||
	    (size_t)(at - rest) >= portlen || strspn(rest, "0123456789") != (size_t)(at - rest))
		return -1;
	snprintf(port, portlen, "%.*s", (int)(at - rest), rest);
	if (snprintf(host, hostlen, "%s", at + 1) >= (int)hostlen)
		return -1;
	/* "[::1]" is accepted for inet6 too. */
	if ((n = strlen(host)) > 2 && host[0] == '[' && host[n - 1] == ']') {
		memmove(host, host + 1, n - 2);
		host[n - 2] = '\0';
	}
	return 0;
}

int
metrics_http_open(const char *spec, char *err, size_t errlen)
{
	struct addrinfo hints, *ai;
	char host[256], port[8];
	int family, rc, on = 1;

	if (split_spec(spec, &family, host, sizeof(host), port, sizeof(port)) != 0) {
		snprintf(err, errlen, "-M: bad address \"%s\" (inet:PORT@ADDR or inet6:PORT@ADDR)",
		         spec);
		return -1;
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = family;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE;
	if ((rc = getaddrinfo(host, port, &hints, &ai)) != 0) {
		snprintf(err, errlen, "-M %s: %s", spec, gai_strerror(rc));
		return -1;
	}
	if ((listen_fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, 0)) < 0 ||
	    setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) != 0 ||
	    (ai->ai_family == AF_INET6 &&
	     setsockopt(listen_fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on)) != 0) ||
	    bind(listen_fd, ai->ai_addr, ai->ai_addrlen) != 0 || listen(listen_fd, 16) != 0) {
		snprintf(err, errlen, "-M %s: %s", spec, strerror(errno));
		if (listen_fd >= 0)
			close(listen_fd);
		listen_fd = -1;
		freeaddrinfo(ai);
		return -1;
	}
	freeaddrinfo(ai);
	snprintf(listen_spec, sizeof(listen_spec), "%s", spec);
	metrics_enable();
	return 0;
}

static enum MHD_Result
respond(struct MHD_Connection *connection, unsigned status, char *body, size_t len,
        enum MHD_ResponseMemoryMode mode)
{
	struct MHD_Response *response;
	enum MHD_Result ret;

	if ((response = MHD_create_response_from_buffer(len, body, mode)) == NULL) {
		if (mode == MHD_RESPMEM_MUST_FREE)
			free(body);
		return MHD_NO;
	}
	MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE,
	                        status == MHD_HTTP_OK ? CONTENT_TYPE : "text/plain; charset=utf-8");
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(response, MHD_HTTP_HEADER_ALLOW, "GET, HEAD");
	ret = MHD_queue_response(connection, status, response);
	MHD_destroy_response(response);
	return ret;
}

/* The text for one scrape, from the policy in force now. */
static char *
scrape(size_t *len)
{
	struct decide_context when;
	struct snapshot *snap = snapshot_acquire();
	char *text;

	when_now(&when);
	text = metrics_render(snap != NULL ? snap->policy : NULL, when.today, conn_active(), len);
	snapshot_release(snap);
	return text;
}

static enum MHD_Result
handle(void *cls, struct MHD_Connection *connection, const char *url, const char *method,
       const char *version, const char *upload_data, size_t *upload_data_size, void **state)
{
	static int first_call_seen;
	static char not_found[] = "Not found; the metrics are at /metrics\n";
	static char not_allowed[] = "Only GET and HEAD\n";
	static char no_memory[] = "Out of memory\n";
	char *text;
	size_t len;

	if (*state == NULL) {
		*state = &first_call_seen; /* headers only; answer on the next call */
		return MHD_YES;
	}
	if (*upload_data_size != 0) {
		*upload_data_size = 0; /* a body is read and ignored */
		return MHD_YES;
	}
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return respond(connection, MHD_HTTP_METHOD_NOT_ALLOWED, not_allowed,
		               strlen(not_allowed), MHD_RESPMEM_PERSISTENT);
	if (strcmp(url, "/metrics") != 0)
		return respond(connection, MHD_HTTP_NOT_FOUND, not_found, strlen(not_found),
		               MHD_RESPMEM_PERSISTENT);
	if ((text = scrape(&len)) == NULL)
		return respond(connection, MHD_HTTP_INTERNAL_SERVER_ERROR, no_memory,
		               strlen(no_memory), MHD_RESPMEM_PERSISTENT);
	return respond(connection, MHD_HTTP_OK, text, len, MHD_RESPMEM_MUST_FREE);
}

static void
log_mhd(void *cls, const char *fmt, va_list ap)
{
	char line[512];
	size_t len;

	vsnprintf(line, sizeof(line), fmt, ap);
	len = strlen(line);
	while (len > 0 && line[len - 1] == '\n')
		line[--len] = '\0';
	msg_warn("metrics: %s", line);
}

int
metrics_http_start(void)
{
	if (listen_fd < 0)
		return 0;
	server = MHD_start_daemon(
	    MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL | MHD_USE_ERROR_LOG, 0, NULL, NULL,
	    handle, NULL, MHD_OPTION_EXTERNAL_LOGGER, log_mhd, NULL, MHD_OPTION_LISTEN_SOCKET,
	    listen_fd, MHD_OPTION_CONNECTION_LIMIT, (unsigned)CONNECTION_LIMIT,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)CONNECTION_TIMEOUT, MHD_OPTION_END);
	if (server == NULL) {
		msg_error("-M %s: cannot start the metrics HTTP server", listen_spec);
		return -1;
	}
	msg_info("metrics: serving /metrics on %s", listen_spec);
	return 0;
}

void
metrics_http_stop(void)
{
	if (server != NULL)
		MHD_stop_daemon(server); /* closes the listening socket too */
	else if (listen_fd >= 0)
		close(listen_fd);
	server = NULL;
	listen_fd = -1;
}
