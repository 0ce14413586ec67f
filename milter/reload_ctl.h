/*
 * reload_ctl.h -- reloads that report their result (status file, systemd)
 *
 * SYNOPSIS
 *	int reload_ctl_open(const char *pidfile, const char *policy_path);
 *	void reload_ctl_started(void);
 *	int reload_ctl_reload(void);
 *	void reload_ctl_stopping(void);
 *
 * DESCRIPTION
 *	The daemon's side of a truthful "systemctl reload": every reload is
 *	announced to systemd (service_notify.h) and recorded in the status
 *	file that "milter-tlspolicy -R" waits on (reload_status.h).
 *
 *	reload_ctl_open() opens (creates) the status file next to pidfile; it
 *	runs as root, before the daemon drops privileges, and the descriptor
 *	stays open so that the daemon can rewrite the file in a directory it
 *	cannot write to. Without a pid file (-P) it does nothing.
 *
 *	reload_ctl_started() is called once the socket listens and privileges
 *	are dropped: it records attempt 0 and sends READY=1 with MAINPID= and
 *	STATUS=; then it checks that the daemon, as its own user, can load its
 *	policy (the first load ran as root; when this one fails every reload
 *	would fail): a warning, the record "failed" with the reason and a
 *	STATUS= line say so.
 *
 *	reload_ctl_reload() replaces a plain snapshot_reload(): RELOADING=1
 *	with MONOTONIC_USEC=, the record "reloading", the reload, the record
 *	"ok" or "failed" with the reason (the first error of the policy file
 *	as the daemon sees it), then READY=1 with STATUS="policy reloaded ..."
 *	or "reload FAILED: REASON; old policy kept". Returns 0 or -1, as
 *	snapshot_reload().
 *
 *	reload_ctl_stopping() sends STOPPING=1 and removes the status file
 *	when the directory lets it.
 *
 * DIAGNOSTICS
 *	reload_ctl_open() returns -1 when the status file cannot be created,
 *	with a warning unless its directory is missing (then writing the pid
 *	file fails and says so); the daemon runs on, and -R gets no answer. Failures to write the record are logged (a reload
 *	client then times out); a missing $NOTIFY_SOCKET is no failure.
 */
#ifndef RELOAD_CTL_H
#define RELOAD_CTL_H

int reload_ctl_open(const char *pidfile, const char *policy_path);
void reload_ctl_started(void);
int reload_ctl_reload(void);
void reload_ctl_stopping(void);

#endif
