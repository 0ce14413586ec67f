/*
 * metrics_http.h -- the -M endpoint: GET /metrics through libmicrohttpd
 *
 * SYNOPSIS
 *	int metrics_http_open(const char *spec, char *err, size_t errlen);
 *	int metrics_http_start(void);
 *	void metrics_http_stop(void);
 *
 * DESCRIPTION
 *	metrics_http_open() binds and listens on spec, "inet:PORT@ADDR" or
 *	"inet6:PORT@ADDR" (ADDR a name or a numeric address, "[::1]" too),
 *	and turns counting on (metrics.h). Call it before dropping
 *	privileges. On failure it returns -1 with a message in err.
 *
 *	metrics_http_start() starts libmicrohttpd's thread on that socket
 *	(after daemonizing and dropping privileges): GET or HEAD /metrics
 *	gets the exposition text (Content-Type text/plain; version=0.0.4),
 *	any other path 404, any other method 405. Without a socket it does
 *	nothing. It returns 0, or -1 after logging why.
 *
 *	metrics_http_stop() stops the server and closes the socket.
 */
#ifndef METRICS_HTTP_H
#define METRICS_HTTP_H

#include <stddef.h>

int metrics_http_open(const char *spec, char *err, size_t errlen);
int metrics_http_start(void);
void metrics_http_stop(void);

#endif
