/* rb-yaml.c — YAML (libyaml events) into a json-glib tree
 *
 * Plain scalars resolve by the YAML 1.2 core schema; quoted and block
 * scalars stay strings. Aliases are expanded as deep copies, with a cap on
 * the expanded size so a "billion laughs" document fails instead of eating
 * memory, and a cap on nesting so later recursive walks stay safe.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-yaml"

#include "config.h"

#include <errno.h>
#include <math.h>
#include <string.h>
#include <yaml.h>

#include "rb-error.h"
#include "rb-yaml.h"

#define MAX_DEPTH       256
#define MAX_VALUES      1000000

typedef struct
{
  JsonNode *node;         /* the object or array being filled */
  char     *anchor;
  char     *pending_key;  /* mappings: the key waiting for its value */
  guint64   size;         /* values in this subtree, aliases expanded */
  gsize     start_line;   /* 0-based line of the opening event */
} Frame;

typedef struct
{
  JsonNode *node;
  guint64   size;
} Anchor;

typedef struct
{
  const char  *display_name;
  GPtrArray   *stack;     /* Frame* */
  GHashTable  *anchors;   /* name → Anchor* */
  JsonNode    *root;
  guint64      root_size;
  GHashTable  *lines;     /* nullable: JsonNode*, JsonObject*, JsonArray* → 1-based line */
  GError     **error;
} State;

static void
frame_free (gpointer data)
{
  Frame *frame = data;

  g_clear_pointer (&frame->node, json_node_unref);
  g_free (frame->anchor);
  g_free (frame->pending_key);
  g_free (frame);
}

static void
anchor_free (gpointer data)
{
  Anchor *anchor = data;

  json_node_unref (anchor->node);
  g_free (anchor);
}

static void
set_error (State      *state,
           gsize       line,
           const char *format,
           ...) G_GNUC_PRINTF (3, 4);

static void
set_error (State      *state,
           gsize       line,
           const char *format,
           ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (state->error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
               "%s is not valid YAML at line %" G_GSIZE_FORMAT ": %s",
               state->display_name, line + 1, reason);
}

/* Scalars {{{ */

static gboolean
all_digits (const char *s,
            gsize       len,
            gboolean  (*is_digit) (char))
{
  if (len == 0)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!is_digit (s[i]))
        return FALSE;
    }
  return TRUE;
}

static gboolean
is_dec (char c)
{
  return c >= '0' && c <= '9';
}

static gboolean
is_oct (char c)
{
  return c >= '0' && c <= '7';
}

static gboolean
is_hex (char c)
{
  return g_ascii_isxdigit (c);
}

/* [-+]? ( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
static gboolean
is_core_float (const char *s,
               gsize       len)
{
  gsize i = 0;
  gsize digits = 0;

  if (i < len && (s[i] == '-' || s[i] == '+'))
    i++;
  if (i < len && s[i] == '.')
    {
      i++;
      while (i < len && is_dec (s[i]))
        i++, digits++;
      if (digits == 0)
        return FALSE;
    }
  else
    {
      while (i < len && is_dec (s[i]))
        i++, digits++;
      if (digits == 0)
        return FALSE;
      if (i < len && s[i] == '.')
        {
          i++;
          while (i < len && is_dec (s[i]))
            i++;
        }
    }
  if (i < len && (s[i] == 'e' || s[i] == 'E'))
    {
      gsize exp_digits = 0;

      i++;
      if (i < len && (s[i] == '-' || s[i] == '+'))
        i++;
      while (i < len && is_dec (s[i]))
        i++, exp_digits++;
      if (exp_digits == 0)
        return FALSE;
    }
  return i == len;
}

static gboolean
is_one_of (const char  *s,
           const char **words)
{
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (g_str_equal (s, words[i]))
        return TRUE;
    }
  return FALSE;
}

static JsonNode *
string_node (const char *s)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, s);
  return node;
}

static JsonNode *
double_node (double value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_double (node, value);
  return node;
}

static JsonNode *
int_or_double_node (const char *s,
                    int         base)
{
  JsonNode *node;
  char *end = NULL;
  gint64 value;

  errno = 0;
  value = g_ascii_strtoll (s, &end, base);
  if (errno == ERANGE)
    {
      /* Too large for int64: keep the magnitude as a double. */
      if (base == 10)
        return double_node (g_ascii_strtod (s, NULL));
      return double_node (value < 0 ? -HUGE_VAL : HUGE_VAL);
    }
  node = json_node_new (JSON_NODE_VALUE);
  json_node_set_int (node, value);
  return node;
}

