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

G_END_DECLS
