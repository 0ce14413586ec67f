/*
 * reload_client.h -- "milter-tlspolicy -R -P FILE": a synchronous reload
 *
 * SYNOPSIS
 *	int reload_client_run(const char *pidfile);
 *
 * DESCRIPTION
 *	Signals the daemon whose pid is in pidfile to reload (SIGHUP) and
 *	waits until its reload status file (reload_status.h) shows a reload
 *	that began after this call read it. Prints the outcome: on standard
 *	output "policy reloaded: generation G, N rules", or on standard error
 *	"reload FAILED, old policy (generation G) kept: REASON".
 *
 *	The wait ends after RELOAD_CLIENT_TIMEOUT seconds, or after
 *	$MILTER_TLSPOLICY_RELOAD_TIMEOUT seconds when that is set (1..3600).
 *
 * DIAGNOSTICS
 *	Returns the exit status: 0 when the new policy is in force, 1 when the
 *	daemon kept the old one, 2 when there is no answer: no pid file, no
 *	such process, no status file from that process (a daemon started
 *	without -P), the daemon exited, or the timeout passed.
 */
#ifndef RELOAD_CLIENT_H
#define RELOAD_CLIENT_H

#define RELOAD_CLIENT_TIMEOUT 30

int reload_client_run(const char *pidfile);

#endif
