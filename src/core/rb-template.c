/* rb-template.c — a template: its header, its parameters, its JSON shapes
 *
 * The template YAML is read once with the ${…} placeholders still in it
 * (a placeholder makes a scalar a string, which is fine for metadata and
 * parameters). Instantiation (rb-template-instantiate.c) works on the raw
 * text, as FlowTime does.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-template"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-number.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-template-private.h"
#include "rb-yaml.h"

G_DEFINE_FINAL_TYPE (RbTemplate, rb_template, G_TYPE_OBJECT)

static const char * const parameter_types[] = {
  "integer", "number", "boolean", "string", "array", NULL
};

/* FlowTime writes "double" (its default) or "int"; we also take the
 * JSON-schema spellings. */
static const char * const array_element_types[] = {
  "double", "number", "int", "integer", NULL
};

void
rb_template_parameter_free (RbTemplateParameter *parameter)
{
  if (parameter == NULL)
    return;

  g_free (parameter->name);
  g_free (parameter->type);
  g_free (parameter->title);
  g_free (parameter->description);
  g_clear_pointer (&parameter->default_value, json_node_unref);
  g_free (parameter->array_of);
  g_free (parameter);
}

static void
rb_template_finalize (GObject *object)
{
  RbTemplate *self = RB_TEMPLATE (object);

  g_free (self->display_name);
  g_free (self->text);
  g_free (self->id);
  g_free (self->title);
  g_free (self->version);
  g_free (self->description);
  g_free (self->narrative);
  g_free (self->mode);
  g_free (self->capture_key);
  g_strfreev (self->tags);
  g_clear_pointer (&self->parameters, g_ptr_array_unref);

  G_OBJECT_CLASS (rb_template_parent_class)->finalize (object);
}

static void
rb_template_class_init (RbTemplateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = rb_template_finalize;
}

static void
rb_template_init (RbTemplate *self)
{
  self->parameters = g_ptr_array_new_with_free_func ((GDestroyNotify) rb_template_parameter_free);
}

/* Values {{{ */

/* A short rendering of @node for messages ("900", "\"abc\"", "[1, 2]"). */
char *
rb_template_describe_value (JsonNode *node)
{
  g_autofree char *compact = NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("null");

  compact = rb_json_to_compact (node);
  if (g_utf8_strlen (compact, -1) > 40)
    {
      g_autofree char *prefix = g_utf8_substring (compact, 0, 37);
      return g_strconcat (prefix, "...", NULL);
    }
  return g_steal_pointer (&compact);
}

static gboolean
node_get_number (JsonNode *node,
                 double   *value)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    *value = (double) json_node_get_int (node);
  else if (type == G_TYPE_DOUBLE)
    *value = json_node_get_double (node);
  else
    return FALSE;
  return TRUE;
}

static gboolean
is_integral (double value)
{
  return isfinite (value) && floor (value) == value && fabs (value) <= 9007199254740992.0;
}

/* Checks one scalar against @scalar_type ("integer" or "number") and the
 * range. On failure returns a problem phrase ("must be at most 500 (got
 * 900)"); on success NULL and, when @normalized, a copy (integral doubles
 * of integer parameters become integers). */
static char *
check_number (const RbTemplateParameter *parameter,
              const char                *scalar_type,
              JsonNode                  *node,
              JsonNode                 **normalized)
{
  double value = 0;
  gboolean want_integer = g_str_equal (scalar_type, "integer");
  char buf[RB_NUMBER_BUF_SIZE];

  if (!node_get_number (node, &value) || !isfinite (value) ||
      (want_integer && !is_integral (value)))
    {
      g_autofree char *got = rb_template_describe_value (node);
      return g_strdup_printf ("must be %s (got %s)",
                              want_integer ? "an integer" : "a number", got);
    }
  if (parameter->has_min && value < parameter->min)
    {
      g_autofree char *got = rb_template_describe_value (node);
      rb_number_format (parameter->min, buf);
      return g_strdup_printf ("must be at least %s (got %s)", buf, got);
    }
  if (parameter->has_max && value > parameter->max)
    {
      g_autofree char *got = rb_template_describe_value (node);
      rb_number_format (parameter->max, buf);
      return g_strdup_printf ("must be at most %s (got %s)", buf, got);
    }
  if (normalized != NULL)
    {
      if (want_integer)
        {
          *normalized = json_node_new (JSON_NODE_VALUE);
          json_node_set_int (*normalized, (gint64) value);
        }
      else
        *normalized = json_node_copy (node);
    }
  return NULL;
}

