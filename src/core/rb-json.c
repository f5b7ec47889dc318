/* rb-json.c — core's one JSON writer, and parse helpers over json-glib
 *
 * The writer walks the JsonNode tree itself instead of using JsonGenerator:
 * the exact layout and number forms are part of our file formats (golden
 * tests pin every byte), and JsonGenerator's double formatting and escaping
 * are not ours to choose.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-json"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-error.h"
#include "rb-fs.h"
#include "rb-json.h"
#include "rb-number.h"

/* Files we parse are small documents; anything larger is refused. */
#define RB_JSON_MAX_FILE_SIZE (64 * 1024 * 1024)

/* Writer {{{ */

static void
append_string (GString    *out,
               const char *str)
{
  const char *p = str;
  const char *end = str + strlen (str);

  g_string_append_c (out, '"');
  while (p < end)
    {
      guchar c = (guchar) *p;
      gunichar ch;

      if (c < 0x80)
        {
          switch (c)
            {
            case '"':
              g_string_append (out, "\\\"");
              break;
            case '\\':
              g_string_append (out, "\\\\");
              break;
            case '\b':
              g_string_append (out, "\\b");
              break;
            case '\f':
              g_string_append (out, "\\f");
              break;
            case '\n':
              g_string_append (out, "\\n");
              break;
            case '\r':
              g_string_append (out, "\\r");
              break;
            case '\t':
              g_string_append (out, "\\t");
              break;
            default:
              if (c < 0x20)
                g_string_append_printf (out, "\\u%04x", c);
              else
                g_string_append_c (out, (char) c);
              break;
            }
          p++;
          continue;
        }

      /* Non-ASCII is written as is when it is valid UTF-8; a stray byte
       * becomes U+FFFD so the output stays valid. */
      ch = g_utf8_get_char_validated (p, end - p);
      if (ch == (gunichar) -1 || ch == (gunichar) -2)
        {
          g_string_append (out, "\xef\xbf\xbd");
          p++;
        }
      else
        {
          const char *next = g_utf8_next_char (p);

          g_string_append_len (out, p, next - p);
          p = next;
        }
    }
  g_string_append_c (out, '"');
}

static void
append_value (GString  *out,
              JsonNode *node)
{
  GType type = json_node_get_value_type (node);

  if (type == G_TYPE_INT64)
    {
      g_string_append_printf (out, "%" G_GINT64_FORMAT, json_node_get_int (node));
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double value = json_node_get_double (node);

      if (isfinite (value))
        rb_number_append (out, value);
      else
        g_string_append (out, "null");
    }
  else if (type == G_TYPE_BOOLEAN)
    {
      g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
    }
  else if (type == G_TYPE_STRING)
    {
      const char *str = json_node_get_string (node);

      if (str != NULL)
        append_string (out, str);
      else
        g_string_append (out, "null");
    }
  else
    {
      g_string_append (out, "null");
    }
}

static void
append_indent (GString *out,
               guint    depth)
{
  for (guint i = 0; i < depth; i++)
    g_string_append (out, "  ");
}

static void
append_node (GString  *out,
             JsonNode *node,
             gboolean  pretty,
             guint     depth)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        g_autoptr(GList) members = json_object_get_members (object);

        if (members == NULL)
          {
            g_string_append (out, "{}");
            break;
          }
        g_string_append_c (out, '{');
        for (GList *l = members; l != NULL; l = l->next)
          {
            const char *name = l->data;

            if (pretty)
              {
                g_string_append_c (out, '\n');
                append_indent (out, depth + 1);
              }
            append_string (out, name);
            g_string_append (out, pretty ? ": " : ":");
            append_node (out, json_object_get_member (object, name), pretty, depth + 1);
            if (l->next != NULL)
              g_string_append_c (out, ',');
          }
        if (pretty)
          {
            g_string_append_c (out, '\n');
            append_indent (out, depth);
          }
        g_string_append_c (out, '}');
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);

        if (n == 0)
          {
            g_string_append (out, "[]");
            break;
          }
        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (pretty)
              {
                g_string_append_c (out, '\n');
                append_indent (out, depth + 1);
              }
            append_node (out, json_array_get_element (array, i), pretty, depth + 1);
            if (i + 1 < n)
              g_string_append_c (out, ',');
          }
        if (pretty)
          {
            g_string_append_c (out, '\n');
            append_indent (out, depth);
          }
        g_string_append_c (out, ']');
      }
      break;

    case JSON_NODE_VALUE:
      append_value (out, node);
      break;

    case JSON_NODE_NULL:
    default:
      g_string_append (out, "null");
      break;
    }
}

