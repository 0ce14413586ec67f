/*
 * process.c -- becoming a daemon: detach, pid file, privileges
 *
 * SYNOPSIS
 *	See process.h.
 *
 * DESCRIPTION
 *	The order is main()'s business: open the socket as root, report
 *	every start-up error on the terminal, detach, write the pid file,
 *	then drop privileges.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "process.h"

int
process_lookup_user(const char *spec, struct run_as *who, char *err, size_t errlen)
{
	const char *colon = strchr(spec, ':');
	size_t ulen = colon ? (size_t)(colon - spec) : strlen(spec);
	struct passwd *pw;
	struct group *gr;

	if (ulen == 0 || ulen >= sizeof(who->user)) {
		snprintf(err, errlen, "-u: bad user \"%s\"", spec);
		return -1;
	}
	memcpy(who->user, spec, ulen);
	who->user[ulen] = '\0';
	if ((pw = getpwnam(who->user)) == NULL) {
		snprintf(err, errlen, "-u: no such user \"%s\"", who->user);
		return -1;
	}
	who->uid = pw->pw_uid;
	who->gid = pw->pw_gid;
	if (colon != NULL) {
		if ((gr = getgrnam(colon + 1)) == NULL) {
			snprintf(err, errlen, "-u: no such group \"%s\"", colon + 1);
			return -1;
		}
		who->gid = gr->gr_gid;
	}
	return 0;
}

/* The parent: wait for the child's word, exit with it. */
static void
parent_wait(int ready_fd)
{
	char status = 2;

	if (read(ready_fd, &status, 1) != 1)
		status = 2; /* the child exited before it was ready */
	_exit(status);      /* no atexit handlers: they belong to the child now */
}

int
process_daemonize(int *ready_fd, char *err, size_t errlen)
{
	int pipefd[2];
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) != 0 || (pid = fork()) < 0) {
		snprintf(err, errlen, "cannot fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0) {
		close(pipefd[1]);
		parent_wait(pipefd[0]);
	}
	close(pipefd[0]);
	*ready_fd = pipefd[1];
	if (setsid() < 0 || chdir("/") != 0) {
		snprintf(err, errlen, "cannot detach: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void
process_detached(int ready_fd)
{
	char ok = 0;
	int fd;

	if ((fd = open("/dev/null", O_RDWR)) >= 0) {
		dup2(fd, STDIN_FILENO);
		dup2(fd, STDOUT_FILENO);
		dup2(fd, STDERR_FILENO);
		if (fd > STDERR_FILENO)
			close(fd);
	}
	if (write(ready_fd, &ok, 1) != 1)
		return;
	close(ready_fd);
}

int
process_write_pidfile(const char *path, char *err, size_t errlen)
{
	char text[32];
	int fd, n;

	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0 ||
	    write(fd, text, (size_t)n) != n) {
		snprintf(err, errlen, "cannot write pid file %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

void
process_remove_pidfile(const char *path)
{
	if (path != NULL)
		(void)unlink(path);
}

int
process_drop_privileges(const struct run_as *who, char *err, size_t errlen)
{
	if (getuid() == who->uid && geteuid() == who->uid && getgid() == who->gid)
		return 0;
	if (initgroups(who->user, who->gid) != 0 || setgid(who->gid) != 0 ||
	    setuid(who->uid) != 0) {
		snprintf(err, errlen, "cannot become %s (uid %ld, gid %ld): %s", who->user,
		         (long)who->uid, (long)who->gid, strerror(errno));
		return -1;
	}
	if (who->uid != 0 && setuid(0) == 0) {
		snprintf(err, errlen, "could regain root after dropping privileges");
		return -1;
	}
	return 0;
}

void
process_raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
}