/* The element type of an array parameter: "integer" or "number". */
static const char *
array_scalar_type (const RbTemplateParameter *parameter)
{
  if (parameter->array_of != NULL &&
      (g_str_equal (parameter->array_of, "int") || g_str_equal (parameter->array_of, "integer")))
    return "integer";
  return "number";
}

char *
rb_template_check_value (const RbTemplateParameter  *parameter,
                         JsonNode                   *node,
                         JsonNode                  **normalized)
{
  const char *type = parameter->type;

  if (normalized != NULL)
    *normalized = NULL;

  if (g_str_equal (type, "integer") || g_str_equal (type, "number"))
    return check_number (parameter, type, node, normalized);

  if (g_str_equal (type, "boolean"))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          g_autofree char *got = rb_template_describe_value (node);
          return g_strdup_printf ("must be true or false (got %s)", got);
        }
    }
  else if (g_str_equal (type, "string"))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          g_autofree char *got = rb_template_describe_value (node);
          return g_strdup_printf ("must be a string (got %s)", got);
        }
    }
  else if (g_str_equal (type, "array"))
    {
      JsonArray *array;
      g_autoptr(JsonArray) copy = NULL;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          g_autofree char *got = rb_template_describe_value (node);
          return g_strdup_printf ("must be an array (got %s)", got);
        }
      array = json_node_get_array (node);
      copy = json_array_sized_new (json_array_get_length (array));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *element = json_array_get_element (array, i);
          JsonNode *element_normalized = NULL;
          g_autofree char *problem = NULL;

          problem = check_number (parameter, array_scalar_type (parameter), element,
                                  &element_normalized);
          if (problem != NULL)
            return g_strdup_printf ("[%u] %s", i, problem);
          json_array_add_element (copy, element_normalized);
        }
      if (normalized != NULL)
        {
          *normalized = json_node_new (JSON_NODE_ARRAY);
          json_node_set_array (*normalized, copy);
        }
      return NULL;
    }

  if (normalized != NULL)
    *normalized = json_node_copy (node);
  return NULL;
}

/* }}} */

/* Parsing {{{ */

static gboolean
invalid (GError     **error,
         const char  *display_name,
         const char  *format,
         ...) G_GNUC_PRINTF (3, 4);

static gboolean
invalid (GError     **error,
         const char  *display_name,
         const char  *format,
         ...)
{
  g_autofree char *problem = NULL;
  va_list args;

  va_start (args, format);
  problem = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE, "%s: %s", display_name, problem);
  return FALSE;
}

/* A member that must be a string when present. */
static gboolean
read_string (JsonObject  *object,
             const char  *member,
             const char  *path,
             gboolean     required,
             char       **out,
             const char  *display_name,
             GError     **error)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (required)
        return invalid (error, display_name, "%s is missing", path);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return invalid (error, display_name, "%s must be a string", path);
  if (required && *json_node_get_string (node) == '\0')
    return invalid (error, display_name, "%s must not be empty", path);
  *out = g_strdup (json_node_get_string (node));
  return TRUE;
}

static gboolean
is_parameter_name (const char *name)
{
  if (!g_ascii_isalpha (name[0]) && name[0] != '_')
    return FALSE;
  for (const char *p = name; *p != '\0'; p++)
    {
      if (!g_ascii_isalnum (*p) && *p != '_')
        return FALSE;
    }
  return TRUE;
}

