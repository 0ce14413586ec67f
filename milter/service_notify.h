/*
 * service_notify.h -- tell systemd about start, reload and stop (sd_notify)
 *
 * SYNOPSIS
 *	int service_notify(const char *fmt, ...);
 *	unsigned long long service_notify_monotonic_usec(void);
 *
 * DESCRIPTION
 *	service_notify() formats newline-separated VARIABLE=VALUE assignments
 *	("READY=1\nSTATUS=started") and sends them as one datagram to the unix
 *	socket named by $NOTIFY_SOCKET, as sd_notify(3) documents: a name that
 *	starts with '@' is an abstract socket (the '@' stands for a NUL byte).
 *	Without $NOTIFY_SOCKET (not started by systemd, or Type= is not notify)
 *	it does nothing, so the daemon behaves the same under any supervisor.
 *
 *	The protocol is written here rather than taken from libsystemd: it is
 *	one sendto() of a documented, stable format, the daemon stays free of
 *	a systemd build and run-time dependency (RPM, non-systemd systems), and
 *	the unit's RestrictAddressFamilies= already allows AF_UNIX.
 *
 *	service_notify_monotonic_usec() is CLOCK_MONOTONIC in microseconds, for
 *	"MONOTONIC_USEC=" next to "RELOADING=1".
 *
 * DIAGNOSTICS
 *	service_notify() returns 0 (sent, or nothing to do), or -1 with errno
 *	set when $NOTIFY_SOCKET is set but unusable; the caller decides
 *	whether to log it.
 */
#ifndef SERVICE_NOTIFY_H
#define SERVICE_NOTIFY_H

int service_notify(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
unsigned long long service_notify_monotonic_usec(void);

#endif
