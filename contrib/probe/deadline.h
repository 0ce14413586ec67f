/*
 * NAME
 *	deadline.h -- per-step time limits for socket I/O
 *
 * SYNOPSIS
 *	#include "deadline.h"
 *
 *	void	deadline_set(struct deadline *dl, int seconds);
 *	int	deadline_wait(const struct deadline *dl, int fd, short events);
 *	bool	deadline_expired(const struct deadline *dl);
 *
 * DESCRIPTION
 *	deadline_set() starts a limit of the given number of seconds from
 *	now, on the monotonic clock.
 *
 *	deadline_expired() tells whether the deadline has passed.
 *
 *	deadline_wait() waits with poll() until fd is ready for events
 *	(POLLIN, POLLOUT) or the deadline passes. It restarts after EINTR
 *	with the time that is left.
 *
 * DIAGNOSTICS
 *	deadline_wait() returns 1 when ready (or when poll() reports an error
 *	or hang-up, which the next read or write will report), 0 on timeout
 *	and -1 when poll() fails (errno is set).
 */
#ifndef DEADLINE_H
#define DEADLINE_H

#include <stdbool.h>
#include <time.h>

struct deadline {
	struct timespec at; /* CLOCK_MONOTONIC end time */
	int seconds;        /* the limit, for messages */
};

void deadline_set(struct deadline *dl, int seconds);
int deadline_wait(const struct deadline *dl, int fd, short events);
bool deadline_expired(const struct deadline *dl);

#endif