/* min/minimum (or max/maximum): a number when present. */
static gboolean
read_bound (JsonObject  *object,
            const char  *short_name,
            const char  *long_name,
            const char  *path,
            gboolean    *has,
            double      *value,
            const char  *display_name,
            GError     **error)
{
  JsonNode *node = json_object_get_member (object, short_name);
  const char *name = short_name;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      node = json_object_get_member (object, long_name);
      name = long_name;
    }
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!node_get_number (node, value) || !isfinite (*value))
    return invalid (error, display_name, "%s.%s must be a number", path, name);
  *has = TRUE;
  return TRUE;
}

/* An optional string member of a parameter: "parameter a: title must be a string". */
static gboolean
read_parameter_string (JsonObject  *object,
                       const char  *member,
                       const char  *where,
                       char       **out,
                       const char  *display_name,
                       GError     **error)
{
  g_autofree char *path = g_strdup_printf ("%s: %s", where, member);

  return read_string (object, member, path, FALSE, out, display_name, error);
}

static RbTemplateParameter *
parse_parameter (JsonNode    *node,
                 guint        index,
                 const char  *display_name,
                 GError     **error)
{
  g_autoptr(GString) path = g_string_new (NULL);
  RbTemplateParameter *parameter;
  JsonObject *object;
  JsonNode *member;
  g_autofree char *problem = NULL;

  g_string_printf (path, "parameters[%u]", index);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      invalid (error, display_name, "%s must be a mapping", path->str);
      return NULL;
    }
  object = json_node_get_object (node);
  parameter = g_new0 (RbTemplateParameter, 1);

  g_string_append (path, ".name");
  if (!read_string (object, "name", path->str, TRUE, &parameter->name, display_name, error))
    goto fail;
  g_string_truncate (path, path->len - 5);
  if (!is_parameter_name (parameter->name))
    {
      invalid (error, display_name,
               "%s.name \"%s\" must start with a letter or '_' and hold only letters, digits and '_'",
               path->str, parameter->name);
      goto fail;
    }
  g_string_printf (path, "parameter %s", parameter->name);

  if (!read_parameter_string (object, "type", path->str, &parameter->type, display_name, error))
    goto fail;
  if (parameter->type == NULL)
    {
      invalid (error, display_name, "%s has no type", path->str);
      goto fail;
    }
  if (!g_strv_contains (parameter_types, parameter->type))
    {
      invalid (error, display_name,
               "%s has unknown type \"%s\" (expected integer, number, boolean, string or array)",
               path->str, parameter->type);
      goto fail;
    }
  if (!read_parameter_string (object, "title", path->str, &parameter->title, display_name, error) ||
      !read_parameter_string (object, "description", path->str, &parameter->description,
                              display_name, error) ||
      !read_parameter_string (object, "arrayOf", path->str, &parameter->array_of,
                              display_name, error))
    goto fail;
  if (parameter->array_of != NULL && !g_strv_contains (array_element_types, parameter->array_of))
    {
      invalid (error, display_name,
               "%s has unknown arrayOf \"%s\" (expected double, number, int or integer)",
               path->str, parameter->array_of);
      goto fail;
    }
  if (!read_bound (object, "min", "minimum", path->str, &parameter->has_min, &parameter->min,
                   display_name, error) ||
      !read_bound (object, "max", "maximum", path->str, &parameter->has_max, &parameter->max,
                   display_name, error))
    goto fail;
  if (parameter->has_min && parameter->has_max && parameter->min > parameter->max)
    {
      invalid (error, display_name, "%s has a minimum above its maximum", path->str);
      goto fail;
    }

  member = json_object_get_member (object, "required");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      if (!JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_BOOLEAN)
        {
          invalid (error, display_name, "%s: required must be true or false", path->str);
          goto fail;
        }
      parameter->required = json_node_get_boolean (member);
    }

  member = json_object_get_member (object, "default");
  if (member != NULL && !JSON_NODE_HOLDS_NULL (member))
    {
      problem = rb_template_check_value (parameter, member, &parameter->default_value);
      if (problem != NULL)
        {
          invalid (error, display_name, "the default of %s%s%s", path->str,
                   problem[0] == '[' ? "" : " ", problem);
          goto fail;
        }
    }
  return parameter;

