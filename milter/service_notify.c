/*
 * service_notify.c -- tell systemd about start, reload and stop (sd_notify)
 *
 * SYNOPSIS
 *	See service_notify.h.
 *
 * DESCRIPTION
 *	A new datagram socket per message: messages are rare (start, reload,
 *	stop), and a socket opened per call survives fork() and privilege
 *	changes without any state to keep.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "service_notify.h"

#define NOTIFY_MAX 1024 /* one message: a few assignments and a STATUS= line */

/* Fill addr from $NOTIFY_SOCKET; its length, or 0 when unset, -1 when unusable. */
static int
notify_address(struct sockaddr_un *addr, socklen_t *len)
{
	const char *name = getenv("NOTIFY_SOCKET");
	size_t n;

	if (name == NULL || *name == '\0')
		return 0;
	n = strlen(name);
	if ((name[0] != '/' && name[0] != '@') || n >= sizeof(addr->sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	memcpy(addr->sun_path, name, n);
	if (name[0] == '@')
		addr->sun_path[0] = '\0'; /* abstract namespace: no trailing NUL counted */
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n + (name[0] == '/'));
	return 1;
}

int
service_notify(const char *fmt, ...)
{
	struct sockaddr_un addr;
	char text[NOTIFY_MAX];
	socklen_t len;
	va_list ap;
	int fd, n, have, saved;
	ssize_t sent;

	if ((have = notify_address(&addr, &len)) <= 0)
		return have;
	va_start(ap, fmt);
	n = vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	if (n < 0)
		return -1;
	if ((size_t)n >= sizeof(text))
		n = (int)sizeof(text) - 1; /* a STATUS= line cut short is still a message */
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	sent = sendto(fd, text, (size_t)n, MSG_NOSIGNAL, (struct sockaddr *)&addr, len);
	saved = errno;
	close(fd);
	errno = saved;
	return sent == (ssize_t)n ? 0 : -1;
}

unsigned long long
service_notify_monotonic_usec(void)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (unsigned long long)now.tv_sec * 1000000ULL + (unsigned long long)now.tv_nsec / 1000;
}
