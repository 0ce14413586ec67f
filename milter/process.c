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
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "msg.h"
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
process_write_pidfile(const char *path, const struct run_as *owner, char *err, size_t errlen)
{
	char text[32];
	int fd, n;

	n = snprintf(text, sizeof(text), "%ld\n", (long)getpid());
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644)) < 0 ||
	    write(fd, text, (size_t)n) != n ||
	    (owner != NULL && geteuid() == 0 && fchown(fd, owner->uid, owner->gid) != 0)) {
		snprintf(err, errlen, "cannot write pid file %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* Does the file at path hold our pid? */
static int
pidfile_is_ours(const char *path)
{
	char text[32];
	ssize_t n;
	int fd;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return 0;
	n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	text[n] = '\0';
	return strtol(text, NULL, 10) == (long)getpid();
}

void
process_remove_pidfile(const char *path)
{
	int fd;

	if (path == NULL || !pidfile_is_ours(path) || unlink(path) == 0)
		return;
	/* The directory is not ours: leave an empty file, which no tool reads as a pid. */
	if ((fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)) >= 0) {
		close(fd);
		msg_warn("cannot remove pid file %s (its directory is not writable after the "
		         "privilege drop); emptied it instead",
		         path);
	} else {
		msg_warn("cannot remove pid file %s: %s", path, strerror(errno));
	}
}

/* The path of a unix socket spec ("unix:", "local:" or a bare path), or NULL. */
static const char *
socket_path(const char *spec)
{
	if (strncmp(spec, "unix:", 5) == 0)
		return spec + 5;
	if (strncmp(spec, "local:", 6) == 0)
		return spec + 6;
	return spec[0] == '/' ? spec : NULL;
}

static struct {
	char path[4096];
	dev_t dev;
	ino_t ino;
	int set;
} our_socket;

void
process_note_socket(const char *spec)
{
	const char *path = socket_path(spec);
	struct stat st;

	if (path == NULL || strlen(path) >= sizeof(our_socket.path) || stat(path, &st) != 0 ||
	    !S_ISSOCK(st.st_mode))
		return;
	snprintf(our_socket.path, sizeof(our_socket.path), "%s", path);
	our_socket.dev = st.st_dev;
	our_socket.ino = st.st_ino;
	our_socket.set = 1;
}

void
process_remove_socket(void)
{
	struct stat st;

	if (!our_socket.set || lstat(our_socket.path, &st) != 0)
		return; /* libmilter removed it already, or it was never ours */
	if (st.st_dev != our_socket.dev || st.st_ino != our_socket.ino)
		return; /* another instance's socket now */
	if (unlink(our_socket.path) != 0)
		msg_warn("cannot remove socket %s: %s", our_socket.path, strerror(errno));
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

gid_t
process_log_group(const struct run_as *who)
{
	struct group *gr = getgrnam(PROCESS_LOG_GROUP);

	return gr != NULL ? gr->gr_gid : who->gid;
}
