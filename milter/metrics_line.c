/*
 * metrics_line.c -- values of chosen keys in a transaction log line
 *
 * SYNOPSIS
 *	See metrics_line.h.
 *
 * DESCRIPTION
 *	One pass over the line, no allocation: the metrics count each line
 *	by the values it carries, so that they agree with the log.
 */
#include "config.h"

#include <string.h>

#include "metrics_line.h"

static size_t
key_index(const char *key, size_t len, const char *const *keys, size_t count)
{
	size_t i;

	for (i = 0; i < count; i++)
		if (keys[i][0] == key[0] && strncmp(keys[i], key, len) == 0 && keys[i][len] == '\0')
			break;
	return i;
}

/* Copy (or skip, out == NULL) one value; returns the text after it. */
static const char *
take_value(const char *p, char *out)
{
	size_t o = 0, len;

	if (*p != '"') {
		len = strcspn(p, " ");
		if (out != NULL) {
			o = len < METRICS_LINE_VALUE_MAX - 1 ? len : METRICS_LINE_VALUE_MAX - 1;
			memcpy(out, p, o);
			out[o] = '\0';
		}
		return p + len;
	}
	for (p++; *p != '\0' && *p != '"'; p++) {
		if (*p == '\\' && p[1] != '\0')
			p++;
		if (out != NULL && o < METRICS_LINE_VALUE_MAX - 1)
			out[o++] = *p;
	}
	if (out != NULL)
		out[o] = '\0';
	return *p == '"' ? p + 1 : p;
}

size_t
metrics_line_values(const char *line, const char *const *keys, size_t count,
                    char (*values)[METRICS_LINE_VALUE_MAX])
{
	const char *p = strchr(line, ' '); /* after "QID:" */
	size_t i, len, found = 0;

	for (i = 0; i < count; i++)
		strcpy(values[i], "-");
	while (p != NULL && *p != '\0' && found < count) {
		p += strspn(p, " ");
		len = strcspn(p, "= \"");
		if (p[len] != '=') {
			/* Not a key=value word: step over it, a quoted part whole. */
			p += len;
			if (*p == '"')
				p = take_value(p, NULL);
			continue;
		}
		i = key_index(p, len, keys, count);
		p = take_value(p + len + 1, i < count ? values[i] : NULL);
		found += i < count;
	}
	return found;
}
