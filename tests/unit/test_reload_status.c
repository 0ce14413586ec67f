/*
 * NAME
 *	test_reload_status -- CUnit tests for the reload status record (-R)
 *
 * DESCRIPTION
 *	The record the daemon writes after each reload and "milter-tlspolicy
 *	-R" reads: it round-trips every field and state, has a fixed size,
 *	keeps the reason on one line and within bounds, and a torn, cut or
 *	foreign record is refused. The status file's name follows the pid
 *	file's; -R needs -P. service_notify() delivers one datagram to
 *	$NOTIFY_SOCKET, a path or an abstract name ('@'), does nothing
 *	without it and fails on a name that is neither.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "options.h"
#include "policy_fixture.h"
#include "reload_status.h"
#include "service_notify.h"

static struct reload_status
sample(enum reload_state state, const char *reason)
{
	struct reload_status s;

	memset(&s, 0, sizeof(s));
	s.pid = 4242;
	s.attempt = 17;
	s.state = state;
	s.generation = 9;
	s.rules = 123;
	s.time = 1796558400LL;
	snprintf(s.reason, sizeof(s.reason), "%s", reason);
	return s;
}

static void
test_round_trip(void)
{
	static const enum reload_state states[] = {RELOAD_RUNNING, RELOAD_OK, RELOAD_FAILED};
	char record[RELOAD_STATUS_SIZE];
	struct reload_status in, out;
	size_t i;

	for (i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		in = sample(states[i],
		            i == 2 ? "/etc/x/list.txt: cannot open: Permission denied" : "");
		reload_status_encode(&in, record);
		CU_ASSERT_EQUAL_FATAL(reload_status_parse(record, sizeof(record), &out), 0);
		CU_ASSERT_EQUAL(out.pid, 4242);
		CU_ASSERT_EQUAL(out.attempt, 17);
		CU_ASSERT_EQUAL(out.state, states[i]);
		CU_ASSERT_EQUAL(out.generation, 9);
		CU_ASSERT_EQUAL(out.rules, 123);
		CU_ASSERT_EQUAL(out.time, 1796558400LL);
		CU_ASSERT_STRING_EQUAL(out.reason, in.reason);
	}
	CU_ASSERT_STRING_EQUAL(reload_state_name(RELOAD_FAILED), "failed");
	CU_ASSERT_STRING_EQUAL(reload_state_name(RELOAD_RUNNING), "reloading");
}

static void
test_text_layout(void)
{
	char record[RELOAD_STATUS_SIZE + 1];
	struct reload_status in = sample(RELOAD_FAILED, "x");

	reload_status_encode(&in, record);
	record[RELOAD_STATUS_SIZE] = '\0';
	CU_ASSERT_EQUAL(strncmp(record,
	                        "milter-tlspolicy-reload-status 1\npid 4242\nattempt 17\n"
	                        "state failed\ngeneration 9\nrules 123\n",
	                        strlen("milter-tlspolicy-reload-status 1\npid 4242\nattempt 17\n"
	                               "state failed\ngeneration 9\nrules 123\n")),
	                0);
	CU_ASSERT_PTR_NOT_NULL(strstr(record, "\nreason x\ncheck "));
	CU_ASSERT_EQUAL(record[RELOAD_STATUS_SIZE - 1], '\n'); /* padding, all bytes written */
	CU_ASSERT_EQUAL(strlen(record), RELOAD_STATUS_SIZE);
}

static void
test_reason_bounded(void)
{
	char record[RELOAD_STATUS_SIZE], reason[RELOAD_REASON_MAX + 1];
	struct reload_status in, out;

	memset(reason, 'a', RELOAD_REASON_MAX);
	reason[RELOAD_REASON_MAX] = '\0';
	reason[3] = '\n';
	reason[7] = '\t';
	in = sample(RELOAD_FAILED, reason);
	in.pid = 2147483647L;
	in.attempt = in.generation = in.rules = 4294967295UL;
	in.time = 9999999999LL;
	reload_status_encode(&in, record);
	CU_ASSERT_EQUAL_FATAL(reload_status_parse(record, sizeof(record), &out), 0);
	CU_ASSERT_EQUAL(strlen(out.reason), RELOAD_REASON_MAX);
	CU_ASSERT_EQUAL(out.reason[3], ' ');
	CU_ASSERT_EQUAL(out.reason[7], ' ');
	CU_ASSERT_EQUAL(out.rules, 4294967295UL);
}

static void
test_refused(void)
{
	char a[RELOAD_STATUS_SIZE], b[RELOAD_STATUS_SIZE], mixed[RELOAD_STATUS_SIZE];
	struct reload_status in, out;
	char *p;

	in = sample(RELOAD_OK, "");
	reload_status_encode(&in, a);
	in = sample(RELOAD_FAILED, "bad list");
	in.attempt = 18;
	reload_status_encode(&in, b);
	/* Torn: the first half of the new record over the old one, and the reverse. */
	memcpy(mixed, b, 60);
	memcpy(mixed + 60, a + 60, sizeof(mixed) - 60);
	CU_ASSERT_EQUAL(reload_status_parse(mixed, sizeof(mixed), &out), -1);
	memcpy(mixed, a, 60);
	memcpy(mixed + 60, b + 60, sizeof(mixed) - 60);
	CU_ASSERT_EQUAL(reload_status_parse(mixed, sizeof(mixed), &out), -1);
	/* One byte changed. */
	memcpy(mixed, a, sizeof(mixed));
	p = strstr(mixed, "attempt 17");
	CU_ASSERT_PTR_NOT_NULL_FATAL(p);
	p[9] = '8';
	CU_ASSERT_EQUAL(reload_status_parse(mixed, sizeof(mixed), &out), -1);
	/* Cut before the check line, empty, foreign. */
	CU_ASSERT_EQUAL(reload_status_parse(a, 40, &out), -1);
	CU_ASSERT_EQUAL(reload_status_parse(a, 0, &out), -1);
	CU_ASSERT_EQUAL(reload_status_parse("4242\n", 5, &out), -1);
	/* The intact records still parse. */
	CU_ASSERT_EQUAL(reload_status_parse(b, sizeof(b), &out), 0);
	CU_ASSERT_EQUAL(out.attempt, 18);
}

