/*
 * NAME
 *	test_report_notices -- CUnit tests for tlspolicy-report notices
 *
 * DESCRIPTION
 *	The rollout date of each client, computed by replay_outlook() (the
 *	policy library's policy_decide(), day by day), cross-checked against
 *	the daemon binary for 200 clients: "milter-tlspolicy -t '...
 *	date=D'" says defer on that date and accept the day before.
 *
 *	The mail helpers: plain addresses only (no header injection),
 *	folded and RFC 2047-encoded headers, 8bit and quoted-printable
 *	bodies, RFC 5322 dates.
 *
 *	notices_main() end to end on a small log (plain and gzip, two
 *	hosts) into a directory: exactly the expected files, recipients,
 *	headers and content; no notice for a user who only used TLS 1.2;
 *	--domain and --postmaster; templates; a failing --sendmail-command
 *	is an error.
 *
 * DIAGNOSTICS
 *	Exit status 0 when every assertion held, 1 otherwise.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <CUnit/Basic.h>

#include "policy_fixture.h"

#include "intern.h"
#include "logline.h"
#include "notice_mail.h"
#include "notices.h"
#include "replay.h"

#ifndef MILTER_TLSPOLICY_BIN
#define MILTER_TLSPOLICY_BIN "../milter/milter-tlspolicy"
#endif

#define NCLIENTS 200

static const char rollout_policy[] =
    "version: 1\n"
    "settings:\n"
    "  sticky_secret: \"notice-test\"\n"
    "rules:\n"
    "  - name: modern\n"
    "    match: { tls: \">= TLSv1.2\" }\n"
    "    action: accept\n"
    "  - name: legacy\n"
    "    match: { tls: [TLSv1, TLSv1.1] }\n"
    "    action: defer\n"
    "    reply: { code: 421, xcode: 4.7.66, text: \"TLS 1.0 and 1.1 are not supported\" }\n"
    "    rollout:\n"
    "      select: per-client\n"
    "      steps:\n"
    "        - { from: 2027-01-01, percent: 1 }\n"
    "        - { from: 2027-01-15, percent: 5 }\n"
    "        - { from: 2027-02-01, percent: 25 }\n"
    "        - { from: 2027-03-01, percent: 60 }\n"
    "        - { from: 2027-04-01, percent: 100 }\n"
    "default: { action: accept }\n";

static struct logfield
fld(const char *s)
{
	struct logfield f = {s, strlen(s)};

	return f;
}

/* sample - a logged session of one client, as the notices keep it */
static void
sample(struct logrec *rec, const char *addr, const char *auth)
{
	memset(rec, 0, sizeof(*rec));
	for (int k = 0; k < LK_COUNT; k++)
		rec->v[k] = fld("-");
	rec->client_name = fld("unknown");
	rec->client_addr = fld(addr);
	rec->v[LK_AUTH] = fld(auth);
	rec->v[LK_TLS] = fld("TLSv1");
	rec->v[LK_LISTENER] = fld("smtpd");
	rec->v[LK_CIPHER] = fld("AES128-SHA");
	rec->tls = TLS_VERSION_1_0;
}

/* daemon_action - what "milter-tlspolicy -t" says for a session on a date */
static char *
daemon_action(const char *policy, const char *addr, const char *auth, int date, char *out,
              size_t size)
{
	char cmd[1024], line[512];
	FILE *fp;

	snprintf(cmd, sizeof(cmd),
	         "%s -c %s -t 'client=%s tls=TLSv1 cipher=AES128-SHA listener=smtpd auth=%s "
	         "date=%04d-%02d-%02d'",
	         MILTER_TLSPOLICY_BIN, policy, addr, auth, date / 10000, date / 100 % 100,
	         date % 100);
	snprintf(out, size, "?");
	if ((fp = popen(cmd, "r")) == NULL)
		return out;
	while (fgets(line, sizeof(line), fp) != NULL)
		if (strncmp(line, "action: ", 8) == 0)
			snprintf(out, size, "%.*s", (int)strcspn(line + 8, "\n"), line + 8);
	pclose(fp);
	return out;
}

