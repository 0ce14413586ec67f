/*
 * macro_milter.c -- throwaway test milter for the Sendmail harness self-test
 *
 * SYNOPSIS
 *	cc -o macro_milter macro_milter.c -lmilter -lpthread
 *	macro_milter -p SOCKET -o FILE [-s] [-q REASON] [-r SUFFIX]
 *	             [-t STAGE:CODE:XCODE:TEXT] [-x ADDRESS]
 *
 * DESCRIPTION
 *	Not milter-tlspolicy: a minimal libmilter program that shows what a
 *	Sendmail sends to a milter and what its clients see, so that the
 *	harness can be tested without the daemon under test.
 *
 *	-o FILE	append one line per callback to FILE:
 *		STAGE key="value" ...  for every macro of a fixed list that is
 *		defined at that stage (smfi_getsymval), plus the callback's own
 *		arguments (arg0="...", af=inet|inet6|unix, helo="...").
 *		Non-printable bytes, '"' and '\' are written as \xHH.
 *	-s	ask for the macro lists with smfi_setsymlist() in negotiation
 *		(the lists milter-tlspolicy uses), overriding the .cf lists.
 *	-q REASON  quarantine every message at end of message.
 *	-r SUFFIX  at end of message, replace each recipient R (as given to
 *		envrcpt) by <R-without-brackets SUFFIX> with
 *		ORCPT=rfc822;R (smfi_delrcpt + smfi_addrcpt_par): the
 *		recipient-suffix reroute method.
 *	-t STAGE:CODE:XCODE:TEXT  answer CODE XCODE TEXT (smfi_setreply) at
 *		STAGE (helo, mail, rcpt, data, eom): 4xx returns SMFIS_TEMPFAIL,
 *		5xx SMFIS_REJECT.
 *	-x ADDRESS  refuse that one recipient (RCPT TO:<ADDRESS>) with
 *		"550 5.1.1 refused by macro_milter", as another milter might.
 *
 * DIAGNOSTICS
 *	Errors go to standard error; the exit status is 1 on bad usage or
 *	when smfi_main() fails.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#include <libmilter/mfapi.h>

#define MAX_RCPTS 64

static const char *out_path;
static int use_symlist;
static const char *quarantine_reason;
static const char *rcpt_suffix;
static const char *fail_stage, *fail_code, *fail_xcode, *fail_text;
static const char *refused_rcpt;

static const char *const macro_names[] = {
    "v", "j", "_", "i", "{daemon_name}", "{daemon_addr}", "{daemon_port}", "{daemon_family}",
    "{if_name}", "{if_addr}", "{client_addr}", "{client_name}", "{client_port}", "{client_ptr}",
    "{client_resolve}", "{tls_version}", "{cipher}", "{cipher_bits}", "{cert_subject}",
    "{cert_issuer}", "{cn_subject}", "{cn_issuer}", "{verify}", "{auth_type}", "{auth_authen}",
    "{auth_ssf}", "{auth_author}", "{mail_mailer}", "{mail_host}", "{mail_addr}", "{rcpt_mailer}",
    "{rcpt_host}", "{rcpt_addr}", "{msg_id}", "{nrcpts}",
};

#define TLS_MACROS "{tls_version} {cipher} {cipher_bits} {cert_subject} {cert_issuer} {verify}"

struct priv {
	int nrcpt;
	char *rcpt[MAX_RCPTS];
};

static void
put_escaped(FILE *f, const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p != '\0'; p++) {
		if (*p < 0x20 || *p >= 0x7f || *p == '"' || *p == '\\')
			fprintf(f, "\\x%02X", *p);
		else
			fputc(*p, f);
	}
}

/* One line: STAGE, the extra key/value pairs, then every defined macro. */
static void
dump(SMFICTX *ctx, const char *stage, const char *k1, const char *v1, const char *k2,
     const char *v2)
{
	FILE *f;
	size_t i;
	const char *v;

	if (out_path == NULL || (f = fopen(out_path, "a")) == NULL)
		return;
	fprintf(f, "%s", stage);
	if (k1 != NULL && v1 != NULL) {
		fprintf(f, " %s=\"", k1);
		put_escaped(f, v1);
		fputc('"', f);
	}
	if (k2 != NULL && v2 != NULL) {
		fprintf(f, " %s=\"", k2);
		put_escaped(f, v2);
		fputc('"', f);
	}
	for (i = 0; i < sizeof(macro_names) / sizeof(macro_names[0]); i++) {
		if ((v = smfi_getsymval(ctx, (char *)macro_names[i])) == NULL)
			continue;
		fprintf(f, " %s=\"", macro_names[i]);
		put_escaped(f, v);
		fputc('"', f);
	}
	fputc('\n', f);
	fclose(f);
}

