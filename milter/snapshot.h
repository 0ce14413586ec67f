/*
 * snapshot.h -- the policy in force: refcounted, swapped atomically
 *
 * SYNOPSIS
 *	int snapshot_init(const char *path);
 *	struct snapshot *snapshot_acquire(void);
 *	void snapshot_release(struct snapshot *snapshot);
 *	int snapshot_reload(void);
 *	void snapshot_shutdown(void);
 *
 * DESCRIPTION
 *	A snapshot is one compiled, immutable policy. Each milter connection
 *	takes a reference when it starts (snapshot_acquire()) and keeps that
 *	policy until it closes (snapshot_release()), so a reload never changes
 *	the rules, or what was negotiated with the MTA, under a running
 *	session. The last reference frees the policy.
 *
 *	snapshot_init() loads the first policy; on failure it reports every
 *	error ("FILE:LINE:COL: message") with msg_error() and returns -1.
 *
 *	snapshot_reload() loads the file again. On success the new policy
 *	replaces the current one for new connections; on failure every error
 *	is logged and the current policy stays. It returns 0 or -1.
 *
 *	snapshot_shutdown() drops the current policy (at exit, after the last
 *	connection).
 */
#ifndef SNAPSHOT_H
#define SNAPSHOT_H

#include "policy.h"

struct snapshot {
	struct policy *policy;
	const struct policy_settings *settings;
	unsigned generation; /* 1 for the first policy, +1 per reload */
	unsigned refs;       /* guarded by the snapshot lock */
};

int snapshot_init(const char *path);
struct snapshot *snapshot_acquire(void);
void snapshot_release(struct snapshot *snapshot);
int snapshot_reload(void);
void snapshot_shutdown(void);

#endif
