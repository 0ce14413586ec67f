/*
 * test_policy_truncation.c -- CUnit: no byte-prefix of a policy loads as another policy
 *
 * An editor saving in place while the daemon reloads gives it a prefix
 * of the new file. For every shipped policy (the .yaml files of contrib/policies)
 * and every test policy (those of tests/NAME/policies), found through
 * TOP_SRCDIR so that out-of-tree builds and "make distcheck" read the
 * same files, each proper prefix must either fail to load, or be the
 * same YAML document as the whole file (the same event stream: nodes,
 * scalar values, anchors), i.e. differ only by trailing white space or
 * comments, so that it compiles to the same policy. A file that does not
 * load as a whole (tests/e2e/policies/broken.yaml) must have no loadable
 * prefix at all.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <CUnit/Basic.h>
#include <yaml.h>

#include "policy_fixture.h"

#ifndef TOP_SRCDIR
#error "TOP_SRCDIR must name the source tree"
#endif

struct text {
	char *data;
	size_t len, alloc;
};

static void
text_add(struct text *t, const void *p, size_t n)
{
	if (t->len + n + 1 > t->alloc) {
		t->alloc = 2 * (t->len + n + 1);
		t->data = realloc(t->data, t->alloc);
	}
	if (n > 0)
		memcpy(t->data + t->len, p, n);
	t->len += n;
}

static void
text_add_str(struct text *t, const char *s)
{
	size_t n = s != NULL ? strlen(s) : 0;

	text_add(t, &n, sizeof(n));
	text_add(t, s, n);
}

/*
 * The document's event stream, without positions: event types, scalar
 * values and styles, anchors and aliases. 0 on success, -1 if text is not
 * well-formed YAML.
 */
static int
event_stream(const char *text, size_t len, struct text *out)
{
	yaml_parser_t parser;
	yaml_event_t ev;
	int done = 0, status = 0;

	out->len = 0;
	yaml_parser_initialize(&parser);
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	while (!done) {
		if (!yaml_parser_parse(&parser, &ev)) {
			status = -1;
			break;
		}
		text_add(out, &ev.type, sizeof(ev.type));
		switch (ev.type) {
		case YAML_SCALAR_EVENT:
			text_add_str(out, (const char *)ev.data.scalar.anchor);
			text_add_str(out, (const char *)ev.data.scalar.tag);
			text_add(out, &ev.data.scalar.length, sizeof(ev.data.scalar.length));
			text_add(out, ev.data.scalar.value, ev.data.scalar.length);
			text_add(out, &ev.data.scalar.style, sizeof(ev.data.scalar.style));
			break;
		case YAML_ALIAS_EVENT:
			text_add_str(out, (const char *)ev.data.alias.anchor);
			break;
		case YAML_SEQUENCE_START_EVENT:
			text_add_str(out, (const char *)ev.data.sequence_start.anchor);
			text_add_str(out, (const char *)ev.data.sequence_start.tag);
			break;
		case YAML_MAPPING_START_EVENT:
			text_add_str(out, (const char *)ev.data.mapping_start.anchor);
			text_add_str(out, (const char *)ev.data.mapping_start.tag);
			break;
		default:
			break;
		}
		done = ev.type == YAML_STREAM_END_EVENT;
		yaml_event_delete(&ev);
	}
	yaml_parser_delete(&parser);
	return status;
}

static char *
read_file(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	char *buf;
	long size;

	if (fp == NULL)
		return NULL;
	fseek(fp, 0, SEEK_END);
	size = ftell(fp);
	rewind(fp);
	buf = malloc((size_t)size + 1);
	*len = fread(buf, 1, (size_t)size, fp);
	buf[*len] = '\0';
	fclose(fp);
	return buf;
}

static int
loads(const char *path, const char *text, size_t len)
{
	struct policy_errors errors;
	struct policy *policy;

	policy_errors_init(&errors);
	policy = policy_load_text(path, text, len, &errors);
	policy_free(policy);
	policy_errors_free(&errors);
	return policy != NULL;
}

/* Replace every from in t by to. */
static void
replace_all(struct text *t, const char *from, const char *to)
{
	struct text out = {0};
	size_t fl = strlen(from), i = 0;

	while (i < t->len) {
		if (t->len - i >= fl && memcmp(t->data + i, from, fl) == 0) {
			text_add(&out, to, strlen(to));
			i += fl;
		} else
			text_add(&out, t->data + i++, 1);
	}
	free(t->data);
	*t = out;
	t->data[t->len] = '\0';
}

/*
 * A policy as the suites use it: the e2e template's placeholders filled
 * in, and absolute list files (/etc/milter-tlspolicy/NAME) moved next to
 * the copy of the policy, each holding one address. Returns the copy's
 * path; the text to walk is in t.
 */
static const char *
prepare(const char *base, struct text *t)
{
	static const char *const fill[][2] = {
	    {"@REROUTE_METHOD@", "auto"},
	    {"@SINK_LEGACY@", "25025"},
	    {"file:/etc/milter-tlspolicy/", "file:"},
	};
	char name[256];
	const char *p;
	size_t i, n;

	for (i = 0; i < sizeof(fill) / sizeof(fill[0]); i++)
		replace_all(t, fill[i][0], fill[i][1]);
	for (p = t->data; (p = strstr(p, "file:")) != NULL; p += n) {
		p += 5;
		n = strcspn(p, " \t\n\"'],}#");
		if (n == 0 || n >= sizeof(name) || memchr(p, '/', n) != NULL)
			continue;
		memcpy(name, p, n);
		name[n] = '\0';
		fixture_write(name, "192.0.2.1\n");
	}
	return fixture_write(base, t->data);
}

