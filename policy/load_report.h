/*
 * load_report.h -- load a policy and report its errors: the one place
 *
 * SYNOPSIS
 *	struct policy *policy_load_report(const char *path, enum load_report how);
 *
 * DESCRIPTION
 *	policy_load() plus the error report every caller needs: the
 *	daemon at start-up and on reload, milter-tlspolicy -n and -t, and
 *	tlspolicy-report --policy all load through this function.
 *
 *	It returns the policy, or NULL after reporting every error line
 *	("FILE:LINE:COL: message"), or "FILE: cannot load the policy" when
 *	the loader gave no reason. how says where the lines go:
 *	LOAD_REPORT_STDERR prints each as it is on standard error (a checking
 *	command's output: -n, -t, tlspolicy-report), LOAD_REPORT_LOG passes
 *	each to msg_error() (the daemon: syslog once detached).
 */
#ifndef LOAD_REPORT_H
#define LOAD_REPORT_H

#include "policy.h"

enum load_report {
	LOAD_REPORT_STDERR, /* bare lines on standard error */
	LOAD_REPORT_LOG     /* msg_error(), with the program's name */
};

struct policy *policy_load_report(const char *path, enum load_report how);

#endif
