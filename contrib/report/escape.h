/*
 * escape.h -- quoting for JSON, CSV and HTML output
 *
 * SYNOPSIS
 *	void json_escape(struct strbuf *out, const char *s, size_t len);
 *	void csv_escape(struct strbuf *out, const char *s, size_t len);
 *	void html_escape(struct strbuf *out, const char *s, size_t len);
 *
 * DESCRIPTION
 *	json_escape() appends s as a JSON string with its quotes: '"', '\\'
 *	and control characters escaped, and bytes that are not valid UTF-8
 *	replaced by U+FFFD, so the output is always valid JSON.
 *
 *	csv_escape() appends s as one RFC 4180 field: as it is, or in
 *	double quotes (with quotes doubled) when it holds a comma, a quote,
 *	CR or LF, or starts or ends with a blank. A field that a spreadsheet
 *	would run as a formula (starting with =, +, - or @ and longer than
 *	"-") is quoted and prefixed with an apostrophe.
 *
 *	html_escape() appends s with &, <, >, " and ' as entities.
 */
#ifndef REPORT_ESCAPE_H
#define REPORT_ESCAPE_H

#include <stddef.h>

#include "table.h"

void json_escape(struct strbuf *out, const char *s, size_t len);
void csv_escape(struct strbuf *out, const char *s, size_t len);
void html_escape(struct strbuf *out, const char *s, size_t len);
size_t utf8_valid_prefix(const unsigned char *s, size_t len);

#endif