/*
 * For 200 clients, the first day the per-client rollout selects them
 * (replay_outlook) is the day the daemon defers them, and the day before
 * it accepts them.
 */
static void
test_rollout_dates_match_daemon(void)
{
	const char *policy = fixture_write("rollout.yaml", rollout_policy);
	struct replay *rp = replay_open(policy, 20261201);
	int per_step[8] = {0};
	int mismatches = 0;

	CU_ASSERT_PTR_NOT_NULL_FATAL(rp);
	CU_ASSERT_EQUAL_FATAL(access(MILTER_TLSPOLICY_BIN, X_OK), 0);
	for (int i = 0; i < NCLIENTS; i++) {
		struct outlook_step steps[8];
		struct logrec rec;
		char addr[64], user[32], before[32], on[32];
		const char *auth = "-";
		size_t n;
		int date = 0;

		snprintf(addr, sizeof(addr), "10.%d.%d.%d", i % 7, i / 7 % 200, i % 251);
		if (i % 5 == 0) { /* authenticated: the user decides the draw */
			snprintf(user, sizeof(user), "user%d@example.org", i);
			auth = user;
		}
		sample(&rec, addr, auth);
		n = replay_outlook(rp, &rec, 3660, steps, 8);
		for (size_t s = 0; s < n; s++)
			if (steps[s].d.action == ACTION_DEFER) {
				date = steps[s].date;
				break;
			}
		CU_ASSERT(date >= 20270101 && date <= 20270401);
		if (date == 0)
			continue;
		per_step[date == 20270101   ? 0
		         : date == 20270115 ? 1
		         : date == 20270201 ? 2
		         : date == 20270301 ? 3
		                            : 4]++;
		daemon_action(policy, addr, auth, replay_date_add(date, -1), before,
		              sizeof(before));
		daemon_action(policy, addr, auth, date, on, sizeof(on));
		if (strcmp(before, "accept") != 0 || strcmp(on, "defer") != 0) {
			mismatches++;
			fprintf(stderr,
			        "\n%s auth=%s: report says %d, daemon: day before %s, on %s\n",
			        addr, auth, date, before, on);
		}
	}
	CU_ASSERT_EQUAL(mismatches, 0);
	/* the 200 clients spread over the steps (roughly 1, 4, 20, 35, 40 %) */
	CU_ASSERT(per_step[2] > 10 && per_step[3] > 30 && per_step[4] > 40);
	replay_close(rp);
}

static void
test_addresses(void)
{
	static const char *const good[] = {
	    "alice@example.org",
	    "a.b+c@mail.example.net",
	    "x_y-z@sub-1.example.co.uk",
	    "o'neil@example.com",
	};
	static const char *const bad[] = {
	    "",
	    "alice",
	    "@example.org",
	    "alice@",
	    "alice@example",
	    "a..b@example.org",
	    ".a@example.org",
	    "a@-x..org",
	    "alice@example.org\r\nBcc: eve@example.org",
	    "alice@example.org, eve@example.org",
	    "<alice@example.org>",
	    "\"a b\"@example.org",
	    "al ice@example.org",
	    "alice@exa_mple.org",
	    "caf\xc3\xa9@example.org",
	};

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CU_ASSERT(mail_address_valid(good[i]));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		CU_ASSERT(!mail_address_valid(bad[i]));
		if (mail_address_valid(bad[i]))
			fprintf(stderr, "\naccepted: %s\n", bad[i]);
	}
}

