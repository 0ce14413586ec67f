/*
 * logline.c -- parse one milter-tlspolicy log line, in place (see logline.h)
 *
 * The hot path of the report: a hand-written scanner, no regular
 * expressions, no sscanf(), no allocation. Keys normally come in the
 * documented order, so each key is first compared with the one expected
 * next and only looked up in the table when that fails.
 */
#include "config.h"

#include <string.h>

#include "logline.h"

#define IDENT     "milter-tlspolicy"
#define IDENT_LEN (sizeof(IDENT) - 1)

/* Keys without which a line cannot be counted, and what to say then. */
static const struct {
	enum log_key key;
	const char *why;
} required_keys[] = {
    {LK_CLIENT, "missing client="},     {LK_HELO, "missing helo="},
    {LK_LISTENER, "missing listener="}, {LK_AUTH, "missing auth="},
    {LK_TLS, "missing tls="},           {LK_CIPHER, "missing cipher="},
    {LK_RULE, "missing rule="},         {LK_ACTION, "missing action="},
};

int
logline_key_index(const char *key, size_t len)
{
	int k = log_key_find(key, len);

	return k < LK_COUNT ? k : -1;
}

int
action_index(const char *name, size_t len)
{
	for (int i = 0; i < ACTION_COUNT; i++)
		if (strlen(policy_action_name((enum policy_action)i)) == len &&
		    memcmp(policy_action_name((enum policy_action)i), name, len) == 0)
			return i;
	return -1;
}

static int
field_is(const struct logfield *f, const char *s)
{
	return f->len == strlen(s) && memcmp(f->s, s, f->len) == 0;
}

/* contains_ident - does a line we cannot otherwise read look like ours? */
static int
contains_ident(const char *s, size_t len)
{
	const char *p = s, *end = s + len;

	while ((p = memchr(p, 'm', (size_t)(end - p))) != NULL) {
		if ((size_t)(end - p) > IDENT_LEN && memcmp(p, IDENT, IDENT_LEN) == 0 &&
		    (p[IDENT_LEN] == '[' || p[IDENT_LEN] == ':'))
			return 1;
		p++;
	}
	return 0;
}

/*
 * syslog_header - after the time stamp: " HOST milter-tlspolicy[PID]: ".
 * Returns the start of the message, or NULL when the line is not ours.
 */
static char *
syslog_header(char *p, char *end, struct logrec *rec)
{
	char *host;

	while (p < end && *p == ' ')
		p++;
	host = p;
	while (p < end && *p != ' ')
		p++;
	if (p == host || p >= end)
		return NULL;
	rec->host.s = host;
	rec->host.len = (size_t)(p - host);
	*p++ = '\0';
	if ((size_t)(end - p) < IDENT_LEN + 2 || memcmp(p, IDENT, IDENT_LEN) != 0)
		return NULL;
	p += IDENT_LEN;
	if (*p == '[') {
		while (p < end && *p != ']')
			p++;
		if (p == end)
			return NULL;
		p++;
	}
	if (end - p < 2 || p[0] != ':' || p[1] != ' ')
		return NULL;
	return p + 2;
}

/*
 * queue_id - "QUEUEID: key=...": returns the start of the first key, or
 * NULL for the daemon's other messages (start-up, warnings), whose first
 * word after the colon is not a key=value. The queue id is the first word
 * without its last ':' (the daemon writes it without spaces; it may hold
 * a ':' itself).
 */
static char *
queue_id(char *p, char *end, struct logrec *rec)
{
	char *q = p, *k;

	while (q < end && *q != ' ')
		q++;
	if (q - p < 2 || end - q < 3 || q[-1] != ':')
		return NULL;
	for (k = q + 1; k < end && *k != '=' && *k != ' '; k++)
		;
	if (k == q + 1 || k >= end || *k != '=')
		return NULL;
	rec->queue_id.s = p;
	rec->queue_id.len = (size_t)(q - 1 - p);
	q[-1] = '\0';
	return q + 1;
}

/*
 * The daemon's own messages (msg.h: a level label or one of its info
 * messages) and libmilter's (they start with the filter name or a libmilter
 * function name). Any other line of ours that is not a transaction line is
 * malformed.
 */
static const char *const known_prefixes[] = {
    /* msg.h's level labels */
    "warning: ", "error: ", "fatal: ", "panic: ", "debug: ", "info: ",
    /* its info messages */
    "started: ", "stopped", "log file ", "descriptors available again", "metrics: ",
    /* libmilter's */
    "milter-tlspolicy: ", "smfi_", "mi_",
};
static const char *const known_infixes[] = {
    ": stopping",
    ": policy reloaded: ",
};

static int
known_message(const char *p, const char *end)
{
	size_t len = (size_t)(end - p);

	for (size_t i = 0; i < sizeof(known_prefixes) / sizeof(known_prefixes[0]); i++)
		if (len >= strlen(known_prefixes[i]) &&
		    memcmp(p, known_prefixes[i], strlen(known_prefixes[i])) == 0)
			return 1;
	for (size_t i = 0; i < sizeof(known_infixes) / sizeof(known_infixes[0]); i++)
		if (memmem(p, len, known_infixes[i], strlen(known_infixes[i])) != NULL)
			return 1;
	return 0;
}

/*
 * quoted_value - unquote "..." in place (\" and \\), NUL-terminate it.
 * Returns the end of the value in the line, or NULL for bad quoting.
 */