/* YAML 1.2 core schema resolution of a plain scalar. */
static JsonNode *
resolve_plain (const char *s,
               gsize       len)
{
  static const char *nulls[] = { "~", "null", "Null", "NULL", NULL };
  static const char *trues[] = { "true", "True", "TRUE", NULL };
  static const char *falses[] = { "false", "False", "FALSE", NULL };
  static const char *pos_inf[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
  static const char *neg_inf[] = { "-.inf", "-.Inf", "-.INF", NULL };
  static const char *nans[] = { ".nan", ".NaN", ".NAN", NULL };
  gsize sign;

  if (len == 0 || is_one_of (s, nulls))
    return json_node_new (JSON_NODE_NULL);

  if (is_one_of (s, trues) || is_one_of (s, falses))
    {
      JsonNode *node = json_node_new (JSON_NODE_VALUE);

      json_node_set_boolean (node, s[0] == 't' || s[0] == 'T');
      return node;
    }

  sign = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  if (all_digits (s + sign, len - sign, is_dec))
    return int_or_double_node (s, 10);
  if (len > 2 && s[0] == '0' && s[1] == 'o' && all_digits (s + 2, len - 2, is_oct))
    return int_or_double_node (s + 2, 8);
  if (len > 2 && s[0] == '0' && s[1] == 'x' && all_digits (s + 2, len - 2, is_hex))
    return int_or_double_node (s + 2, 16);

  if (is_core_float (s, len))
    return double_node (g_ascii_strtod (s, NULL));
  if (is_one_of (s, pos_inf))
    return double_node (INFINITY);
  if (is_one_of (s, neg_inf))
    return double_node (-INFINITY);
  if (is_one_of (s, nans))
    return double_node (NAN);

  return string_node (s);
}

static JsonNode *
resolve_scalar (const yaml_event_t *event)
{
  const char *value = (const char *) event->data.scalar.value;
  const char *tag = (const char *) event->data.scalar.tag;
  gsize len = event->data.scalar.length;

  /* Embedded NUL (from "\0" escapes) cannot live in a C string. */
  len = strnlen (value, len);

  if (tag != NULL)
    {
      if (g_str_equal (tag, YAML_STR_TAG) || g_str_equal (tag, "!"))
        return string_node (value);
      return resolve_plain (value, len);
    }
  if (event->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
    return string_node (value);
  return resolve_plain (value, len);
}

/* }}} */

static JsonNode *
deep_copy (JsonNode *node)
{
  JsonNode *copy;

  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *src = json_node_get_object (node);
        JsonObject *dest = json_object_new ();
        g_autoptr(GList) members = json_object_get_members (src);

        for (GList *l = members; l != NULL; l = l->next)
          json_object_set_member (dest, l->data,
                                  deep_copy (json_object_get_member (src, l->data)));
        copy = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (copy, dest);
      }
      return copy;

    case JSON_NODE_ARRAY:
      {
        JsonArray *src = json_node_get_array (node);
        JsonArray *dest = json_array_sized_new (json_array_get_length (src));

        for (guint i = 0; i < json_array_get_length (src); i++)
          json_array_add_element (dest, deep_copy (json_array_get_element (src, i)));
        copy = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (copy, dest);
      }
      return copy;

    case JSON_NODE_VALUE:
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

/* Places a finished value in its parent. @key_text is the scalar's text
 * when the value came from a scalar (it may be a mapping key). Takes
 * ownership of @node. */
static void
record_line (State    *state,
             JsonNode *node,
             gsize     line)
{
  gpointer value = GSIZE_TO_POINTER (line + 1);

  if (state->lines == NULL)
    return;
  g_hash_table_insert (state->lines, node, value);
  if (JSON_NODE_HOLDS_OBJECT (node))
    g_hash_table_insert (state->lines, json_node_get_object (node), value);
  else if (JSON_NODE_HOLDS_ARRAY (node))
    g_hash_table_insert (state->lines, json_node_get_array (node), value);
}

static gboolean
add_value (State      *state,
           JsonNode   *node,
           guint64     size,
           const char *key_text,
           const char *anchor,
           gsize       line)
{
  Frame *top;

  if (anchor != NULL)
    {
      Anchor *a = g_new0 (Anchor, 1);

      a->node = json_node_ref (node);
      a->size = size;
      g_hash_table_replace (state->anchors, g_strdup (anchor), a);
    }

  if (state->stack->len == 0)
    {
      if (state->root != NULL)
        {
          json_node_unref (node);
          set_error (state, line, "more than one value at the top level");
          return FALSE;
        }
      state->root = node;
      state->root_size = size;
      return TRUE;
    }

  top = g_ptr_array_index (state->stack, state->stack->len - 1);
  top->size += size;
  if (top->size > MAX_VALUES)
    {
      json_node_unref (node);
      set_error (state, line, "the document expands to more than %d values", MAX_VALUES);
      return FALSE;
    }

  if (json_node_get_node_type (top->node) == JSON_NODE_ARRAY)
    {
      json_array_add_element (json_node_get_array (top->node), node);
      return TRUE;
    }

  if (top->pending_key == NULL)
    {
      json_node_unref (node);
      if (key_text == NULL)
        {
          set_error (state, line, "a mapping key must be a plain value, not a list or mapping");
          return FALSE;
        }
      if (json_object_has_member (json_node_get_object (top->node), key_text))
        {
          set_error (state, line, "duplicate key \"%s\"", key_text);
          return FALSE;
        }
      top->pending_key = g_strdup (key_text);
      return TRUE;
    }

  json_object_set_member (json_node_get_object (top->node), top->pending_key, node);
  g_clear_pointer (&top->pending_key, g_free);
  return TRUE;
}

static gboolean
handle_event (State        *state,
              yaml_event_t *event,
              gboolean     *done)
{
  gsize line = event->start_mark.line;

  switch (event->type)
    {
    case YAML_STREAM_START_EVENT:
    case YAML_DOCUMENT_END_EVENT:
    case YAML_NO_EVENT:
      return TRUE;

    case YAML_STREAM_END_EVENT:
      *done = TRUE;
      return TRUE;

    case YAML_DOCUMENT_START_EVENT:
      if (state->root != NULL)
        {
          set_error (state, line, "more than one document");
          return FALSE;
        }
      return TRUE;

    case YAML_SCALAR_EVENT:
      {
        const char *text = (const char *) event->data.scalar.value;
        JsonNode *node = resolve_scalar (event);

        record_line (state, node, line);
        return add_value (state, node, 1, text,
                          (const char *) event->data.scalar.anchor, line);
      }

    case YAML_ALIAS_EVENT:
      {
        const char *name = (const char *) event->data.alias.anchor;
        Anchor *anchor = g_hash_table_lookup (state->anchors, name);
        const char *key_text = NULL;

        if (anchor == NULL)
          {
            set_error (state, line, "unknown alias \"*%s\"", name);
            return FALSE;
          }
        if (JSON_NODE_HOLDS_VALUE (anchor->node) &&
            json_node_get_value_type (anchor->node) == G_TYPE_STRING)
          key_text = json_node_get_string (anchor->node);
        if (anchor->size > MAX_VALUES)
          {
            set_error (state, line, "the document expands to more than %d values", MAX_VALUES);
            return FALSE;
          }
        {
          JsonNode *copy = deep_copy (anchor->node);

          record_line (state, copy, line);
          return add_value (state, copy, anchor->size, key_text, NULL, line);
        }
      }

    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
      {
        Frame *frame;
        gboolean is_seq = event->type == YAML_SEQUENCE_START_EVENT;
        const char *anchor = is_seq ? (const char *) event->data.sequence_start.anchor
                                    : (const char *) event->data.mapping_start.anchor;

        if (state->stack->len >= MAX_DEPTH)
          {
            set_error (state, line, "nesting is deeper than %d levels", MAX_DEPTH);
            return FALSE;
          }
        frame = g_new0 (Frame, 1);
        frame->size = 1;
        frame->start_line = line;
        frame->anchor = g_strdup (anchor);
        if (is_seq)
          {
            frame->node = json_node_new (JSON_NODE_ARRAY);
            json_node_take_array (frame->node, json_array_new ());
          }
        else
          {
            frame->node = json_node_new (JSON_NODE_OBJECT);
            json_node_take_object (frame->node, json_object_new ());
          }
        g_ptr_array_add (state->stack, frame);
        return TRUE;
      }

    case YAML_SEQUENCE_END_EVENT:
    case YAML_MAPPING_END_EVENT:
      {
        Frame *frame = g_ptr_array_steal_index (state->stack, state->stack->len - 1);
        JsonNode *node = g_steal_pointer (&frame->node);
        g_autofree char *anchor = g_steal_pointer (&frame->anchor);
        guint64 size = frame->size;

        record_line (state, node, frame->start_line);
        frame_free (frame);
        return add_value (state, node, size, NULL, anchor, line);
      }

    default:
      return TRUE;
    }
}

static JsonNode *
parse_internal (const char  *data,
                gsize        length,
                const char  *display_name,
                GHashTable  *lines,
                GError     **error)
{
  yaml_parser_t parser;
  State state = { 0 };
  gboolean done = FALSE;
  gboolean ok = TRUE;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  state.display_name = display_name != NULL ? display_name : "YAML";
  state.stack = g_ptr_array_new_with_free_func (frame_free);
  state.anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, anchor_free);
  state.lines = lines;
  state.error = error;

  if (!yaml_parser_initialize (&parser))
    g_error ("Out of memory initialising the YAML parser");
  yaml_parser_set_input_string (&parser, (const unsigned char *) (data != NULL ? data : ""), length);

  while (ok && !done)
    {
      yaml_event_t event;

      if (!yaml_parser_parse (&parser, &event))
        {
          const char *problem = parser.problem != NULL ? parser.problem : "syntax error";
          gsize line = parser.problem_mark.line;

          /* Reader errors (bad encoding) give a byte offset, not a mark. */
          if (parser.error == YAML_READER_ERROR)
            {
              line = 0;
              for (gsize i = 0; i < parser.problem_offset && i < length; i++)
                {
                  if (data[i] == '\n')
                    line++;
                }
              problem = "it is not UTF-8 text";
            }
          set_error (&state, line, "%s", problem);
          ok = FALSE;
          break;
        }
      ok = handle_event (&state, &event, &done);
      yaml_event_delete (&event);
    }

  yaml_parser_delete (&parser);
  g_ptr_array_unref (state.stack);
  g_hash_table_unref (state.anchors);

  if (!ok)
    {
      g_clear_pointer (&state.root, json_node_unref);
      return NULL;
    }
  if (state.root == NULL)
    return json_node_new (JSON_NODE_NULL);
  return state.root;
}

JsonNode *
rb_yaml_parse (const char  *data,
               gsize        length,
               const char  *display_name,
               GError     **error)
{
  return parse_internal (data, length, display_name, NULL, error);
}

JsonNode *
rb_yaml_parse_with_lines (const char  *data,
                          gsize        length,
                          const char  *display_name,
                          GHashTable **lines,
                          GError     **error)
{
  g_autoptr(GHashTable) table = g_hash_table_new (NULL, NULL);
  JsonNode *root;

  g_return_val_if_fail (lines != NULL && *lines == NULL, NULL);

  root = parse_internal (data, length, display_name, table, error);
  if (root == NULL)
    return NULL;
  *lines = g_steal_pointer (&table);
  return root;
}

guint
rb_yaml_line (GHashTable    *lines,
              gconstpointer  item)
{
  if (lines == NULL || item == NULL)
    return 0;
  return GPOINTER_TO_UINT (g_hash_table_lookup (lines, item));
}