char *
rb_json_to_data (JsonNode *node,
                 gsize    *length)
{
  GString *out = g_string_sized_new (256);

  append_node (out, node, TRUE, 0);
  g_string_append_c (out, '\n');
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

GBytes *
rb_json_to_bytes (JsonNode *node)
{
  gsize len = 0;
  char *data = rb_json_to_data (node, &len);

  return g_bytes_new_take (data, len);
}

char *
rb_json_to_compact (JsonNode *node)
{
  GString *out = g_string_sized_new (128);

  append_node (out, node, FALSE, 0);
  return g_string_free (out, FALSE);
}

/* }}} */

/* Parser {{{ */

static guint
line_of_offset (const char *data,
                gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    {
      if (data[i] == '\n')
        line++;
    }
  return line;
}

static gboolean
is_blank (const char *data,
          gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isspace (data[i]))
        return FALSE;
    }
  return TRUE;
}

/* One pass over the text outside strings. json-glib's parser recurses
 * per level (a file of 100000 "[" overflows the stack), so depth is
 * checked before it runs. @truncated_line is set when the text stops
 * inside a string or an open [ or {: json-glib reports that with whatever
 * token it read last, which does not tell the reader the file was cut. */
#define RB_JSON_MAX_DEPTH 512

static void
scan_structure (const char *data,
                gsize       len,
                guint      *too_deep_line,
                guint      *truncated_line)
{
  gboolean in_string = FALSE;
  gsize depth = 0;
  gsize last = 0;

  *too_deep_line = 0;
  *truncated_line = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (!g_ascii_isspace (c))
        last = i;
      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
        }
      else if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        {
          if (++depth > RB_JSON_MAX_DEPTH)
            {
              *too_deep_line = line_of_offset (data, i);
              return;
            }
        }
      else if ((c == '}' || c == ']') && depth > 0)
        depth--;
    }
  if (in_string || depth > 0)
    *truncated_line = line_of_offset (data, last);
}

/* json-glib reports "<data>:LINE:COL: Parse error: REASON"; turn it into
 * our sentence. */
static void
set_parse_error (GError       **error,
                 const GError  *json_error,
                 guint          truncated_line,
                 const char    *display_name)
{
  const char *msg = json_error->message;
  const char *p = msg;
  guint64 line = 0;
  const char *reason;

  if (g_str_has_prefix (p, "<data>:"))
    {
      char *after = NULL;

      p += strlen ("<data>:");
      line = g_ascii_strtoull (p, &after, 10);
      if (after == p)
        line = 0;
      p = after;
    }

  if (truncated_line > 0 && (line == 0 || line >= truncated_line))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is not valid JSON at line %u: the text ends before the JSON is complete",
                   display_name, truncated_line);
      return;
    }

  reason = strstr (msg, "Parse error: ");
  if (reason != NULL)
    reason += strlen ("Parse error: ");
  else
    reason = msg;

  if (line > 0)
    g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                 "%s is not valid JSON at line %" G_GUINT64_FORMAT ": %s",
                 display_name, line, reason);
  else
    g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                 "%s is not valid JSON: %s", display_name, reason);
}

/* json-glib cuts a string at an escaped NUL ("a\u0000b" reads as "a"), which
 * could turn a bad id into a good one ("run_a\u0000/../x" would read as
 * "run_a"). Escaped NULs become U+0001, which no identifier accepts, so the
 * field at fault is still named, for every document we parse. */
static char *
neutralise_escaped_nul (const char *data,
                        gsize       len)
{
  GString *out = g_string_sized_new (len);
  gsize backslashes = 0;

  for (gsize i = 0; i < len; i++)
    {
      char c = data[i];

      if (c == 'u' && backslashes % 2 == 1 && i + 4 < len &&
          data[i + 1] == '0' && data[i + 2] == '0' && data[i + 3] == '0' && data[i + 4] == '0')
        {
          g_string_append (out, "u0001");
          i += 4;
          backslashes = 0;
          continue;
        }
      g_string_append_c (out, c);
      backslashes = c == '\\' ? backslashes + 1 : 0;
    }
  return g_string_free (out, FALSE);
}

