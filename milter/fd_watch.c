/*
 * fd_watch.c -- descriptors: capacity at start-up, exhaustion while running
 *
 * SYNOPSIS
 *	See fd_watch.h.
 *
 * DESCRIPTION
 *	One thread, two states: watching (is there a free descriptor?) and
 *	paused (libmilter's listening descriptor is the idle socket; waiting
 *	for a free descriptor to put the real one back). Switching is a
 *	dup2() onto the listening descriptor's number, which needs no free
 *	slot: a duplicate of the real socket is kept from the start, so the
 *	switch works even while libmilter's loop grabs every descriptor that
 *	becomes free. All descriptor juggling happens in that thread, so no
 *	lock but the one for its sleep is needed.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "context.h"
#include "fd_watch.h"
#include "msg.h"

#define WATCH_MS      100 /* how often to look while all is well */
#define PAUSED_MS     50  /* ... and while waiting for a free descriptor */
#define LOG_INTERVAL  60  /* seconds between two "out of descriptors" lines */
#define LISTENER_SCAN 1024

static atomic_ulong exhaustions;

static pthread_t watcher;
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t watch_cond = PTHREAD_COND_INITIALIZER;
static int stopping, running;

/* The watcher's own state. */
static int listen_fd = -1; /* libmilter's listening descriptor */
static int idle_fd = -1;   /* a listening socket nobody connects to */
static int real_fd = -1;   /* a duplicate of the real listening socket, kept from the start */
static int paused;         /* listen_fd is the idle socket */
static int pause_logged;   /* ... and that was logged */
static void (*wake_milter)(void);
static time_t last_log;

unsigned long
fd_watch_capacity(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
		return (unsigned long)-1;
	return rl.rlim_cur > FD_WATCH_RESERVED ? (unsigned long)(rl.rlim_cur - FD_WATCH_RESERVED)
	                                       : 0;
}

void
fd_watch_check_capacity(void)
{
	struct rlimit rl;
	unsigned long sessions = fd_watch_capacity();

	if (sessions >= FD_WATCH_MIN_SESSIONS || getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	msg_warn("the descriptor limit (RLIMIT_NOFILE %lu, hard limit %lu) allows only %lu "
	         "concurrent MTA sessions (%d descriptors are kept for other uses); raise it to "
	         "at least %d (systemd: LimitNOFILE=)",
	         (unsigned long)rl.rlim_cur, (unsigned long)rl.rlim_max, sessions,
	         FD_WATCH_RESERVED, FD_WATCH_MIN_SESSIONS + FD_WATCH_RESERVED);
}

int
fd_watch_find_listener(void)
{
	int fd, listening;
	socklen_t len;

	for (fd = 0; fd < LISTENER_SCAN; fd++) {
		listening = 0;
		len = sizeof(listening);
		if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) == 0 && listening)
			return fd;
	}
	return -1;
}

unsigned long
fd_watch_exhaustions(void)
{
	return atomic_load_explicit(&exhaustions, memory_order_relaxed);
}

/* Is one more descriptor to be had? Returns it, or -1. */
static int
spare_descriptor(void)
{
	return fcntl(idle_fd, F_DUPFD_CLOEXEC, 0);
}

/* Returns whether it logged (at most once per LOG_INTERVAL). */
static int
log_exhausted(void)
{
	time_t now = time(NULL);
	struct rlimit rl;

	if (last_log != 0 && now - last_log < LOG_INTERVAL)
		return 0;
	last_log = now;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = 0;
	msg_warn("out of descriptors: %u sessions open, limit %lu; new MTA connections wait "
	         "(%lu time%s so far)",
	         conn_active(), (unsigned long)rl.rlim_cur, fd_watch_exhaustions(),
	         fd_watch_exhaustions() == 1 ? "" : "s");
	return 1;
}

/* All descriptors taken: park libmilter's poll() on the idle socket (dup2() needs no new slot). */
static void
pause_listener(void)
{
	atomic_fetch_add_explicit(&exhaustions, 1, memory_order_relaxed);
	pause_logged = log_exhausted();
	if (dup2(idle_fd, listen_fd) >= 0)
		paused = 1;
}

/* A descriptor is free: put the real socket back and wake libmilter. */
static void
resume_listener(void)
{
	if (dup2(real_fd, listen_fd) < 0)
		return;
	paused = 0;
	if (wake_milter != NULL)
		wake_milter();
	if (pause_logged) /* the recovery of a pause that was logged */
		msg_info(
		    "descriptors available again (%u sessions open); accepting MTA connections",
		    conn_active());
}

/* Sleep ms, or less when fd_watch_stop() is called; returns stopping. */
static int
nap(int ms)
{
	struct timespec until;
	int stop;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_nsec += (long)ms * 1000000L;
	until.tv_sec += until.tv_nsec / 1000000000L;
	until.tv_nsec %= 1000000000L;
	pthread_mutex_lock(&watch_lock);
	if (!stopping)
		pthread_cond_timedwait(&watch_cond, &watch_lock, &until);
	stop = stopping;
	pthread_mutex_unlock(&watch_lock);
	return stop;
}

static void *
watch_main(void *unused)
{
	int fd;

	while (!nap(paused ? PAUSED_MS : WATCH_MS)) {
		if ((fd = spare_descriptor()) >= 0) {
			close(fd);
			if (paused)
				resume_listener();
		} else if (!paused && (errno == EMFILE || errno == ENFILE)) {
			pause_listener();
		}
	}
	if (paused)
		resume_listener();
	return NULL;
}

/* A listening socket under an abstract name the kernel picks (autobind). */
static int
idle_socket(void)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd >= 0 &&
	    (bind(fd, (struct sockaddr *)&sa, sizeof(sa_family_t)) != 0 || listen(fd, 1) != 0)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

int
fd_watch_start(int fd, void (*wake)(void))
{
	if (fd < 0) {
		msg_warn("no listening socket found; descriptor exhaustion will not be detected");
		return -1;
	}
	listen_fd = fd;
	wake_milter = wake;
	if ((idle_fd = idle_socket()) < 0 || (real_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0)) < 0 ||
	    pthread_create(&watcher, NULL, watch_main, NULL) != 0) {
		msg_warn("cannot watch descriptors: %s", strerror(errno));
		if (idle_fd >= 0)
			close(idle_fd);
		if (real_fd >= 0)
			close(real_fd);
		idle_fd = real_fd = -1;
		return -1;
	}
	running = 1;
	return 0;
}

void
fd_watch_stop(void)
{
	if (!running)
		return;
	pthread_mutex_lock(&watch_lock);
	stopping = 1;
	pthread_cond_signal(&watch_cond);
	pthread_mutex_unlock(&watch_lock);
	pthread_join(watcher, NULL);
	running = 0;
}

int
fd_watch_close_listener(void)
{
	if (running || idle_fd < 0 || listen_fd < 0 || dup2(idle_fd, listen_fd) < 0)
		return -1;
	close(real_fd); /* the last reference: the real socket is closed */
	close(idle_fd); /* listen_fd is the idle socket now */
	idle_fd = real_fd = -1;
	return 0;
}