fail:
  rb_template_parameter_free (parameter);
  return NULL;
}

static gboolean
parse_metadata (RbTemplate  *self,
                JsonObject  *root,
                GError     **error)
{
  const char *file = self->display_name;
  JsonNode *node = json_object_get_member (root, "metadata");
  JsonObject *metadata;
  JsonNode *tags;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (error, file, "metadata is missing");
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return invalid (error, file, "metadata must be a mapping");
  metadata = json_node_get_object (node);

  if (!read_string (metadata, "id", "metadata.id", TRUE, &self->id, file, error))
    return FALSE;
  if (!rb_ident_is_valid (RB_IDENT_TEMPLATE_ID, self->id))
    return invalid (error, file,
                    "metadata.id \"%s\" is not a valid template id "
                    "(letters, digits, '.', '_' and '-', starting with a letter or digit)",
                    self->id);
  if (!read_string (metadata, "title", "metadata.title", TRUE, &self->title, file, error) ||
      !read_string (metadata, "version", "metadata.version", TRUE, &self->version, file, error) ||
      !read_string (metadata, "description", "metadata.description", FALSE, &self->description,
                    file, error) ||
      !read_string (metadata, "narrative", "metadata.narrative", FALSE, &self->narrative,
                    file, error) ||
      !read_string (metadata, "captureKey", "metadata.captureKey", FALSE, &self->capture_key,
                    file, error))
    return FALSE;
  if (self->capture_key != NULL && !rb_ident_is_valid (RB_IDENT_CAPTURE_KEY, self->capture_key))
    return invalid (error, file, "metadata.captureKey \"%s\" is not a valid capture key",
                    self->capture_key);

  tags = json_object_get_member (metadata, "tags");
  if (tags != NULL && !JSON_NODE_HOLDS_NULL (tags))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (tags))
        return invalid (error, file, "metadata.tags must be a list of strings");
      array = json_node_get_array (tags);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *tag = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (tag) || json_node_get_value_type (tag) != G_TYPE_STRING)
            return invalid (error, file, "metadata.tags[%u] must be a string", i);
          g_strv_builder_add (builder, json_node_get_string (tag));
        }
      g_strfreev (self->tags);
      self->tags = g_strv_builder_end (builder);
    }
  return TRUE;
}

static gboolean
parse_header (RbTemplate  *self,
              JsonNode    *root_node,
              GError     **error)
{
  const char *file = self->display_name;
  JsonObject *root;
  JsonNode *node;
  JsonObject *window;

  if (root_node == NULL || !JSON_NODE_HOLDS_OBJECT (root_node))
    return invalid (error, file, "a template must be a YAML mapping");
  root = json_node_get_object (root_node);

  if (!parse_metadata (self, root, error))
    return FALSE;

  if (!read_string (root, "mode", "mode", FALSE, &self->mode, file, error))
    return FALSE;
  if (self->mode == NULL)
    self->mode = g_strdup ("simulation");
  else if (!g_str_equal (self->mode, "simulation") && !g_str_equal (self->mode, "telemetry"))
    return invalid (error, file, "mode must be \"simulation\" or \"telemetry\" (got \"%s\")",
                    self->mode);

  window = rb_json_get_object (root, "window");
  node = json_object_get_member (root, "window");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node) && window == NULL)
    return invalid (error, file, "window must be a mapping");
  if (window != NULL)
    {
      const char *tz_name = NULL;
      node = json_object_get_member (window, "timezone");
      if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
          json_node_get_value_type (node) == G_TYPE_STRING)
        tz_name = json_node_get_string (node);
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node) &&
          (tz_name == NULL || !g_str_equal (tz_name, "UTC")))
        return invalid (error, file, "window.timezone must be UTC");
    }

  node = json_object_get_member (root, "parameters");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        return invalid (error, file, "parameters must be a list");
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          RbTemplateParameter *parameter;

          parameter = parse_parameter (json_array_get_element (array, i), i, file, error);
          if (parameter == NULL)
            return FALSE;
          if (rb_template_find_parameter (self, parameter->name) != NULL)
            {
              invalid (error, file, "parameter %s is declared twice", parameter->name);
              rb_template_parameter_free (parameter);
              return FALSE;
            }
          g_ptr_array_add (self->parameters, parameter);
        }
    }

  node = json_object_get_member (root, "grid");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (error, file, "grid is missing");
  node = json_object_get_member (root, "nodes");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return invalid (error, file, "nodes is missing");
  return TRUE;
}