JsonNode *
rb_json_parse (const char  *data,
               gssize       length,
               const char  *display_name,
               GError     **error)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *clean = NULL;
  const char *invalid = NULL;
  guint too_deep_line = 0;
  guint truncated_line = 0;
  JsonNode *root;
  gsize len;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  if (display_name == NULL)
    display_name = "JSON";
  if (data == NULL)
    data = "";
  len = length < 0 ? strlen (data) : (gsize) length;

  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    {
      data += 3;
      len -= 3;
    }

  if (is_blank (data, len))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is empty", display_name);
      return NULL;
    }

  if (!g_utf8_validate_len (data, len, &invalid))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is not valid JSON at line %u: %s",
                   display_name, line_of_offset (data, invalid - data),
                   *invalid == '\0' ? "it contains a NUL byte" : "it is not UTF-8 text");
      return NULL;
    }

  if (g_strstr_len (data, len, "\\u0000") != NULL)
    {
      clean = neutralise_escaped_nul (data, len);
      data = clean;
    }

  scan_structure (data, len, &too_deep_line, &truncated_line);
  if (too_deep_line > 0)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is not valid JSON at line %u: nesting is deeper than %d levels",
                   display_name, too_deep_line, RB_JSON_MAX_DEPTH);
      return NULL;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      set_parse_error (error, local_error, truncated_line, display_name);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is empty", display_name);
      return NULL;
    }
  return json_node_ref (root);
}

JsonNode *
rb_json_parse_file (const char  *path,
                    const char  *display_name,
                    GError     **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;
  const char *data;

  if (display_name == NULL)
    display_name = "JSON file";

  bytes = rb_fs_read_file (path, display_name, RB_JSON_MAX_FILE_SIZE, error);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &len);
  return rb_json_parse (data != NULL ? data : "", len, display_name, error);
}

/* }}} */

/* Getters {{{ */

static JsonNode *
get_value_node (JsonObject *object,
                const char *member)
{
  JsonNode *node;

  if (object == NULL || member == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || json_node_get_node_type (node) != JSON_NODE_VALUE)
    return NULL;
  return node;
}

const char *
rb_json_get_string (JsonObject *object,
                    const char *member)
{
  JsonNode *node = get_value_node (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
rb_json_get_int (JsonObject *object,
                 const char *member,
                 gint64      fallback)
{
  JsonNode *node = get_value_node (object, member);
  GType type;

  if (node == NULL)
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    return json_node_get_int (node);
  if (type == G_TYPE_DOUBLE)
    {
      /* 12.0 written by another producer is still the integer 12. */
      double value = json_node_get_double (node);

      if (isfinite (value) && value == floor (value) &&
          value >= -9007199254740992.0 && value <= 9007199254740992.0)
        return (gint64) value;
    }
  return fallback;
}

double
rb_json_get_double (JsonObject *object,
                    const char *member,
                    double      fallback)
{
  JsonNode *node = get_value_node (object, member);
  GType type;

  if (node == NULL)
    return fallback;
  type = json_node_get_value_type (node);
  if (type == G_TYPE_DOUBLE)
    return json_node_get_double (node);
  if (type == G_TYPE_INT64)
    return (double) json_node_get_int (node);
  return fallback;
}

gboolean
rb_json_get_bool (JsonObject *object,
                  const char *member,
                  gboolean    fallback)
{
  JsonNode *node = get_value_node (object, member);

  if (node == NULL || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    return fallback;
  return json_node_get_boolean (node);
}

JsonObject *
rb_json_get_object (JsonObject *object,
                    const char *member)
{
  JsonNode *node;

  if (object == NULL || member == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || json_node_get_node_type (node) != JSON_NODE_OBJECT)
    return NULL;
  return json_node_get_object (node);
}

JsonArray *
rb_json_get_array (JsonObject *object,
                   const char *member)
{
  JsonNode *node;

  if (object == NULL || member == NULL)
    return NULL;
  node = json_object_get_member (object, member);
  if (node == NULL || json_node_get_node_type (node) != JSON_NODE_ARRAY)
    return NULL;
  return json_node_get_array (node);
}

/* }}} */

/* Builder conveniences {{{ */

/* A NULL @member adds an array element instead of an object member. */
static void
set_name (JsonBuilder *builder,
          const char  *member)
{
  if (member != NULL)
    json_builder_set_member_name (builder, member);
}

void
rb_json_add_string (JsonBuilder *builder,
                    const char  *member,
                    const char  *value)
{
  set_name (builder, member);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
rb_json_add_int (JsonBuilder *builder,
                 const char  *member,
                 gint64       value)
{
  set_name (builder, member);
  json_builder_add_int_value (builder, value);
}

void
rb_json_add_double (JsonBuilder *builder,
                    const char  *member,
                    double       value)
{
  set_name (builder, member);
  json_builder_add_double_value (builder, value);
}

void
rb_json_add_bool (JsonBuilder *builder,
                  const char  *member,
                  gboolean     value)
{
  set_name (builder, member);
  json_builder_add_boolean_value (builder, value);
}

void
rb_json_add_null (JsonBuilder *builder,
                  const char  *member)
{
  set_name (builder, member);
  json_builder_add_null_value (builder);
}

/* }}} */
