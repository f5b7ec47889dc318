/* rb-template-private.h — shared between the parts of RbTemplate
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-number.h"
#include "rb-template.h"

G_BEGIN_DECLS

struct _RbTemplate
{
  GObject    parent_instance;

  char      *display_name;   /* the file name, for messages */
  char      *text;           /* raw YAML; NULL when built from JSON */
  gsize      length;

  char      *id;
  char      *title;
  char      *version;
  char      *description;
  char      *narrative;
  char      *mode;
  char      *capture_key;
  char     **tags;
  GPtrArray *parameters;     /* RbTemplateParameter* */
};

void  rb_template_parameter_free (RbTemplateParameter        *parameter);
/* NULL when @node is a valid value for @parameter (then *normalized, when
 * given, receives a normalised copy), else a phrase such as "must be at most
 * 500 (got 900)" or "[2] must be a number (got \"x\")" for array elements. */
char *rb_template_check_value    (const RbTemplateParameter  *parameter,
                                  JsonNode                   *node,
                                  JsonNode                  **normalized);
char *rb_template_describe_value (JsonNode                   *node);
/* Appends @node as FlowTime substitutes it into the template text. */
void  rb_template_format_value   (GString                    *out,
                                  JsonNode                   *node);

G_END_DECLS
