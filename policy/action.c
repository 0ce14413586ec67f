/*
 * action.c -- the names of the policy actions
 *
 * DESCRIPTION
 *	One table serves the loader (which action a rule names), the daemon's
 *	header and log line, and the report tool reading those lines back.
 */
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