/* every line of a header block within 78 columns where blanks allow; no injected line */
static void
test_headers(void)
{
	struct strbuf sb;
	char date[64];
	const char *p;

	strbuf_init(&sb);
	mail_header(&sb, "Subject",
	            "Action needed: outdated encryption (TLS) used by someone with a rather long "
	            "name that will not fit on one line of a header at all");
	for (p = sb.s; *p;) {
		size_t n = strcspn(p, "\n");

		CU_ASSERT(n <= 78);
		if (p != sb.s)
			CU_ASSERT(*p == ' ');
		p += n + (p[n] == '\n');
	}
	strbuf_reset(&sb);
	mail_header(&sb, "Subject", "hello\r\nBcc: eve@example.org\nX: y");
	CU_ASSERT_STRING_EQUAL(sb.s, "Subject: hello??Bcc: eve@example.org?X: y\n");
	strbuf_reset(&sb);
	mail_header(&sb, "Subject", "Caf\xc3\xa9 \xe2\x82\xac");
	CU_ASSERT_STRING_EQUAL(sb.s, "Subject: =?utf-8?B?Q2Fmw6kg4oKs?=\n");
	strbuf_reset(&sb);
	mail_header(&sb, "Subject", "bad \xff byte");
	CU_ASSERT_STRING_EQUAL(sb.s, "Subject: bad ? byte\n");
	strbuf_reset(&sb);
	{ /* a long non-ASCII value: several encoded words, each within 75, split between characters
	   */
		char v[400];

		for (size_t i = 0; i < 150; i++)
			memcpy(v + 2 * i, "\xc3\xa9", 2);
		v[300] = '\0';
		mail_header(&sb, "Subject", v);
		for (p = sb.s; *p;) {
			size_t n = strcspn(p, "\n");

			CU_ASSERT(n <= 78);
			p += n + (p[n] == '\n');
		}
		CU_ASSERT(strstr(sb.s, "\n =?utf-8?B?") != NULL);
	}
	strbuf_free(&sb);
	mail_date(date, sizeof(date), 1796581630);
	CU_ASSERT_STRING_EQUAL(date, "Sun, 06 Dec 2026 18:27:10 +0000");
}

static void
test_body(void)
{
	struct strbuf sb;
	char *longline = malloc(2001);

	strbuf_init(&sb);
	CU_ASSERT_STRING_EQUAL(mail_body(&sb, "Hello caf\xc3\xa9\n"), "8bit");
	CU_ASSERT_STRING_EQUAL(sb.s, "Hello caf\xc3\xa9\n");
	strbuf_reset(&sb);
	memset(longline, 'x', 2000);
	longline[2000] = '\0';
	longline[10] = '=';
	CU_ASSERT_STRING_EQUAL(mail_body(&sb, longline), "quoted-printable");
	CU_ASSERT(strstr(sb.s, "=3D") != NULL);
	for (const char *p = sb.s; *p;) {
		size_t n = strcspn(p, "\n");

		CU_ASSERT(n <= 76);
		p += n + (p[n] == '\n');
	}
	free(longline);
	strbuf_free(&sb);
}

/* ---- notices_main() on a small log ---- */

#define LINE(stamp, host, client, helo, listener, auth, tls, cipher)                               \
	stamp " " host " milter-tlspolicy[1]: Q1: client=" client " helo=" helo                    \
	      " listener=" listener " port=587 auth=" auth " tls=" tls " cipher=" cipher           \
	      " bits=256 verify=- from=<a@b.example> nrcpt=1 rule=r action=accept mode=enforce"    \
	      " selected=- percent=- skipped=- reply=- relay=-\n"

static const char log_mx1[] = LINE("2026-11-24T08:00:00Z", "mx1", "printer7.example.com[192.0.2.7]",
                                   "scan7", "legacy-in", "-", "TLSv1", "DES-CBC3-SHA")
    LINE("2026-11-25T09:00:00Z", "mx1", "laptop.example.net[198.51.100.4]", "laptop", "submission",
         "alice", "TLSv1.1", "ECDHE-RSA-AES256-SHA")
        LINE("2026-11-25T10:00:00Z", "mx1", "unknown[203.0.113.9]", "phone", "submission",
             "bob@example.org", "TLSv1", "AES128-SHA")
            LINE("2026-11-25T11:00:00Z", "mx1", "unknown[203.0.113.10]", "modern", "submission",
                 "carol", "TLSv1.3", "TLS_AES_256_GCM_SHA384")
                LINE("2026-11-25T11:30:00Z", "mx1", "unknown[203.0.113.11]", "plain", "submission",
                     "dave", "none", "-");
