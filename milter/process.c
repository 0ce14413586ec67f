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

int
process_daemonize(char *err, size_t errlen)
{
	pid_t pid;
	int fd;

	if ((pid = fork()) < 0) {
		snprintf(err, errlen, "fork: %s", strerror(errno));
		return -1;
	}
	if (pid > 0)
		_exit(0); /* no atexit handlers: they belong to the child now */
	if (setsid() < 0) {
		snprintf(err, errlen, "setsid: %s", strerror(errno));
		return -1;
	}
	if (chdir("/") != 0 || (fd = open("/dev/null", O_RDWR)) < 0) {
		snprintf(err, errlen, "cannot detach: %s", strerror(errno));
		return -1;
	}
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
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
