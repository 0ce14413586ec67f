/*
 * listen_socket.c -- what libmilter leaves undone on the listening socket
 *
 * SYNOPSIS
 *	See listen_socket.h.
 *
 * DESCRIPTION
 *	The descriptor scan runs once at start-up, before any other socket
 *	exists (syslog's is a datagram socket and does not listen).
 */
#include "config.h"

#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "listen_socket.h"
#include "msg.h"

#define FD_SCAN_MAX 1024

/* The path of a unix socket spec, or NULL for inet/inet6. */
static const char *
unix_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return spec[0] == '/' ? spec : NULL;
}

static int
is_inet_listener(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);
	int listening = 0;
	socklen_t optlen = sizeof(listening);

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &optlen) != 0 || !listening)
		return 0;
	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return 0;
	return ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
}

static int
set_nodelay(char *err, size_t errlen)
{
	int fd, on = 1, found = 0;

	for (fd = 0; fd < FD_SCAN_MAX; fd++) {
		if (!is_inet_listener(fd))
			continue;
		if (setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on)) != 0) {
			snprintf(err, errlen, "TCP_NODELAY on descriptor %d: %s", fd,
			         strerror(errno));
			return -1;
		}
		msg_debug("TCP_NODELAY set on listening descriptor %d", fd);
		found++;
	}
	if (found == 0)
		msg_warn("no listening TCP socket found for TCP_NODELAY");
	return 0;
}

int
listen_socket_setup(const char *spec, unsigned mode, const struct run_as *owner, char *err,
                    size_t errlen)
{
	const char *path = unix_path(spec);

	if (path == NULL)
		return set_nodelay(err, errlen);
	if (chmod(path, (mode_t)mode) != 0) {
		snprintf(err, errlen, "chmod %04o %s: %s", mode, path, strerror(errno));
		return -1;
	}
	if (owner != NULL && chown(path, owner->uid, owner->gid) != 0) {
		snprintf(err, errlen, "chown %s %s: %s", owner->user, path, strerror(errno));
		return -1;
	}
	return 0;
}