static void
test_path(void)
{
	char path[64];

	CU_ASSERT_EQUAL(
	    reload_status_path("/run/milter-tlspolicy/milter-tlspolicy.pid", path, sizeof(path)),
	    0);
	CU_ASSERT_STRING_EQUAL(path, "/run/milter-tlspolicy/milter-tlspolicy.reload");
	CU_ASSERT_EQUAL(reload_status_path("/tmp/x/daemon", path, sizeof(path)), 0);
	CU_ASSERT_STRING_EQUAL(path, "/tmp/x/daemon.reload");
	CU_ASSERT_EQUAL(reload_status_path(".pid", path, sizeof(path)), 0);
	CU_ASSERT_STRING_EQUAL(path, ".pid.reload");
	CU_ASSERT_EQUAL(
	    reload_status_path("/a/very/long/name/that/does/not/fit/in/sixty-four/bytes.pid", path,
	                       40),
	    -1);
}

static void
test_option(void)
{
	char *with_pid[] = {"milter-tlspolicy", "-R", "-P", "/run/x.pid", NULL};
	char *without[] = {"milter-tlspolicy", "-R", NULL};
	struct options o;
	char err[256];

	CU_ASSERT_EQUAL(options_parse(4, with_pid, &o, err, sizeof(err)), 0);
	CU_ASSERT_TRUE(o.reload);
	CU_ASSERT_STRING_EQUAL(o.pidfile, "/run/x.pid");
	CU_ASSERT_EQUAL(options_parse(2, without, &o, err, sizeof(err)), -1);
	CU_ASSERT_PTR_NOT_NULL(strstr(err, "-R needs -P FILE"));
}

/* A datagram socket bound to name ('@' = abstract); -1 on failure. */
static int
listener(const char *name)
{
	struct sockaddr_un addr;
	socklen_t len;
	int fd;

	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", name);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(name));
	if (name[0] == '@')
		addr.sun_path[0] = '\0';
	else
		len++;
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&addr, len) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void
check_delivery(const char *name)
{
	char buf[256];
	ssize_t n;
	int fd = listener(name);

	CU_ASSERT_TRUE_FATAL(fd >= 0);
	setenv("NOTIFY_SOCKET", name, 1);
	CU_ASSERT_EQUAL(service_notify("READY=1\nSTATUS=%s", "policy reloaded"), 0);
	n = recv(fd, buf, sizeof(buf) - 1, MSG_DONTWAIT);
	CU_ASSERT_EQUAL(n, (ssize_t)strlen("READY=1\nSTATUS=policy reloaded"));
	if (n > 0) {
		buf[n] = '\0';
		CU_ASSERT_STRING_EQUAL(buf, "READY=1\nSTATUS=policy reloaded");
	}
	close(fd);
	unsetenv("NOTIFY_SOCKET");
}

static void
test_notify(void)
{
	char path[64], abstract[64];

	snprintf(path, sizeof(path), "/tmp/test_reload_status.%ld.sock", (long)getpid());
	snprintf(abstract, sizeof(abstract), "@test_reload_status.%ld", (long)getpid());
	unlink(path);
	check_delivery(path);
	unlink(path);
	check_delivery(abstract);
	/* Nobody listening: an error, not a crash. */
	setenv("NOTIFY_SOCKET", abstract, 1);
	CU_ASSERT_EQUAL(service_notify("STOPPING=1"), -1);
	/* Not a path, not abstract: refused. */
	setenv("NOTIFY_SOCKET", "relative/name", 1);
	errno = 0;
	CU_ASSERT_EQUAL(service_notify("READY=1"), -1);
	CU_ASSERT_EQUAL(errno, EINVAL);
	/* Unset or empty: nothing to do. */
	setenv("NOTIFY_SOCKET", "", 1);
	CU_ASSERT_EQUAL(service_notify("READY=1"), 0);
	unsetenv("NOTIFY_SOCKET");
	CU_ASSERT_EQUAL(service_notify("READY=1"), 0);
	CU_ASSERT_TRUE(service_notify_monotonic_usec() > 0);
}

static const struct fixture_test tests[] = {
    {"round trip", test_round_trip},
    {"text layout", test_text_layout},
    {"reason bounded", test_reason_bounded},
    {"torn or foreign records refused", test_refused},
    {"status file path", test_path},
    {"-R needs -P", test_option},
    {"sd_notify datagrams", test_notify},
    {NULL, NULL},
};

int
main(void)
{
	return fixture_run("reload status", tests);
}