static const char log_mx2[] = LINE("2026-11-26T08:00:00Z", "mx2", "printer7.example.com[192.0.2.7]",
                                   "scan7b", "legacy-in", "-", "TLSv1", "DES-CBC3-SHA")
    LINE("2026-11-26T09:00:00Z", "mx2", "laptop.example.net[198.51.100.4]", "laptop", "submission",
         "alice", "TLSv1", "AES128-SHA");

static char outdir[600];

static char *
slurp(const char *path)
{
	FILE *fp = fopen(path, "r");
	char *buf = calloc(1, 65536);

	if (fp != NULL) {
		size_t n = fread(buf, 1, 65535, fp);

		buf[n] = '\0';
		fclose(fp);
	}
	return buf;
}

/* files - the names in outdir, sorted, joined by spaces */
static void
files(char *out, size_t size)
{
	struct dirent **list;
	int n = scandir(outdir, &list, NULL, alphasort);

	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (list[i]->d_name[0] != '.') {
			strncat(out, list[i]->d_name, size - strlen(out) - 2);
			strcat(out, " ");
		}
		free(list[i]);
	}
	free(list);
}

static void
clean_outdir(void)
{
	char cmd[700];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", outdir);
	CU_ASSERT_EQUAL(system(cmd), 0);
}

static int
run_notices(const char *const *args)
{
	char *argv[32];
	int argc = 0;
	FILE *saved;
	int rc;

	for (; args[argc] != NULL && argc < 31; argc++)
		argv[argc] = (char *)args[argc];
	argv[argc] = NULL;
	fflush(stdout);
	saved = stdout;
	stdout = fopen("/dev/null", "w"); /* the list of files written */
	rc = notices_main(argc, argv);
	fclose(stdout);
	stdout = saved;
	return rc;
}

/* notices_to_outdir - "notices OPTS --output outdir MX1 GZ"; the files written into names */
static int
notices_to_outdir(const char *const *opts, const char *mx1, const char *gz, char *names,
                  size_t size)
{
	const char *args[32] = {"notices"};
	int n = 1, rc;

	for (; *opts != NULL && n < 27; opts++)
		args[n++] = *opts;
	args[n++] = "--output";
	args[n++] = outdir;
	args[n++] = mx1;
	args[n++] = gz;
	args[n] = NULL;
	rc = run_notices(args);
	files(names, size);
	return rc;
}

