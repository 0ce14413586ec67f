/*
 * NAME
 *	endpoint.h -- parse HOST[:PORT] and open a TCP connection to it
 *
 * SYNOPSIS
 *	#include "endpoint.h"
 *
 *	int	endpoint_parse(const char *text, struct endpoint *ep,
 *			    char *err, size_t errlen);
 *	int	endpoint_connect(const struct endpoint *ep, const char *source,
 *			    int timeout, char *err, size_t errlen);
 *
 * DESCRIPTION
 *	endpoint_parse() splits "host", "host:port", "[v6addr]:port",
 *	"[v6addr]" or a bare IPv6 address; the port defaults to 25.
 *
 *	endpoint_connect() resolves the host and tries each address in turn
 *	until one connects within timeout seconds. With source (a numeric
 *	IPv4 or IPv6 address) the socket is bound to it first and only
 *	addresses of the same family are tried. The socket is non-blocking
 *	and close-on-exec.
 *
 * DIAGNOSTICS
 *	endpoint_parse() returns 0, or -1 with a message in err.
 *	endpoint_connect() returns the socket, or -1 with a message in err
 *	such as "Connection refused" or "timeout after 30 s".
 */
#ifndef ENDPOINT_H
#define ENDPOINT_H

#include <stddef.h>

struct endpoint {
	char host[256]; /* name or address, without brackets */
	char port[8];   /* decimal */
};

int endpoint_parse(const char *text, struct endpoint *ep, char *err, size_t errlen);
int endpoint_connect(const struct endpoint *ep, const char *source, int timeout, char *err,
                     size_t errlen);

#endif
