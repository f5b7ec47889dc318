/* rb-yaml.h — YAML (libyaml) into a json-glib tree
 *
 * Scalars follow the YAML 1.2 core schema: null/~, true/false, integers,
 * floats (.inf, .nan), quoted scalars stay strings. Anchors/aliases are
 * resolved; merge keys are not supported.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Errors (RB_ERROR_INVALID_REQUEST) read
 * "<display_name> is not valid YAML at line N: <reason>". */
JsonNode *rb_yaml_parse (const char  *data,
                         gsize        length,
                         const char  *display_name,
                         GError     **error);

/* Like rb_yaml_parse(), and also returns (in *@lines, a new table) the
 * 1-based line where each value starts, keyed by its JsonNode* and, for
 * mappings and sequences, also by its JsonObject* / JsonArray*. A block
 * mapping starts at its first key. Alias copies get the alias's line. The
 * keys are pointers into the returned tree: free the table first or with it. */
JsonNode *rb_yaml_parse_with_lines (const char  *data,
                                    gsize        length,
                                    const char  *display_name,
                                    GHashTable **lines,
                                    GError     **error);
/* The line of @item (a JsonNode*, JsonObject* or JsonArray*) in @lines, 0 when
 * unknown or when @lines is NULL. */
guint     rb_yaml_line             (GHashTable    *lines,
                                    gconstpointer  item);

G_END_DECLS