static sfsistat
maybe_fail(SMFICTX *ctx, const char *stage)
{
	if (fail_stage == NULL || strcmp(fail_stage, stage) != 0)
		return SMFIS_CONTINUE;
	if (smfi_setreply(ctx, (char *)fail_code, (char *)fail_xcode, (char *)fail_text) !=
	    MI_SUCCESS)
		fprintf(stderr, "macro_milter: smfi_setreply failed\n");
	return fail_code[0] == '4' ? SMFIS_TEMPFAIL : SMFIS_REJECT;
}

static struct priv *
priv_of(SMFICTX *ctx)
{
	struct priv *p = smfi_getpriv(ctx);

	if (p == NULL && (p = calloc(1, sizeof(*p))) != NULL)
		smfi_setpriv(ctx, p);
	return p;
}

static void
priv_reset(struct priv *p)
{
	int i;

	for (i = 0; p != NULL && i < p->nrcpt; i++)
		free(p->rcpt[i]);
	if (p != NULL)
		p->nrcpt = 0;
}

static sfsistat
x_negotiate(SMFICTX *ctx, unsigned long f0, unsigned long f1, unsigned long f2, unsigned long f3,
            unsigned long *pf0, unsigned long *pf1, unsigned long *pf2, unsigned long *pf3)
{
	char text[128];

	(void)f2;
	(void)f3;
	*pf0 = f0 & (SMFIF_ADDHDRS | SMFIF_QUARANTINE | SMFIF_ADDRCPT | SMFIF_ADDRCPT_PAR |
	             SMFIF_DELRCPT | SMFIF_SETSYMLIST);
	*pf1 = f1 & (SMFIP_NOBODY | SMFIP_NOUNKNOWN);
	*pf2 = 0;
	*pf3 = 0;
	if (use_symlist) {
		smfi_setsymlist(ctx, SMFIM_CONNECT,
		                "j _ v {daemon_name} {daemon_addr} {daemon_port} {client_addr} "
		                "{client_name} {client_port} {client_ptr} {client_resolve}");
		smfi_setsymlist(ctx, SMFIM_HELO, TLS_MACROS);
		smfi_setsymlist(ctx, SMFIM_ENVFROM, "i {auth_type} {auth_authen} " TLS_MACROS);
		smfi_setsymlist(ctx, SMFIM_ENVRCPT, "i {rcpt_addr} {rcpt_mailer} {rcpt_host}");
		smfi_setsymlist(ctx, SMFIM_EOM, "i {msg_id} {nrcpts} " TLS_MACROS);
	}
	snprintf(text, sizeof(text), "0x%lx", f0);
	dump(ctx, "negotiate", "actions", text, NULL, NULL);
	return SMFIS_CONTINUE;
}

static sfsistat
x_connect(SMFICTX *ctx, char *host, _SOCK_ADDR *sa)
{
	const char *af = sa == NULL                 ? "none"
	                 : sa->sa_family == AF_INET  ? "inet"
	                 : sa->sa_family == AF_INET6 ? "inet6"
	                 : sa->sa_family == AF_UNIX  ? "unix"
	                                             : "other";

	priv_of(ctx);
	dump(ctx, "connect", "arg0", host, "af", af);
	return SMFIS_CONTINUE;
}

static sfsistat
x_helo(SMFICTX *ctx, char *helo)
{
	dump(ctx, "helo", "arg0", helo, NULL, NULL);
	return maybe_fail(ctx, "helo");
}

static sfsistat
x_envfrom(SMFICTX *ctx, char **argv)
{
	priv_reset(priv_of(ctx));
	dump(ctx, "mail", "arg0", argv[0], "arg1", argv[1]);
	return maybe_fail(ctx, "mail");
}

static sfsistat
x_envrcpt(SMFICTX *ctx, char **argv)
{
	struct priv *p = priv_of(ctx);

	dump(ctx, "rcpt", "arg0", argv[0], "arg1", argv[1]);
	if (refused_rcpt != NULL && strlen(argv[0]) == strlen(refused_rcpt) + 2 &&
	    strncasecmp(argv[0] + 1, refused_rcpt, strlen(refused_rcpt)) == 0) {
		smfi_setreply(ctx, "550", "5.1.1", "refused by macro_milter");
		return SMFIS_REJECT;
	}
	if (p != NULL && p->nrcpt < MAX_RCPTS)
		p->rcpt[p->nrcpt++] = strdup(argv[0]);
	return maybe_fail(ctx, "rcpt");
}