static void
test_notices_files(void)
{
	char mx1[400], mx2[400], policy[400]; /* fixture_write() reuses its buffer */
	char gz[600], cmd[1300], names[1024], path[1024];
	char *m;

	snprintf(mx1, sizeof(mx1), "%s", fixture_write("mx1.log", log_mx1));
	snprintf(mx2, sizeof(mx2), "%s", fixture_write("mx2.log", log_mx2));
	snprintf(policy, sizeof(policy), "%s", fixture_write("rollout.yaml", rollout_policy));
	snprintf(outdir, sizeof(outdir), "%s.out", mx1);
	snprintf(gz, sizeof(gz), "%s.gz", mx2);
	snprintf(cmd, sizeof(cmd), "gzip -c '%s' > '%s'", mx2, gz);
	CU_ASSERT_EQUAL_FATAL(system(cmd), 0);
	{
		const char *opts[] = {"--from",
		                      "postmaster@example.net",
		                      "--domain",
		                      "example.net",
		                      "--postmaster",
		                      "pm@example.net",
		                      "--policy",
		                      policy,
		                      "--as-of",
		                      "2026-12-01",
		                      NULL};

		CU_ASSERT_EQUAL(notices_to_outdir(opts, mx1, gz, names, sizeof(names)), 0);
	}
	/* carol (TLS 1.3 only) and dave (plaintext only) get nothing */
	CU_ASSERT_STRING_EQUAL(names, "0001-alice@example.net.eml 0002-bob@example.org.eml "
	                              "0003-pm@example.net.eml ");
	snprintf(path, sizeof(path), "%s/0001-alice@example.net.eml", outdir);
	m = slurp(path);
	CU_ASSERT(strncmp(m, "Date: ", 6) == 0);
	CU_ASSERT(strstr(m, "\nFrom: postmaster@example.net\n") != NULL);
	CU_ASSERT(strstr(m, "\nTo: alice@example.net\n") != NULL);
	CU_ASSERT(
	    strstr(m, "\nSubject: Action needed: outdated encryption (TLS) used by alice\n") !=
	    NULL);
	CU_ASSERT(strstr(m, "\nMessage-ID: <tlspolicy-notice.") != NULL);
	CU_ASSERT(strstr(m, "\nMIME-Version: 1.0\n") != NULL);
	CU_ASSERT(strstr(m, "\nContent-Type: text/plain; charset=utf-8\n") != NULL);
	CU_ASSERT(strstr(m, "\nContent-Transfer-Encoding: 8bit\n") != NULL);
	CU_ASSERT(strstr(m, "\nAuto-Submitted: auto-generated\n\n") != NULL);
	CU_ASSERT(strstr(m, "Address:    198.51.100.4\n") != NULL);
	CU_ASSERT(strstr(m, "PTR name:   laptop.example.net\n") != NULL);
	CU_ASSERT(strstr(m, "HELO:       laptop\n") != NULL);
	CU_ASSERT(strstr(m, "TLSv1: 1 transaction, TLSv1.1: 1 transaction") != NULL);
	CU_ASSERT(strstr(m, "First seen: 2026-11-25 09:00 UTC\n") != NULL);
	CU_ASSERT(strstr(m, "Last seen:  2026-11-26 09:00 UTC\n") != NULL);
	CU_ASSERT(strstr(m, "the mail service (mx1, mx2)") != NULL);
	CU_ASSERT(strstr(m, "TLS 1.0 and TLS 1.1") != NULL);
	CU_ASSERT(strstr(m, "now: accepted") != NULL);
	CU_ASSERT(strstr(m, ": deferred") != NULL);
	free(m);
	snprintf(path, sizeof(path), "%s/0003-pm@example.net.eml", outdir);
	m = slurp(path);
	CU_ASSERT(strstr(m, "\nTo: pm@example.net\n") != NULL);
	CU_ASSERT(strstr(m, "Address:    192.0.2.7\n") != NULL);
	CU_ASSERT(strstr(m, "HELO:       scan7, scan7b\n") != NULL ||
	          strstr(m, "HELO:       scan7b, scan7\n") != NULL);
	CU_ASSERT(strstr(m, "198.51.100.4") == NULL); /* alice's laptop is hers, not anonymous */
	free(m);
	clean_outdir();

	/* without --domain, alice (no '@') is skipped; with --include-plaintext dave needs it too
	 */
	{
		const char *opts[] = {"--from", "postmaster@example.net", "--include-plaintext",
		                      NULL};

		CU_ASSERT_EQUAL(notices_to_outdir(opts, mx1, gz, names, sizeof(names)), 0);
	}
	CU_ASSERT_STRING_EQUAL(names, "0001-bob@example.org.eml ");
	clean_outdir();
	{
		const char *opts[] = {"--from",      "postmaster@example.net", "--domain",
		                      "example.net", "--include-plaintext",    NULL};

		CU_ASSERT_EQUAL(notices_to_outdir(opts, mx1, gz, names, sizeof(names)), 0);
	}
	CU_ASSERT_STRING_EQUAL(names, "0001-alice@example.net.eml 0002-bob@example.org.eml "
	                              "0003-dave@example.net.eml ");
	clean_outdir();
}

