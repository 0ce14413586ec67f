/*
 * process.h -- becoming a daemon: detach, pid file, privileges
 *
 * SYNOPSIS
 *	int process_lookup_user(const char *spec, struct run_as *who, char *err, size_t errlen);
 *	int process_daemonize(int *ready_fd, char *err, size_t errlen);
 *	void process_detached(int ready_fd);
 *	int process_write_pidfile(const char *path, const struct run_as *owner,
 *	    char *err, size_t errlen);
 *	void process_remove_pidfile(const char *path);
 *	void process_note_socket(const char *spec);
 *	void process_remove_socket(void);
 *	gid_t process_log_group(const struct run_as *who);
 *	int process_drop_privileges(const struct run_as *who, char *err, size_t errlen);
 *	void process_raise_fd_limit(void);
 *
 * DESCRIPTION
 *	process_lookup_user() resolves "USER[:GROUP]" (-u) to ids; the group
 *	defaults to the user's primary group. It must run before the daemon
 *	drops privileges or chowns its socket.
 *
 *	process_daemonize() forks, starts a new session and changes to "/".
 *	The parent waits until the child calls process_detached() and then
 *	exits 0, or exits 2 when the child exits first (after reporting its
 *	error on the terminal): so "milter-tlspolicy && next" and init
 *	systems that wait for the parent see a daemon that is ready (pid
 *	file written, privileges dropped). process_detached() points standard
 *	input, output and error at /dev/null and releases the parent. Call
 *	process_daemonize() before any thread starts.
 *
 *	process_write_pidfile() writes the pid and a newline; with an owner
 *	(-u) the file is given to that user, so that the daemon can still
 *	empty it after the privilege drop. process_remove_pidfile() removes
 *	it at exit when it still holds this process's pid; when the
 *	directory is not writable by the run-as user (a root-owned /run), it
 *	empties the file instead and says so. Put the pid file in a
 *	directory the run-as user may write (systemd: RuntimeDirectory= with
 *	User=, or a directory made for it) to have it removed.
 *
 *	process_note_socket() remembers the unix socket that libmilter just
 *	created for a "unix:", "local:" or bare path spec (nothing for
 *	inet); process_remove_socket() removes it at exit when it is still
 *	that socket (libmilter removes it only when running as non-root and
 *	only sometimes), warning when the directory does not allow it.
 *
 *	process_log_group() is the group a -L log file is given to: "adm"
 *	(PROCESS_LOG_GROUP) when it exists, as for the system's other logs,
 *	else the run-as group.
 *
 *	process_drop_privileges() sets the supplementary groups, the group
 *	and the user, and checks that root cannot be regained.
 *
 *	process_raise_fd_limit() raises the soft limit on open descriptors to
 *	the hard limit: each MTA session holds one, and the usual soft limit
 *	(1024) would cap concurrent sessions (Debian's libmilter polls, so
 *	descriptors above 1023 work).
 *
 *	Each returns 0, or -1 with a message in err.
 */
#ifndef PROCESS_H
#define PROCESS_H

#include <stddef.h>
#include <sys/types.h>

#define PROCESS_LOG_GROUP "adm"

struct run_as {
	char user[256];
	uid_t uid;
	gid_t gid;
};

int process_lookup_user(const char *spec, struct run_as *who, char *err, size_t errlen);
int process_daemonize(int *ready_fd, char *err, size_t errlen);
void process_detached(int ready_fd);
int process_write_pidfile(const char *path, const struct run_as *owner, char *err, size_t errlen);
void process_remove_pidfile(const char *path);
void process_note_socket(const char *spec);
void process_remove_socket(void);
gid_t process_log_group(const struct run_as *who);
int process_drop_privileges(const struct run_as *who, char *err, size_t errlen);
void process_raise_fd_limit(void);

#endif