/* Walk every prefix of one policy file; returns the number of prefixes that load. */
static size_t
walk_prefixes(const char *file)
{
	struct text whole = {0}, part = {0}, t = {0};
	size_t len, n, loaded = 0, bad = 0;
	const char *base = strrchr(file, '/') ? strrchr(file, '/') + 1 : file, *path;
	char *text;
	int whole_loads;

	t.data = read_file(file, &t.len);
	CU_ASSERT_PTR_NOT_NULL_FATAL(t.data);
	t.alloc = t.len + 1;
	path = prepare(base, &t);
	text = t.data;
	len = t.len;
	whole_loads = loads(path, text, len);
	if (!whole_loads && strcmp(base, "broken.yaml") != 0) {
		fprintf(stderr, "\n  %s does not load as a whole", file);
		CU_FAIL("a shipped or test policy does not load");
	}
	if (whole_loads)
		CU_ASSERT_EQUAL_FATAL(event_stream(text, len, &whole), 0);
	for (n = 0; n < len; n++) {
		if (!loads(path, text, n))
			continue;
		loaded++;
		if (whole_loads && event_stream(text, n, &part) == 0 && part.len == whole.len &&
		    memcmp(part.data, whole.data, whole.len) == 0)
			continue;
		if (bad++ < 3)
			fprintf(stderr,
			        "\n  %s: the first %zu of %zu bytes load as another policy "
			        "(cut after \"%.30s\")",
			        base, n, len, n > 30 ? text + n - 30 : text);
	}
	printf("\n  %-24s %5zu prefixes, %zu load%s", base, len, loaded,
	       bad > 0      ? ", SOME AS ANOTHER POLICY"
	       : loaded > 0 ? ", each the same document as the whole file"
	                    : "");
	CU_ASSERT_EQUAL(bad, 0);
	free(text);
	free(whole.data);
	free(part.data);
	return loaded;
}

/* Walk every *.yaml file of dir; returns how many there were. */
static size_t
walk_dir(const char *dir)
{
	struct dirent **names;
	char path[4096];
	size_t found = 0, len;
	int i, n;

	if ((n = scandir(dir, &names, NULL, alphasort)) < 0)
		return 0;
	for (i = 0; i < n; i++) {
		len = strlen(names[i]->d_name);
		if (len > 5 && strcmp(names[i]->d_name + len - 5, ".yaml") == 0) {
			snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
			walk_prefixes(path);
			found++;
		}
		free(names[i]);
	}
	free(names);
	return found;
}

static void
test_every_prefix(void)
{
	static const char *const dirs[] = {
	    TOP_SRCDIR "/contrib/policies",
	    TOP_SRCDIR "/tests/bench/policies",
	    TOP_SRCDIR "/tests/e2e/policies",
	};
	struct dirent **names;
	char path[4096];
	size_t i, total = 0, found;
	int j, n;

	for (i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if ((found = walk_dir(dirs[i])) == 0) {
			fprintf(stderr, "\n  no policy in %s", dirs[i]);
			CU_FAIL("policy files not found");
		}
		total += found;
	}
	/* Any other tests/NAME/policies directory added later. */
	n = scandir(TOP_SRCDIR "/tests", &names, NULL, alphasort);
	for (j = 0; j < n; j++) {
		if (strcmp(names[j]->d_name, "bench") != 0 &&
		    strcmp(names[j]->d_name, "e2e") != 0 && names[j]->d_name[0] != '.') {
			snprintf(path, sizeof(path), "%s/tests/%s/policies", TOP_SRCDIR,
			         names[j]->d_name);
			total += walk_dir(path);
		}
		free(names[j]);
	}
	if (n >= 0)
		free(names);
	printf("\n  %zu policy files\n", total);
	CU_ASSERT(total >= 9);
}

/*
 * The cuts the rule is there for, on small block-style policies: inside
 * a rollout's steps, a list, a scalar ("percent: 1" of "percent: 10"), and
 * inside the default itself.
 */
static void
test_cuts_inside_default(void)
{
	static const char *const whole[] = {
	    "version: 1\n"
	    "lists:\n  p:\n    - 192.0.2.0/24\n    - 198.51.100.0/24\n"
	    "rules:\n"
	    "  - name: a\n    match: {client: \"@p\"}\n    action: defer\n"
	    "    rollout:\n      steps:\n"
	    "        - from: 2026-09-01\n          percent: 10\n"
	    "        - from: 2026-10-01\n          percent: 100\n"
	    "    until: 2027-06-30\n"
	    "default:\n"
	    "  reply:\n    code: 450\n    text: TLS 1.0 and 1.1 are not supported\n"
	    "  mode: report-only\n"
	    "  action: defer\n"
	    "# the end\n",
	    "version: 1\ndefault: {mode: report-only, action: reject}\n",
	};
	size_t i;

	for (i = 0; i < sizeof(whole) / sizeof(whole[0]); i++) {
		const char *path = fixture_write("cut.yaml", whole[i]);
		size_t len = strlen(whole[i]), n, last = len;
		char *text = strdup(whole[i]);

		CU_ASSERT_FATAL(loads(path, text, len));
		for (n = 0; n < len; n++)
			if (loads(path, text, n) && n < last)
				last = n;
		/* Only cuts in the trailing comment and newline load. */
		if (i == 0) {
			CU_ASSERT_EQUAL(last, len - strlen("\n# the end\n"));
		} else {
			CU_ASSERT_EQUAL(last, len - 1);
		}
		free(text);
	}
}

int
main(void)
{
	static const struct fixture_test tests[] = {
	    {"every prefix of every shipped and test policy", test_every_prefix},
	    {"cuts inside rules, steps, lists and the default", test_cuts_inside_default},
	    {NULL, NULL},
	};

	return fixture_run("policy_truncation", tests);
}
