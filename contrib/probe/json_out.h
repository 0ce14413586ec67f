/*
 * NAME
 *	json_out.h -- write one JSON document, indented
 *
 * SYNOPSIS
 *	#include "json_out.h"
 *
 *	void	json_init(struct json_out *j, FILE *fp);
 *	void	json_begin_object(struct json_out *j, const char *key);
 *	void	json_end_object(struct json_out *j);
 *	void	json_begin_array(struct json_out *j, const char *key);
 *	void	json_end_array(struct json_out *j);
 *	void	json_string(struct json_out *j, const char *key, const char *value);
 *	void	json_int(struct json_out *j, const char *key, long value);
 *	void	json_bool(struct json_out *j, const char *key, bool value);
 *
 * DESCRIPTION
 *	The caller describes the document top-down. key names the member
 *	inside an object and must be NULL inside an array and at the top.
 *	json_string() writes null for a NULL value. Strings are escaped;
 *	bytes that are not valid UTF-8 become U+FFFD, so the output is
 *	valid JSON whatever a server sent.
 */
#ifndef JSON_OUT_H
#define JSON_OUT_H

#include <stdbool.h>
#include <stdio.h>

#define JSON_MAX_DEPTH 16

struct json_out {
	FILE *fp;
	int depth;
	bool has_members[JSON_MAX_DEPTH]; /* a comma is due before the next one */
};

void json_init(struct json_out *j, FILE *fp);
void json_begin_object(struct json_out *j, const char *key);
void json_end_object(struct json_out *j);
void json_begin_array(struct json_out *j, const char *key);
void json_end_array(struct json_out *j);
void json_string(struct json_out *j, const char *key, const char *value);
void json_int(struct json_out *j, const char *key, long value);
void json_bool(struct json_out *j, const char *key, bool value);

#endif
