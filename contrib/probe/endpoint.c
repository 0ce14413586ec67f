/*
 * NAME
 *	endpoint.c -- parse HOST[:PORT] and open a TCP connection to it
 *	(see endpoint.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <sys/types.h>
#include <sys/socket.h>
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "deadline.h"
#include "endpoint.h"

#define DEFAULT_PORT "25"

/* Copy text[0..len) into dst, or fail when it does not fit. */
static int
copy_part(char *dst, size_t size, const char *text, size_t len)
{
	if (len == 0 || len >= size)
		return -1;
	memcpy(dst, text, len);
	dst[len] = '\0';
	return 0;
}

static int
valid_port(const char *port)
{
	char *end;
	long n;

	n = strtol(port, &end, 10);
	return *port != '\0' && *end == '\0' && n > 0 && n <= 65535;
}

int
endpoint_parse(const char *text, struct endpoint *ep, char *err, size_t errlen)
{
	const char *colon, *close;
	const char *port = DEFAULT_PORT;
	int bad;

	if (text[0] == '[') {
		close = strchr(text, ']');
		bad = close == NULL || copy_part(ep->host, sizeof(ep->host), text + 1,
		                                 (size_t)(close - text - 1)) != 0;
		if (!bad && close[1] == ':')
			port = close + 2;
		else if (!bad && close[1] != '\0')
			bad = 1;
	} else if ((colon = strchr(text, ':')) != NULL && strchr(colon + 1, ':') == NULL) {
		bad = copy_part(ep->host, sizeof(ep->host), text, (size_t)(colon - text));
		port = colon + 1;
	} else {
		bad = copy_part(ep->host, sizeof(ep->host), text, strlen(text));
	}
	if (bad) {
		snprintf(err, errlen, "bad target \"%s\": expected HOST[:PORT] or [ADDR]:PORT",
		         text);
		return -1;
	}
	if (!valid_port(port) || strlen(port) >= sizeof(ep->port)) {
		snprintf(err, errlen, "bad port \"%s\" in \"%s\"", port, text);
		return -1;
	}
	strcpy(ep->port, port);
	return 0;
}

/* Resolve a numeric local address for bind(). */
static struct addrinfo *
resolve_source(const char *source, char *err, size_t errlen)
{
	struct addrinfo hints, *res;
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICHOST | AI_PASSIVE;
	if ((rc = getaddrinfo(source, NULL, &hints, &res)) != 0) {
		snprintf(err, errlen, "bad source address %s: %s", source, gai_strerror(rc));
		return NULL;
	}
	return res;
}

/* Wait for a non-blocking connect() to finish; 0 or an errno value. */
static int
connect_finish(int fd, const struct deadline *dl)
{
	int soerr = 0;
	socklen_t len = sizeof(soerr);
	int rc;

	rc = deadline_wait(dl, fd, POLLOUT);
	if (rc == 0)
		return ETIMEDOUT;
	if (rc < 0)
		return errno;
	if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &len) != 0)
		return errno;
	return soerr;
}

/* Try one address; returns the socket or -1 with err filled in. */
static int
connect_one(const struct addrinfo *ai, const struct addrinfo *src, const struct deadline *dl,
            char *err, size_t errlen)
{
	int fd, e;

	fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, ai->ai_protocol);
	if (fd < 0) {
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return -1;
	}
	if (src != NULL && bind(fd, src->ai_addr, src->ai_addrlen) != 0) {
		snprintf(err, errlen, "bind to source address: %s", strerror(errno));
		close(fd);
		return -1;
	}
	e = connect(fd, ai->ai_addr, ai->ai_addrlen) == 0 ? 0 : errno;
	if (e == EINPROGRESS || e == EINTR)
		e = connect_finish(fd, dl);
	if (e == 0)
		return fd;
	if (e == ETIMEDOUT)
		snprintf(err, errlen, "timeout after %d s", dl->seconds);
	else
		snprintf(err, errlen, "%s", strerror(e));
	close(fd);
	return -1;
}

int
endpoint_connect(const struct endpoint *ep, const char *source, int timeout, char *err,
                 size_t errlen)
{
	struct addrinfo hints, *res, *ai, *src = NULL;
	struct deadline dl;
	int rc, fd = -1;

	if (source != NULL && (src = resolve_source(source, err, errlen)) == NULL)
		return -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = src != NULL ? src->ai_family : AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((rc = getaddrinfo(ep->host, ep->port, &hints, &res)) != 0) {
		snprintf(err, errlen, "%s: %s", ep->host, gai_strerror(rc));
		if (src != NULL)
			freeaddrinfo(src);
		return -1;
	}
	deadline_set(&dl, timeout);
	for (ai = res; ai != NULL && fd < 0; ai = ai->ai_next)
		fd = connect_one(ai, src, &dl, err, errlen);
	freeaddrinfo(res);
	if (src != NULL)
		freeaddrinfo(src);
	return fd;
}
