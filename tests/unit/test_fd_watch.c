/*
 * NAME
 *	test_fd_watch -- CUnit tests for the descriptor watchdog of the daemon
 *
 * DESCRIPTION
 *	The capacity (soft RLIMIT_NOFILE minus the reserved descriptors) and
 *	its start-up warning; then a real TCP listening socket watched while
 *	the process runs out of descriptors: the watchdog counts and logs the
 *	exhaustion and parks the listening descriptor on its idle socket (so
 *	an accept loop would not spin), puts the real socket back and calls
 *	the wake-up once a descriptor is free (a pending connection is then
 *	accepted), and at a stop closes the real socket for good.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "fd_watch.h"
#include "policy_fixture.h"

static void
test_capacity(void)
{
	struct rlimit old, low;
	const char *said;

	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = 64;
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &low), 0);
	CU_ASSERT_EQUAL(fd_watch_capacity(), 64 - FD_WATCH_RESERVED);
	fixture_stderr_begin();
	fd_watch_check_capacity();
	said = fixture_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(strstr(said, "warning: the descriptor limit (RLIMIT_NOFILE 64, hard "
	                                    "limit "));
	CU_ASSERT_PTR_NOT_NULL(strstr(said, ") allows only 40 concurrent MTA sessions"));
	low.rlim_cur = 1024;
	if (low.rlim_max >= 1024) {
		CU_ASSERT_EQUAL(setrlimit(RLIMIT_NOFILE, &low), 0);
		fixture_stderr_begin();
		fd_watch_check_capacity();
		CU_ASSERT_STRING_EQUAL(fixture_stderr_end(), "");
	}
	setrlimit(RLIMIT_NOFILE, &old);
}

static atomic_int woken;

static void
wake(void)
{
	atomic_fetch_add(&woken, 1);
}

static int
family_of(int fd)
{
	struct sockaddr_storage ss;
	socklen_t len = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
		return -1;
	return ss.ss_family;
}

/* Wait up to ms for the listening descriptor to have this address family. */
static int
wait_family(int fd, int family, int ms)
{
	struct timespec tick = {0, 10 * 1000 * 1000};

	for (; ms > 0 && family_of(fd) != family; ms -= 10)
		nanosleep(&tick, NULL);
	return family_of(fd) == family;
}

static void
test_exhaustion(void)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t len = sizeof(sa);
	struct rlimit old, low;
	int fillers[256], nfill = 0, lfd, client, conn, top, i;
	unsigned long before = fd_watch_exhaustions();
	const char *said;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_FATAL(lfd >= 0);
	CU_ASSERT_FATAL(bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) == 0);
	CU_ASSERT_FATAL(listen(lfd, 8) == 0);
	getsockname(lfd, (struct sockaddr *)&sa, &len);
	CU_ASSERT_EQUAL_FATAL(fd_watch_find_listener(), lfd);
	fixture_stderr_begin();
	CU_ASSERT_EQUAL_FATAL(fd_watch_start(lfd, wake), 0);
	/* A limit just above what is open, then every descriptor taken. */
	top = dup(0);
	close(top);
	getrlimit(RLIMIT_NOFILE, &old);
	low = old;
	low.rlim_cur = (rlim_t)top + 16;
	CU_ASSERT_EQUAL_FATAL(setrlimit(RLIMIT_NOFILE, &low), 0);
	while (nfill < 256 && (fillers[nfill] = open("/dev/null", O_RDONLY)) >= 0)
		nfill++;
	CU_ASSERT(nfill < 256 && errno == EMFILE);
	/* The watchdog notices and parks the listening descriptor on its idle socket. */
	CU_ASSERT_TRUE(wait_family(lfd, AF_UNIX, 2000));
	CU_ASSERT_EQUAL(fd_watch_exhaustions(), before + 1);
	/* Free two: one the watchdog finds free, one for our client. */
	close(fillers[--nfill]);
	close(fillers[--nfill]);
	CU_ASSERT_TRUE(wait_family(lfd, AF_INET, 2000));
	CU_ASSERT(atomic_load(&woken) >= 1);
	client = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT(client >= 0);
	CU_ASSERT_EQUAL(connect(client, (struct sockaddr *)&sa, sizeof(sa)), 0);
	for (i = 0; i < nfill; i++)
		close(fillers[i]);
	setrlimit(RLIMIT_NOFILE, &old);
	conn = accept(lfd, NULL, NULL);
	CU_ASSERT(conn >= 0);
	close(conn);
	close(client);
	/* Stop: the real socket goes, the idle one stays in its place. */
	fd_watch_stop();
	CU_ASSERT_EQUAL(family_of(lfd), AF_INET);
	CU_ASSERT_EQUAL(fd_watch_close_listener(), 0);
	CU_ASSERT_EQUAL(family_of(lfd), AF_UNIX);
	client = socket(AF_INET, SOCK_STREAM, 0);
	CU_ASSERT_NOT_EQUAL(connect(client, (struct sockaddr *)&sa, sizeof(sa)), 0);
	close(client);
	close(lfd);
	said = fixture_stderr_end();
	CU_ASSERT_PTR_NOT_NULL(
	    strstr(said, "warning: out of descriptors: 0 sessions open, limit "));
	CU_ASSERT_PTR_NOT_NULL(strstr(said, "new MTA connections wait (1 time so far)"));
	CU_ASSERT_PTR_NOT_NULL(strstr(said, "descriptors available again"));
}

static const struct fixture_test tests[] = {
    {"capacity and the start-up warning", test_capacity},
    {"exhaustion: parked, logged, resumed, closed at stop", test_exhaustion},
    {NULL, NULL},
};

int
main(void)
{
	return fixture_run("descriptor watchdog", tests);
}
