/* rb-json.h — core's one JSON writer, and parse helpers over json-glib
 *
 * Writer (api.md): UTF-8, 2-space indent, "key": value, members in the
 * order they were added, numbers through rb_number_format() (doubles that
 * are integral print without ".0"; non-finite doubles print as null),
 * empty containers as [] and {}, one trailing LF.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

char     *rb_json_to_data         (JsonNode     *node,
                                   gsize        *length);
GBytes   *rb_json_to_bytes        (JsonNode     *node);
/* Compact form (no spaces, no LF) for hashing: parametersHash, inputHash. */
char     *rb_json_to_compact      (JsonNode     *node);

/* Parses UTF-8 JSON, skipping a BOM. Errors (RB_ERROR_INVALID_REQUEST) read
 * "<display_name> is not valid JSON at line N: <reason>". */
JsonNode *rb_json_parse           (const char   *data,
                                   gssize        length,
                                   const char   *display_name,
                                   GError      **error);
/* Like rb_json_parse on a file; a missing file is RB_ERROR_NOT_FOUND
 * "<display_name> is missing". */
JsonNode *rb_json_parse_file      (const char   *path,
                                   const char   *display_name,
                                   GError      **error);

/* Lenient typed getters: NULL / @fallback when absent or of another type. */
const char *rb_json_get_string    (JsonObject   *object,
                                   const char   *member);
gint64      rb_json_get_int       (JsonObject   *object,
                                   const char   *member,
                                   gint64        fallback);
double      rb_json_get_double    (JsonObject   *object,
                                   const char   *member,
                                   double        fallback);
gboolean    rb_json_get_bool      (JsonObject   *object,
                                   const char   *member,
                                   gboolean      fallback);
JsonObject *rb_json_get_object    (JsonObject   *object,
                                   const char   *member);
JsonArray  *rb_json_get_array     (JsonObject   *object,
                                   const char   *member);

/* Builder conveniences: a NULL string adds JSON null. */
void        rb_json_add_string    (JsonBuilder  *builder,
                                   const char   *member,
                                   const char   *value);
void        rb_json_add_int       (JsonBuilder  *builder,
                                   const char   *member,
                                   gint64        value);
void        rb_json_add_double    (JsonBuilder  *builder,
                                   const char   *member,
                                   double        value);
void        rb_json_add_bool      (JsonBuilder  *builder,
                                   const char   *member,
                                   gboolean      value);
void        rb_json_add_null      (JsonBuilder  *builder,
                                   const char   *member);

G_END_DECLS
