/* rb-template-instantiate.c — parameters in, model YAML out
 *
 * As FlowTime does: merge the defaults with the request, then replace every
 * ${name} in the raw text with the formatted value (numbers invariant,
 * booleans lower-case, arrays "[a, b]", strings quoted when empty or holding
 * whitespace, ':' or '#'; an array placeholder written in quotes, "${x}",
 * loses its quotes). Unlike FlowTime we validate every parameter (not only
 * array elements), refuse placeholders that name no parameter, and also
 * quote strings that start with a YAML indicator so the result always
 * parses as the string that was given.
 *
 * window.start → grid.start is done on the text too, so the model keeps the
 * author's layout and comments: a line "start: "<value>"" is inserted as the
 * first entry of the top-level grid mapping (or after the '{' of a flow
 * mapping), and the result is parsed again to check that grid.start is now
 * the window's start.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-template"

#include "config.h"

#include <string.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-template-private.h"
#include "rb-yaml.h"

/* Merging and validation {{{ */

static JsonObject *
merge_parameters (RbTemplate  *self,
                  JsonObject  *request,
                  GError     **error)
{
  g_autoptr(JsonObject) merged = json_object_new ();

  if (request != NULL)
    {
      g_autoptr(GList) names = json_object_get_members (request);

      /* Sorted, so the first unknown name reported does not depend on hashing. */
      names = g_list_sort (names, (GCompareFunc) strcmp);
      for (GList *l = names; l != NULL; l = l->next)
        {
          const char *name = l->data;

          if (rb_template_find_parameter (self, name) == NULL)
            {
              g_autofree char *field = g_strconcat ("parameters.", name, NULL);
              rb_set_error_field (error, RB_ERROR_INVALID_PARAMETER, field,
                                  "parameters.%s is not a parameter of template %s",
                                  name, self->id);
              return NULL;
            }
        }
    }

  for (guint i = 0; i < self->parameters->len; i++)
    {
      RbTemplateParameter *parameter = g_ptr_array_index (self->parameters, i);
      g_autofree char *field = g_strconcat ("parameters.", parameter->name, NULL);
      JsonNode *value = NULL;
      JsonNode *normalized = NULL;
      g_autofree char *problem = NULL;

      if (request != NULL)
        value = json_object_get_member (request, parameter->name);
      if (value == NULL)
        value = parameter->default_value;
      if (value == NULL)
        {
          if (parameter->required)
            {
              rb_set_error_field (error, RB_ERROR_INVALID_PARAMETER, field,
                                  "%s is required", field);
              return NULL;
            }
          continue;
        }
      problem = rb_template_check_value (parameter, value, &normalized);
      if (problem != NULL)
        {
          rb_set_error_field (error, RB_ERROR_INVALID_PARAMETER, field,
                              "%s%s%s", field, problem[0] == '[' ? "" : " ", problem);
          return NULL;
        }
      json_object_set_member (merged, parameter->name, normalized);
    }
  return g_steal_pointer (&merged);
}

/* }}} */

/* Formatting {{{ */

static void
append_number (GString  *out,
               JsonNode *node)
{
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
  else
    rb_number_append (out, json_node_get_double (node));
}

static gboolean
string_needs_quotes (const char *value)
{
  if (value[0] == '\0' || strchr ("-?[]{},&*!|>'\"%@`", value[0]) != NULL)
    return TRUE;
  for (const char *p = value; *p != '\0'; p++)
    {
      if (g_ascii_isspace (*p) || *p == ':' || *p == '#' || (guchar) *p < 0x20)
        return TRUE;
    }
  return FALSE;
}

static void
append_string (GString    *out,
               const char *value,
               gboolean    always_quote)
{
  if (!always_quote && !string_needs_quotes (value))
    {
      g_string_append (out, value);
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if ((guchar) *p < 0x20)
            g_string_append_printf (out, "\\x%02x", (guchar) *p);
          else
            g_string_append_c (out, *p);
          break;
        }
    }
  g_string_append_c (out, '"');
}