static char *
quoted_value(char *p, char *end, struct logfield *f)
{
	char *w = p, *r = p + 1;

	for (; r < end && *r != '"'; r++) {
		if (*r == '\\') {
			if (r + 1 >= end || (r[1] != '"' && r[1] != '\\'))
				return NULL;
			r++;
		}
		*w++ = *r;
	}
	if (r >= end || (r + 1 < end && r[1] != ' '))
		return NULL;
	*w = '\0';
	f->s = p;
	f->len = (size_t)(w - p);
	return r + 1;
}

/* key_values - scan key=value words; returns NULL or what went wrong */
static const char *
key_values(char *p, char *end, struct logrec *rec, unsigned *seen)
{
	int expect = 0;

	while (p < end) {
		char *key = p;
		int k;

		while (p < end && *p != '=' && *p != ' ')
			p++;
		if (p >= end || *p != '=')
			return "word without '='";
		if (expect < LK_COUNT && log_key_lengths[expect] == (size_t)(p - key) &&
		    memcmp(log_key_names[expect], key, (size_t)(p - key)) == 0)
			k = expect;
		else
			k = logline_key_index(key, (size_t)(p - key));
		p++;
		if (k >= 0) {
			struct logfield *f = &rec->v[k];

			if (p < end && *p == '"') {
				if ((p = quoted_value(p, end, f)) == NULL)
					return "bad quoting";
			} else {
				f->s = p;
				while (p < end && *p != ' ')
					p++;
				f->len = (size_t)(p - f->s);
				*p = '\0'; /* line[len] is writable */
				p += p < end;
			}
			*seen |= 1u << k;
			expect = k + 1;
		} else if (p < end && *p == '"') {
			struct logfield ignored;

			if ((p = quoted_value(p, end, &ignored)) == NULL)
				return "bad quoting";
		} else {
			while (p < end && *p != ' ')
				p++;
		}
		while (p < end && *p == ' ')
			p++;
	}
	return NULL;
}

/* split_client - NAME[ADDR] into its two parts */
static int
split_client(struct logrec *rec)
{
	char *s = (char *)rec->v[LK_CLIENT].s;
	size_t len = rec->v[LK_CLIENT].len;
	char *open;

	if (len == 1 && s[0] == '-') {
		rec->client_name = rec->client_addr = rec->v[LK_CLIENT];
		return 0;
	}
	/* The writer keeps '[' out of the name: the first '[' opens the address. */
	if (len < 3 || s[len - 1] != ']' || (open = memchr(s, '[', len)) == NULL)
		return -1;
	*open = '\0';
	s[len - 1] = '\0';
	rec->client_name.s = s;
	rec->client_name.len = (size_t)(open - s);
	rec->client_addr.s = open + 1;
	rec->client_addr.len = len - 2 - rec->client_name.len;
	if (rec->client_name.len == 0 || rec->client_addr.len == 0)
		return -1;
	return 0;
}

static const char *
decode_values(struct logrec *rec, unsigned seen)
{
	const struct logfield *tls = &rec->v[LK_TLS];
	int a;

	for (size_t i = 0; i < sizeof(required_keys) / sizeof(required_keys[0]); i++)
		if ((seen & (1u << required_keys[i].key)) == 0)
			return required_keys[i].why;
	if (split_client(rec) < 0)
		return "bad client=NAME[ADDR]";
	if (field_is(tls, "none") || field_is(tls, "-"))
		rec->tls = TLS_VERSION_NONE;
	else if ((rec->tls = tls_version_parse(tls->s)) == TLS_VERSION_UNKNOWN &&
	         !field_is(tls, "unknown"))
		return "unknown tls= version";
	rec->aborted = field_is(&rec->v[LK_ACTION], "abort");
	if (rec->aborted) /* no decision carried out; every view checks aborted first */
		a = ACTION_ACCEPT;
	else if ((a = action_index(rec->v[LK_ACTION].s, rec->v[LK_ACTION].len)) < 0)
		return "unknown action=";
	rec->action = (enum policy_action)a;
	rec->report_only = field_is(&rec->v[LK_MODE], "report-only");
	return NULL;
}

enum logline_kind
logline_parse(char *line, size_t len, struct logtime_ref *ref, struct logrec *rec, const char **why)
{
	static const struct logfield dash = {"-", 1};
	char *end = line + len, *p, *msg;
	unsigned seen = 0;

	if ((p = (char *)logtime_parse(line, end, ref, &rec->time)) == NULL) {
		*why = "bad time stamp";
		return contains_ident(line, len) ? LOGLINE_MALFORMED : LOGLINE_OTHER;
	}
	if ((msg = syslog_header(p, end, rec)) == NULL)
		return LOGLINE_OTHER;
	if ((p = queue_id(msg, end, rec)) == NULL) {
		*why = "neither a transaction line nor a known message of the daemon";
		return known_message(msg, end) ? LOGLINE_DAEMON : LOGLINE_MALFORMED;
	}
	for (int i = 0; i < LK_COUNT; i++)
		rec->v[i] = dash;
	rec->aborted = 0;
	if ((*why = key_values(p, end, rec, &seen)) != NULL)
		return LOGLINE_MALFORMED;
	if ((seen & (1u << LK_RULE)) == 0 || (seen & (1u << LK_ACTION)) == 0) {
		*why = (seen & (1u << LK_RULE)) == 0 ? "missing rule=" : "missing action=";
		return LOGLINE_MALFORMED;
	}
	if (field_is(&rec->v[LK_RULE], "-") && field_is(&rec->v[LK_ACTION], "-"))
		return LOGLINE_FAILURE;
	if ((*why = decode_values(rec, seen)) != NULL)
		return LOGLINE_MALFORMED;
	return LOGLINE_RECORD;
}
