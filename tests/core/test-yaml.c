/* test-yaml.c — YAML into JSON trees: core-schema scalars and errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <math.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-test-util.h"
#include "rb-yaml.h"

static JsonNode *
parse_ok (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = rb_yaml_parse (text, strlen (text), "model.yaml", &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_yaml_as_json (const char *yaml,
                     const char *json)
{
  g_autoptr(JsonNode) node = parse_ok (yaml);
  g_autofree char *compact = rb_json_to_compact (node);

  g_assert_cmpstr (compact, ==, json);
}

static void
assert_yaml_error (const char *yaml,
                   gssize      len,
                   const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = rb_yaml_parse (yaml, len < 0 ? strlen (yaml) : (gsize) len, "model.yaml", &error);
  g_assert_null (node);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_structure (void)
{
  assert_yaml_as_json ("schemaVersion: 1\n"
                       "grid:\n"
                       "  bins: 12\n"
                       "  binSize: 60\n"
                       "  binUnit: minutes\n"
                       "nodes:\n"
                       "  - id: arrivals\n"
                       "    kind: const\n"
                       "    values: [10, 12.5, 1e3]\n"
                       "  - {id: served, expr: \"MIN(arrivals, 8)\"}\n"
                       "empty_list: []\n"
                       "empty_map: {}\n",
                       "{\"schemaVersion\":1,\"grid\":{\"bins\":12,\"binSize\":60,\"binUnit\":\"minutes\"},"
                       "\"nodes\":[{\"id\":\"arrivals\",\"kind\":\"const\",\"values\":[10,12.5,1000]},"
                       "{\"id\":\"served\",\"expr\":\"MIN(arrivals, 8)\"}],"
                       "\"empty_list\":[],\"empty_map\":{}}");
}

static void
test_core_schema (void)
{
  assert_yaml_as_json ("[null, Null, NULL, ~, true, True, TRUE, false, FALSE,"
                       " 0, -12, +7, 0o17, 0x1F, 1.5, -0.5, .5, 1., 1e3, 1E-2, +1.5e+2]",
                       "[null,null,null,null,true,true,true,false,false,"
                       "0,-12,7,15,31,1.5,-0.5,0.5,1,1000,0.01,150]");
  /* Quoted, block and non-core plain forms stay strings. */
  assert_yaml_as_json ("['123', \"true\", \"null\", yes, no, on, 0b101, 1_000, 12:30, 0123abc,"
                       " '', \"\", .5.5, 1e, e3, nULL]",
                       "[\"123\",\"true\",\"null\",\"yes\",\"no\",\"on\",\"0b101\",\"1_000\","
                       "\"12:30\",\"0123abc\",\"\",\"\",\".5.5\",\"1e\",\"e3\",\"nULL\"]");
  assert_yaml_as_json ("a: |\n  line 1\n  42\nb: >-\n  folded\n  text\nc: !!str 5\nd: !!int 7\n",
                       "{\"a\":\"line 1\\n42\\n\",\"b\":\"folded text\",\"c\":\"5\",\"d\":7}");
  assert_yaml_as_json ("key:\nother: ~\n", "{\"key\":null,\"other\":null}");
  /* Mapping keys are their text. */
  assert_yaml_as_json ("1: one\ntrue: yes\nnull: x\n",
                       "{\"1\":\"one\",\"true\":\"yes\",\"null\":\"x\"}");
  /* Too large for int64: a double. */
  assert_yaml_as_json ("[9223372036854775807, 99999999999999999999]",
                       "[9223372036854775807,1E+20]");
}

static void
test_special_floats (void)
{
  g_autoptr(JsonNode) node = parse_ok ("[.inf, -.Inf, +.INF, .nan, .NaN]");
  JsonArray *array = json_node_get_array (node);

  g_assert_cmpuint (json_array_get_length (array), ==, 5);
  g_assert_true (isinf (json_array_get_double_element (array, 0)));
  g_assert_cmpfloat (json_array_get_double_element (array, 0), >, 0);
  g_assert_cmpfloat (json_array_get_double_element (array, 1), <, 0);
  g_assert_true (isinf (json_array_get_double_element (array, 2)));
  g_assert_true (isnan (json_array_get_double_element (array, 3)));
  g_assert_true (isnan (json_array_get_double_element (array, 4)));
}

static void
test_types (void)
{
  g_autoptr(JsonNode) node = parse_ok ("i: 3\nd: 3.0\ns: '3'\n");
  JsonObject *object = json_node_get_object (node);

  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "i")), ==, G_TYPE_INT64);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "d")), ==, G_TYPE_DOUBLE);
  g_assert_cmpint (json_node_get_value_type (json_object_get_member (object, "s")), ==, G_TYPE_STRING);
}

static void
test_anchors (void)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *root;
  JsonObject *a;
  JsonObject *b;

  assert_yaml_as_json ("base: &b {x: 1, y: [1, 2]}\ncopy: *b\nname: &n hello\nagain: *n\n",
                       "{\"base\":{\"x\":1,\"y\":[1,2]},\"copy\":{\"x\":1,\"y\":[1,2]},"
                       "\"name\":\"hello\",\"again\":\"hello\"}");

  /* Copies are independent trees. */
  node = parse_ok ("a: &x {k: 1}\nb: *x\n");
  root = json_node_get_object (node);
  a = json_object_get_object_member (root, "a");
  b = json_object_get_object_member (root, "b");
  g_assert_true (a != b);
  json_object_set_int_member (b, "k", 2);
  g_assert_cmpint (json_object_get_int_member (a, "k"), ==, 1);

  /* A merge key is an ordinary key. */
  assert_yaml_as_json ("a: &x {k: 1}\nb:\n  <<: *x\n",
                       "{\"a\":{\"k\":1},\"b\":{\"<<\":{\"k\":1}}}");
}