static void
test_templates_and_errors(void)
{
	char mx1[400], tmpl[400], bad[400], path[1024], names[1024];
	char *m;

	snprintf(mx1, sizeof(mx1), "%s", fixture_write("mx1.log", log_mx1));
	snprintf(tmpl, sizeof(tmpl), "%s",
	         fixture_write("t.txt", "Subject: TLS for {{user}} ({{count}})\n\n"
	                                "Dear {{user}} <{{recipient}}>,\n{{clients}}"
	                                "Versions: {{versions}}\n"));
	snprintf(bad, sizeof(bad), "%s", fixture_write("bad.txt", "Hello {{nosuch}}\n"));
	snprintf(outdir, sizeof(outdir), "%s.tmpl", mx1);
	{
		const char *args[] = {"notices",    "--from", "pm@example.net",
		                      "--template", tmpl,     "--output",
		                      outdir,       mx1,      NULL};

		CU_ASSERT_EQUAL(run_notices(args), 0);
	}
	snprintf(path, sizeof(path), "%s/0001-bob@example.org.eml", outdir);
	m = slurp(path);
	CU_ASSERT(strstr(m, "\nSubject: TLS for bob@example.org (1)\n") != NULL);
	CU_ASSERT(strstr(m, "\n\nDear bob@example.org <bob@example.org>,\n") != NULL);
	CU_ASSERT(strstr(m, "Versions: TLS 1.0\n") != NULL);
	free(m);
	clean_outdir();
	{
		const char *args[] = {"notices",    "--from", "pm@example.net",
		                      "--template", bad,      "--output",
		                      outdir,       mx1,      NULL};

		CU_ASSERT_EQUAL(run_notices(args), 1);
	}
	{ /* a bad --from, and neither or both of --output and --sendmail */
		const char *a1[] = {"notices",  "--from", "pm@example.net\nBcc: x@y.org",
		                    "--output", outdir,   mx1,
		                    NULL};
		const char *a2[] = {"notices", "--from", "pm@example.net", mx1, NULL};
		const char *a3[] = {"notices",  "--from", "pm@example.net",
		                    "--output", outdir,   "--sendmail",
		                    mx1,        NULL};

		CU_ASSERT_EQUAL(run_notices(a1), 1);
		CU_ASSERT_EQUAL(run_notices(a2), 1);
		CU_ASSERT_EQUAL(run_notices(a3), 1);
	}
	{ /* a sendmail that fails: counted, exit 2; one that works: 0 */
		const char *a1[] = {"notices",
		                    "--from",
		                    "pm@example.net",
		                    "--sendmail-command",
		                    "cat >/dev/null; exit 75",
		                    mx1,
		                    NULL};
		char cmd[1200];
		const char *a2[] = {"notices",  "--from",      "pm@example.net",
		                    "--domain", "example.net", "--sendmail-command",
		                    cmd,        mx1,           NULL};

		CU_ASSERT_EQUAL(run_notices(a1), 2);
		mkdir(outdir, 0755);
		snprintf(cmd, sizeof(cmd), "cat >> '%s/sent'", outdir);
		CU_ASSERT_EQUAL(run_notices(a2), 0);
		snprintf(path, sizeof(path), "%s/sent", outdir);
		m = slurp(path);
		CU_ASSERT(strstr(m, "\nTo: alice@example.net\n") != NULL);
		CU_ASSERT(strstr(m, "\nTo: bob@example.org\n") != NULL);
		free(m);
	}
	files(names, sizeof(names));
	CU_ASSERT_STRING_EQUAL(names, "sent ");
	clean_outdir();
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"rollout dates against milter-tlspolicy -t", test_rollout_dates_match_daemon},
	    {"mail addresses", test_addresses},
	    {"headers", test_headers},
	    {"bodies", test_body},
	    {"notices into a directory", test_notices_files},
	    {"templates, bad options, sendmail status", test_templates_and_errors},
	    {NULL, NULL},
	};
	int status;

	setenv("TZ", "UTC", 1);
	status = fixture_run("report_notices", tests);
	intern_free_all();
	return status;
}
