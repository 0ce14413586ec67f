/*
 * output.c -- the table of output formats (see output.h)
 */
#include "config.h"

#include <string.h>

#include "output.h"

static const struct output_format formats[] = {
    {"text", output_text},
    {"csv", output_csv},
    {"json", output_json},
    {"html", output_html},
};

const struct output_format *
output_format_find(const char *name)
{
	for (size_t i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (strcmp(formats[i].name, name) == 0)
			return &formats[i];
	return NULL;
}