static void
test_bom_and_empty (void)
{
  g_autoptr(JsonNode) empty = parse_ok ("");
  g_autoptr(JsonNode) comment = parse_ok ("# nothing here\n");

  assert_yaml_as_json ("\xef\xbb\xbf" "a: 1\n", "{\"a\":1}");
  g_assert_cmpint (json_node_get_node_type (empty), ==, JSON_NODE_NULL);
  g_assert_cmpint (json_node_get_node_type (comment), ==, JSON_NODE_NULL);
  assert_yaml_as_json ("---\na: 1\n...\n", "{\"a\":1}");
  assert_yaml_as_json ("plain words", "\"plain words\"");
}

static void
test_errors (void)
{
  assert_yaml_error ("a: 1\nb: [1, 2\nc: 3\n", -1,
                     "model.yaml is not valid YAML at line 3: "
                     "did not find expected ',' or ']'");
  assert_yaml_error ("a: 1\n  b: 2\n", -1,
                     "model.yaml is not valid YAML at line 2: "
                     "mapping values are not allowed in this context");
  assert_yaml_error ("a: 1\nb: 2\na: 3\n", -1,
                     "model.yaml is not valid YAML at line 3: duplicate key \"a\"");
  assert_yaml_error ("a: *nope\n", -1,
                     "model.yaml is not valid YAML at line 1: unknown alias \"*nope\"");
  assert_yaml_error ("a: &r [*r]\n", -1,
                     "model.yaml is not valid YAML at line 1: unknown alias \"*r\"");
  assert_yaml_error ("? [1, 2]\n: x\n", -1,
                     "model.yaml is not valid YAML at line 1: "
                     "a mapping key must be a plain value, not a list or mapping");
  assert_yaml_error ("a: 1\n---\nb: 2\n", -1,
                     "model.yaml is not valid YAML at line 2: more than one document");
  assert_yaml_error ("a: 1\nb: caf\xe9\n", -1,
                     "model.yaml is not valid YAML at line 2: it is not UTF-8 text");
  assert_yaml_error ("a: \"unterminated\n", -1,
                     "model.yaml is not valid YAML at line 2: "
                     "found unexpected end of stream");
}

static void
test_limits (void)
{
  GString *deep = g_string_new (NULL);
  GString *laughs = g_string_new ("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");

  for (guint i = 0; i < 1000000; i++)
    g_string_append_c (deep, '[');
  assert_yaml_error (deep->str, -1,
                     "model.yaml is not valid YAML at line 1: nesting is deeper than 256 levels");
  g_string_free (deep, TRUE);

  /* "Billion laughs": each level multiplies by ten. */
  for (guint i = 1; i < 10; i++)
    g_string_append_printf (laughs, "a%u: &a%u [*a%u, *a%u, *a%u, *a%u, *a%u, *a%u, *a%u, *a%u, *a%u, *a%u]\n",
                            i, i, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1, i - 1);
  assert_yaml_error (laughs->str, -1,
                     "model.yaml is not valid YAML at line 6: "
                     "the document expands to more than 1000000 values");
  g_string_free (laughs, TRUE);
}

static void
parse_flowtime_dir (const char *subdir)
{
  g_autofree char *dir = rb_test_flowtime_path (subdir, NULL);
  g_autoptr(GDir) listing = NULL;
  const char *name;
  guint parsed = 0;

  if (dir == NULL)
    return;
  listing = g_dir_open (dir, 0, NULL);
  while (listing != NULL && (name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = NULL;
      gsize len = 0;

      if (!g_str_has_suffix (name, ".yaml"))
        continue;
      path = g_build_filename (dir, name, NULL);
      contents = rb_test_read_file (path, &len);
      node = rb_yaml_parse (contents, len, name, &error);
      g_assert_no_error (error);
      g_assert_nonnull (node);
      parsed++;
    }
  g_test_message ("parsed %u FlowTime YAML files in %s", parsed, subdir);
  g_assert_cmpuint (parsed, >, 0);
}

static void
test_flowtime_template (void)
{
  parse_flowtime_dir ("templates");
  parse_flowtime_dir ("templates-2025-10");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/yaml/structure", test_structure);
  g_test_add_func ("/yaml/core-schema", test_core_schema);
  g_test_add_func ("/yaml/special-floats", test_special_floats);
  g_test_add_func ("/yaml/types", test_types);
  g_test_add_func ("/yaml/anchors", test_anchors);
  g_test_add_func ("/yaml/bom-and-empty", test_bom_and_empty);
  g_test_add_func ("/yaml/errors", test_errors);
  g_test_add_func ("/yaml/limits", test_limits);
  g_test_add_func ("/yaml/flowtime-files", test_flowtime_template);

  return g_test_run ();
}
