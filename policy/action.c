/*
 * action.c -- decisions in words: action names, rollout percentages
 *
 * DESCRIPTION
 *	One table serves the loader (which action a rule names), the daemon's
 *	header and log line, and the report tool reading those lines back.
 *	policy_percent_text() writes a rollout percentage as the log line
 *	and the report show it: 2500 basis points are "25", 250 "2.5".
 */
#include <stdio.h>

#include "compiled.h"

const char *const policy_action_names[ACTION_COUNT + 1] = {
    [ACTION_ACCEPT] = "accept", [ACTION_TAG] = "tag",         [ACTION_DEFER] = "defer",
    [ACTION_REJECT] = "reject", [ACTION_REROUTE] = "reroute", [ACTION_HOLD] = "hold",
    [ACTION_COUNT] = NULL,
};

const char *
policy_action_name(enum policy_action action)
{
	return (unsigned)action < ACTION_COUNT ? policy_action_names[action] : "unknown";
}

const char *
policy_percent_text(char *out, size_t size, int basis_points)
{
	int frac = basis_points % 100;

	if (frac == 0)
		snprintf(out, size, "%d", basis_points / 100);
	else if (frac % 10 == 0)
		snprintf(out, size, "%d.%d", basis_points / 100, frac / 10);
	else
		snprintf(out, size, "%d.%02d", basis_points / 100, frac);
	return out;
}
