/*
 * NAME
 *	deadline.c -- per-step time limits for socket I/O (see deadline.h)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include <errno.h>
#include <poll.h>
#include <time.h>

#include "deadline.h"

void
deadline_set(struct deadline *dl, int seconds)
{
	clock_gettime(CLOCK_MONOTONIC, &dl->at);
	dl->at.tv_sec += seconds;
	dl->seconds = seconds;
}

/* Milliseconds left until the deadline, never negative. */
static int
deadline_left_ms(const struct deadline *dl)
{
	struct timespec now;
	long long ms;

	clock_gettime(CLOCK_MONOTONIC, &now);
	ms = (long long)(dl->at.tv_sec - now.tv_sec) * 1000 +
	     (dl->at.tv_nsec - now.tv_nsec) / 1000000;
	if (ms < 0)
		return 0;
	return ms > 1000000000 ? 1000000000 : (int)ms;
}

int
deadline_wait(const struct deadline *dl, int fd, short events)
{
	struct pollfd pfd;
	int n;

	for (;;) {
		pfd.fd = fd;
		pfd.events = events;
		pfd.revents = 0;
		n = poll(&pfd, 1, deadline_left_ms(dl));
		if (n > 0)
			return 1;
		if (n == 0)
			return 0;
		if (errno != EINTR)
			return -1;
	}
}

bool
deadline_expired(const struct deadline *dl)
{
	return deadline_left_ms(dl) == 0;
}