RbTemplate *
rb_template_new_from_data (const char  *text,
                           gsize        length,
                           const char  *display_name,
                           GError     **error)
{
  g_autoptr(RbTemplate) self = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (text != NULL || length == 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (RB_TYPE_TEMPLATE, NULL);
  self->display_name = g_strdup (display_name);

  if (memchr (text, '\0', length) != NULL)
    {
      invalid (error, display_name, "the file contains a NUL byte");
      return NULL;
    }
  if (!g_utf8_validate (text, length, NULL))
    {
      invalid (error, display_name, "the file is not UTF-8 text");
      return NULL;
    }

  root = rb_yaml_parse (text, length, display_name, &local_error);
  if (root == NULL)
    {
      g_set_error_literal (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE, local_error->message);
      return NULL;
    }
  if (!parse_header (self, root, error))
    return NULL;

  self->text = g_strndup (text, length);
  self->length = length;
  return g_steal_pointer (&self);
}

/* }}} */

/* JSON {{{ */

static void
add_template_summary_members (RbTemplate  *self,
                              JsonBuilder *builder)
{
  rb_json_add_string (builder, "id", self->id);
  rb_json_add_string (builder, "title", self->title);
  rb_json_add_string (builder, "version", self->version);
  rb_json_add_string (builder, "description", self->description);
  json_builder_set_member_name (builder, "tags");
  json_builder_begin_array (builder);
  for (guint i = 0; self->tags != NULL && self->tags[i] != NULL; i++)
    json_builder_add_string_value (builder, self->tags[i]);
  json_builder_end_array (builder);
  rb_json_add_string (builder, "captureKey", self->capture_key);
}

JsonNode *
rb_template_to_summary_json (RbTemplate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);

  json_builder_begin_object (builder);
  add_template_summary_members (self, builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

static void
add_bound (JsonBuilder *builder,
           const char  *member,
           gboolean     has,
           double       value)
{
  if (!has)
    rb_json_add_null (builder, member);
  else if (is_integral (value))
    rb_json_add_int (builder, member, (gint64) value);
  else
    rb_json_add_double (builder, member, value);
}

JsonNode *
rb_template_to_json (RbTemplate *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);

  json_builder_begin_object (builder);
  add_template_summary_members (self, builder);
  rb_json_add_string (builder, "narrative", self->narrative);
  rb_json_add_string (builder, "mode", self->mode);
  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->parameters->len; i++)
    {
      RbTemplateParameter *parameter = g_ptr_array_index (self->parameters, i);

      json_builder_begin_object (builder);
      rb_json_add_string (builder, "name", parameter->name);
      rb_json_add_string (builder, "type", parameter->type);
      rb_json_add_string (builder, "title", parameter->title);
      rb_json_add_string (builder, "description", parameter->description);
      json_builder_set_member_name (builder, "default");
      if (parameter->default_value != NULL)
        json_builder_add_value (builder, json_node_copy (parameter->default_value));
      else
        json_builder_add_null_value (builder);
      add_bound (builder, "min", parameter->has_min, parameter->min);
      add_bound (builder, "max", parameter->has_max, parameter->max);
      rb_json_add_string (builder, "arrayOf", parameter->array_of);
      rb_json_add_bool (builder, "required", parameter->required);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

RbTemplate *
rb_template_new_from_json (JsonObject  *object,
                           GError     **error)
{
  g_autoptr(RbTemplate) self = NULL;
  JsonNode *node;

  g_return_val_if_fail (object != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (RB_TYPE_TEMPLATE, NULL);
  self->display_name = g_strdup ("The template");
  node = json_object_get_member (object, "id");
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
      json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_free (self->display_name);
      self->display_name = g_strdup_printf ("Template %s", json_node_get_string (node));
    }

  if (!read_string (object, "id", "id", TRUE, &self->id, self->display_name, error) ||
      !read_string (object, "title", "title", FALSE, &self->title, self->display_name, error) ||
      !read_string (object, "version", "version", FALSE, &self->version, self->display_name,
                    error) ||
      !read_string (object, "description", "description", FALSE, &self->description,
                    self->display_name, error) ||
      !read_string (object, "captureKey", "captureKey", FALSE, &self->capture_key,
                    self->display_name, error) ||
      !read_string (object, "narrative", "narrative", FALSE, &self->narrative,
                    self->display_name, error) ||
      !read_string (object, "mode", "mode", FALSE, &self->mode, self->display_name, error))
    return NULL;
  if (self->mode == NULL)
    self->mode = g_strdup ("simulation");

  node = json_object_get_member (object, "tags");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          invalid (error, self->display_name, "tags must be a list of strings");
          return NULL;
        }
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *tag = json_array_get_element (array, i);

          if (!JSON_NODE_HOLDS_VALUE (tag) || json_node_get_value_type (tag) != G_TYPE_STRING)
            {
              invalid (error, self->display_name, "tags[%u] must be a string", i);
              return NULL;
            }
          g_strv_builder_add (builder, json_node_get_string (tag));
        }
      g_strfreev (self->tags);
      self->tags = g_strv_builder_end (builder);
    }

  node = json_object_get_member (object, "parameters");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (node))
        {
          invalid (error, self->display_name, "parameters must be a list");
          return NULL;
        }
      array = json_node_get_array (node);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          RbTemplateParameter *parameter;

          parameter = parse_parameter (json_array_get_element (array, i), i,
                                       self->display_name, error);
          if (parameter == NULL)
            return NULL;
          if (rb_template_find_parameter (self, parameter->name) != NULL)
            {
              invalid (error, self->display_name, "parameter %s is declared twice",
                       parameter->name);
              rb_template_parameter_free (parameter);
              return NULL;
            }
          g_ptr_array_add (self->parameters, parameter);
        }
    }
  return g_steal_pointer (&self);
}

/* }}} */

/* Getters {{{ */

const RbTemplateParameter *
rb_template_find_parameter (RbTemplate *self,
                            const char *name)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);

  for (guint i = 0; i < self->parameters->len; i++)
    {
      RbTemplateParameter *parameter = g_ptr_array_index (self->parameters, i);

      if (g_str_equal (parameter->name, name))
        return parameter;
    }
  return NULL;
}

const char *
rb_template_get_id (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->id;
}

const char *
rb_template_get_title (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->title;
}

const char *
rb_template_get_version (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->version;
}

const char *
rb_template_get_description (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->description;
}

const char *
rb_template_get_narrative (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->narrative;
}

const char *
rb_template_get_mode (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->mode;
}

const char *
rb_template_get_capture_key (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->capture_key;
}

const char * const *
rb_template_get_tags (RbTemplate *self)
{
  static const char * const empty[] = { NULL };

  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->tags != NULL ? (const char * const *) self->tags : empty;
}

GPtrArray *
rb_template_get_parameters (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->parameters;
}

const char *
rb_template_get_display_name (RbTemplate *self)
{
  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  return self->display_name;
}

/* }}} */
