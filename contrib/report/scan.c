/*
 * scan.c -- read log files into an aggregate (see scan.h)
 */
#include "config.h"

#include <errno.h>
#include <string.h>

#include "linereader.h"
#include "logline.h"
#include "scan.h"

#define PROG "tlspolicy-report"

void
scan_init(struct scan *sc)
{
	memset(sc, 0, sizeof(*sc));
}

/* scan_line - count one input line */
static void
scan_line(struct scan *sc, struct aggregate *agg, const struct filter *f, struct linereader *lr,
          struct logtime_ref *ref, char *line, size_t len)
{
	struct logrec rec;
	struct tally *t;
	const char *why = NULL;

	sc->lines++;
	switch (logline_parse(line, len, ref, &rec, &why)) {
	case LOGLINE_RECORD:
		if (sc->replay != NULL)
			replay_record(sc->replay, &rec);
		if (!filter_match(f, &rec)) {
			sc->filtered++;
			break;
		}
		t = aggregate_add(agg, &rec);
		if (sc->on_record != NULL)
			sc->on_record(sc->arg, t, &rec);
		break;
	case LOGLINE_FAILURE:
		if (sc->failures++ == 0)
			snprintf(sc->first_failure, sizeof(sc->first_failure), "%s:%lu", lr->name,
			         lr->lineno);
		break;
	case LOGLINE_MALFORMED:
		if (sc->malformed++ == 0)
			snprintf(sc->first_bad, sizeof(sc->first_bad), "%s:%lu: %s", lr->name,
			         lr->lineno, why);
		break;
	case LOGLINE_DAEMON:
		sc->daemon++;
		break;
	case LOGLINE_OTHER:
		break;
	}
}

void
scan_file(struct scan *sc, struct aggregate *agg, const struct filter *f, const char *path)
{
	struct linereader lr;
	struct logtime_ref ref;
	char *line;
	size_t len;

	if (linereader_open(&lr, path) < 0) {
		fprintf(stderr, PROG ": cannot open %s: %s\n", path, strerror(errno));
		sc->status = 2;
		return;
	}
	logtime_ref_init(&ref, lr.mtime);
	while ((line = linereader_next(&lr, &len)) != NULL)
		scan_line(sc, agg, f, &lr, &ref, line, len);
	if (linereader_close(&lr) < 0) {
		fprintf(stderr, PROG ": cannot read %s: %s\n", lr.name, lr.error);
		sc->status = 2;
	}
}

void
scan_summary(const struct scan *sc, FILE *err)
{
	if (sc->malformed > 0)
		fprintf(err, PROG ": %lu malformed milter-tlspolicy line%s skipped (first: %s)\n",
		        sc->malformed, sc->malformed == 1 ? "" : "s", sc->first_bad);
	if (sc->failures > 0)
		fprintf(err,
		        PROG
		        ": %lu transaction%s tempfailed by the daemon after an internal failure, "
		        "not counted (first: %s; the daemon's log says why)\n",
		        sc->failures, sc->failures == 1 ? "" : "s", sc->first_failure);
}