void
rb_template_format_value (GString  *out,
                          JsonNode *node)
{
  g_return_if_fail (out != NULL && node != NULL);

  if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      g_string_append_c (out, '[');
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          if (i > 0)
            g_string_append (out, ", ");
          rb_template_format_value (out, json_array_get_element (array, i));
        }
      g_string_append_c (out, ']');
      return;
    }
  if (!JSON_NODE_HOLDS_VALUE (node))
    {
      g_string_append (out, "null");
      return;
    }
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_INT64:
    case G_TYPE_DOUBLE:
      append_number (out, node);
      break;
    case G_TYPE_BOOLEAN:
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
      break;
    case G_TYPE_STRING:
      append_string (out, json_node_get_string (node), FALSE);
      break;
    default:
      g_string_append (out, "null");
      break;
    }
}

/* }}} */

/* Substitution {{{ */

static guint
line_of (const char *text,
         const char *p)
{
  guint line = 1;

  for (const char *q = text; q < p; q++)
    {
      if (*q == '\n')
        line++;
    }
  return line;
}

static char *
substitute (RbTemplate  *self,
            JsonObject  *merged,
            GError     **error)
{
  const char *text = self->text;
  g_autoptr(GString) out = g_string_sized_new (self->length + 256);
  const char *p = text;

  for (;;)
    {
      const char *start = strstr (p, "${");
      const char *end;
      g_autofree char *name = NULL;
      const RbTemplateParameter *parameter;
      JsonNode *value;
      gboolean quoted = FALSE;

      if (start == NULL)
        break;
      end = start + 2;
      while (*end != '\0' && *end != '}' && *end != '\n')
        end++;
      if (*end != '}')
        {
          /* "${" with no closing brace on its line is not a placeholder. */
          g_string_append_len (out, p, start + 2 - p);
          p = start + 2;
          continue;
        }
      name = g_strndup (start + 2, end - (start + 2));
      parameter = rb_template_find_parameter (self, name);
      if (parameter == NULL)
        {
          g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                       "%s: line %u uses the placeholder ${%s}, which names no parameter",
                       self->display_name, line_of (text, start), name);
          return NULL;
        }
      value = json_object_get_member (merged, name);
      if (value == NULL)
        {
          g_autofree char *field = g_strconcat ("parameters.", name, NULL);
          rb_set_error_field (error, RB_ERROR_INVALID_PARAMETER, field,
                              "%s must be given (the template has no default for it)", field);
          return NULL;
        }

      /* "${list}" / '${list}': a structured value replaces the quotes too. */
      if (g_str_equal (parameter->type, "array") && start > p &&
          (start[-1] == '"' || start[-1] == '\'') && end[1] == start[-1])
        quoted = TRUE;

      g_string_append_len (out, p, (start - (quoted ? 1 : 0)) - p);
      rb_template_format_value (out, value);
      p = end + 1 + (quoted ? 1 : 0);
    }
  g_string_append (out, p);
  return g_string_free (g_steal_pointer (&out), FALSE);
}

/* }}} */

/* window.start → grid.start {{{ */

static const char *
skip_blanks (const char *p)
{
  while (*p == ' ' || *p == '\t')
    p++;
  return p;
}

/* The start of the top-level "grid:" line, or NULL. */
static const char *
find_grid_line (const char *text)
{
  const char *line = text;

  while (line != NULL && *line != '\0')
    {
      if (g_str_has_prefix (line, "grid") && *skip_blanks (line + 4) == ':')
        return line;
      line = strchr (line, '\n');
      if (line != NULL)
        line++;
    }
  return NULL;
}