static sfsistat
x_data(SMFICTX *ctx)
{
	dump(ctx, "data", NULL, NULL, NULL, NULL);
	return maybe_fail(ctx, "data");
}

static sfsistat
x_eom(SMFICTX *ctx)
{
	struct priv *p = priv_of(ctx);
	char addr[512], rewritten[600], orcpt[600];
	size_t len;
	int i;

	dump(ctx, "eom", NULL, NULL, NULL, NULL);
	if (fail_stage != NULL && strcmp(fail_stage, "eom") == 0)
		return maybe_fail(ctx, "eom");
	if (quarantine_reason != NULL && smfi_quarantine(ctx, (char *)quarantine_reason) != MI_SUCCESS)
		fprintf(stderr, "macro_milter: smfi_quarantine failed\n");
	for (i = 0; rcpt_suffix != NULL && p != NULL && i < p->nrcpt; i++) {
		const char *r = p->rcpt[i] + (p->rcpt[i][0] == '<');

		len = strcspn(r, ">");
		snprintf(addr, sizeof(addr), "%.*s", (int)len, r);
		snprintf(rewritten, sizeof(rewritten), "<%s%s>", addr, rcpt_suffix);
		snprintf(orcpt, sizeof(orcpt), "ORCPT=rfc822;%s", addr);
		if (smfi_delrcpt(ctx, p->rcpt[i]) != MI_SUCCESS ||
		    smfi_addrcpt_par(ctx, rewritten, orcpt) != MI_SUCCESS)
			fprintf(stderr, "macro_milter: cannot rewrite %s\n", p->rcpt[i]);
	}
	priv_reset(p);
	return SMFIS_CONTINUE;
}

static sfsistat
x_abort(SMFICTX *ctx)
{
	priv_reset(smfi_getpriv(ctx));
	return SMFIS_CONTINUE;
}

static sfsistat
x_close(SMFICTX *ctx)
{
	struct priv *p = smfi_getpriv(ctx);

	priv_reset(p);
	free(p);
	smfi_setpriv(ctx, NULL);
	return SMFIS_CONTINUE;
}

static struct smfiDesc desc = {
    "macro_milter", SMFI_VERSION,
    SMFIF_ADDHDRS | SMFIF_QUARANTINE | SMFIF_ADDRCPT | SMFIF_ADDRCPT_PAR | SMFIF_DELRCPT |
        SMFIF_SETSYMLIST,
    x_connect, x_helo, x_envfrom, x_envrcpt, NULL, NULL, NULL, x_eom, x_abort, x_close, NULL,
    x_data, x_negotiate,
};

int
main(int argc, char **argv)
{
	const char *sock = NULL;
	char *spec;
	int c;

	while ((c = getopt(argc, argv, "p:o:sq:r:t:x:")) != -1) {
		switch (c) {
		case 'p': sock = optarg; break;
		case 'o': out_path = optarg; break;
		case 's': use_symlist = 1; break;
		case 'q': quarantine_reason = optarg; break;
		case 'r': rcpt_suffix = optarg; break;
		case 'x': refused_rcpt = optarg; break;
		case 't':
			spec = strdup(optarg);
			fail_stage = strtok(spec, ":");
			fail_code = strtok(NULL, ":");
			fail_xcode = strtok(NULL, ":");
			fail_text = strtok(NULL, "");
			if (fail_text == NULL) {
				fprintf(stderr, "macro_milter: -t STAGE:CODE:XCODE:TEXT\n");
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: macro_milter -p SOCKET [-o FILE] [-s] [-q REASON] "
			                "[-r SUFFIX] [-t STAGE:CODE:XCODE:TEXT] [-x ADDRESS]\n");
			return 1;
		}
	}
	if (sock == NULL) {
		fprintf(stderr, "macro_milter: -p SOCKET missing\n");
		return 1;
	}
	if (strncmp(sock, "unix:", 5) == 0 || strncmp(sock, "local:", 6) == 0)
		unlink(strchr(sock, ':') + 1);
	if (smfi_setconn((char *)sock) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS) {
		fprintf(stderr, "macro_milter: cannot use socket %s\n", sock);
		return 1;
	}
	return smfi_main() == MI_SUCCESS ? 0 : 1;
}