static char *
insert_grid_start (const char *text,
                   const char *start)
{
  g_autoptr(GString) entry = g_string_new (NULL);
  g_autoptr(GString) out = g_string_new (NULL);
  const char *grid = find_grid_line (text);
  const char *after_colon;
  const char *eol;

  if (grid == NULL)
    return NULL;
  after_colon = skip_blanks (strchr (grid, ':') + 1);
  eol = strchr (grid, '\n');

  g_string_append (entry, "start: ");
  append_string (entry, start, TRUE);

  if (*after_colon == '{')
    {
      const char *inside = skip_blanks (after_colon + 1);

      g_string_append_len (out, text, after_colon + 1 - text);
      g_string_append_c (out, ' ');
      g_string_append (out, entry->str);
      if (*inside != '}')
        g_string_append_c (out, ',');
      g_string_append_c (out, ' ');
      g_string_append (out, inside);
      return g_string_free (g_steal_pointer (&out), FALSE);
    }

  if (eol == NULL)
    return NULL;

  /* The indentation of the mapping's first entry. */
  for (const char *line = eol + 1; *line != '\0';)
    {
      const char *content = skip_blanks (line);
      const char *next = strchr (line, '\n');

      if (*content != '\n' && *content != '\0' && *content != '#' && *content != '\r')
        {
          if (content == line)
            return NULL;   /* not a block mapping under grid: */
          g_string_append_len (out, text, eol + 1 - text);
          g_string_append_len (out, line, content - line);
          g_string_append (out, entry->str);
          g_string_append_c (out, '\n');
          g_string_append (out, eol + 1);
          return g_string_free (g_steal_pointer (&out), FALSE);
        }
      if (next == NULL)
        break;
      line = next + 1;
    }
  return NULL;
}

/* Parses @text (the substituted model) and, when the window has a start and
 * the grid has none, returns a copy with grid.start inserted. */
static char *
apply_window_start (RbTemplate  *self,
                    char        *text,
                    GError     **error)
{
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(JsonNode) reparsed = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *owned = text;
  g_autofree char *inserted = NULL;
  JsonObject *window;
  JsonObject *grid;
  JsonNode *start;

  root = rb_yaml_parse (text, strlen (text), self->display_name, &local_error);
  if (root == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "After substituting the parameters, %s", local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "%s: a template must be a YAML mapping", self->display_name);
      return NULL;
    }
  window = rb_json_get_object (json_node_get_object (root), "window");
  grid = rb_json_get_object (json_node_get_object (root), "grid");
  if (grid == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "%s: grid must be a mapping", self->display_name);
      return NULL;
    }
  start = window != NULL ? json_object_get_member (window, "start") : NULL;
  if (start == NULL || JSON_NODE_HOLDS_NULL (start) || json_object_has_member (grid, "start"))
    return g_steal_pointer (&owned);
  if (!JSON_NODE_HOLDS_VALUE (start) || json_node_get_value_type (start) != G_TYPE_STRING)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "%s: window.start must be an ISO-8601 date and time", self->display_name);
      return NULL;
    }

  inserted = insert_grid_start (text, json_node_get_string (start));
  if (inserted != NULL)
    reparsed = rb_yaml_parse (inserted, strlen (inserted), self->display_name, NULL);
  if (reparsed == NULL || !JSON_NODE_HOLDS_OBJECT (reparsed) ||
      g_strcmp0 (rb_json_get_string (rb_json_get_object (json_node_get_object (reparsed), "grid"),
                                     "start"),
                 json_node_get_string (start)) != 0)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "%s: window.start could not be copied to grid.start "
                   "(write grid as a top-level mapping, or give grid.start)",
                   self->display_name);
      return NULL;
    }
  return g_steal_pointer (&inserted);
}

/* }}} */

char *
rb_template_instantiate (RbTemplate  *self,
                         JsonObject  *request,
                         JsonObject **merged,
                         GError     **error)
{
  g_autoptr(JsonObject) values = NULL;
  char *text;

  g_return_val_if_fail (RB_IS_TEMPLATE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (merged != NULL)
    *merged = NULL;

  values = merge_parameters (self, request, error);
  if (values == NULL)
    return NULL;

  if (self->text == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_TEMPLATE,
                   "Template %s has no model text here; it can only be run where it is stored",
                   self->id);
      return NULL;
    }

  text = substitute (self, values, error);
  if (text == NULL)
    return NULL;
  text = apply_window_start (self, text, error);
  if (text == NULL)
    return NULL;

  if (merged != NULL)
    *merged = g_steal_pointer (&values);
  return text;
}
