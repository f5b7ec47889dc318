/* test-json.c — the JSON writer's exact bytes, and parse errors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <unistd.h>

#include "rb-error.h"
#include "rb-json.h"
#include "rb-test-util.h"

static JsonNode *
build_sample (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  rb_json_add_int (builder, "schemaVersion", 1);
  rb_json_add_string (builder, "runId", "run_20261126T101530Z_abc");
  rb_json_add_double (builder, "whole", 2.0);
  rb_json_add_double (builder, "half", 12.5);
  rb_json_add_double (builder, "notANumber", NAN);
  rb_json_add_double (builder, "infinite", -INFINITY);
  rb_json_add_bool (builder, "ok", TRUE);
  rb_json_add_string (builder, "missing", NULL);
  rb_json_add_null (builder, "nothing");
  json_builder_set_member_name (builder, "warnings");
  json_builder_begin_array (builder);
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "parameters");
  json_builder_begin_object (builder);
  json_builder_end_object (builder);
  json_builder_set_member_name (builder, "series");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  rb_json_add_string (builder, "id", "a@A@DEFAULT");
  json_builder_set_member_name (builder, "bins");
  json_builder_begin_array (builder);
  rb_json_add_int (builder, NULL, 0);
  rb_json_add_int (builder, NULL, -3);
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  rb_json_add_int (builder, NULL, 7);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static const char sample_pretty[] =
  "{\n"
  "  \"schemaVersion\": 1,\n"
  "  \"runId\": \"run_20261126T101530Z_abc\",\n"
  "  \"whole\": 2,\n"
  "  \"half\": 12.5,\n"
  "  \"notANumber\": null,\n"
  "  \"infinite\": null,\n"
  "  \"ok\": true,\n"
  "  \"missing\": null,\n"
  "  \"nothing\": null,\n"
  "  \"warnings\": [],\n"
  "  \"parameters\": {},\n"
  "  \"series\": [\n"
  "    {\n"
  "      \"id\": \"a@A@DEFAULT\",\n"
  "      \"bins\": [\n"
  "        0,\n"
  "        -3\n"
  "      ]\n"
  "    },\n"
  "    7\n"
  "  ]\n"
  "}\n";

static void
test_writer_golden (void)
{
  g_autoptr(JsonNode) node = build_sample ();
  g_autofree char *data = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len = 0;

  data = rb_json_to_data (node, &len);
  g_assert_cmpstr (data, ==, sample_pretty);
  g_assert_cmpuint (len, ==, strlen (sample_pretty));

  bytes = rb_json_to_bytes (node);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                   sample_pretty, strlen (sample_pretty));
}

static void
test_writer_compact (void)
{
  g_autoptr(JsonNode) node = build_sample ();
  g_autofree char *data = rb_json_to_compact (node);

  g_assert_cmpstr (data, ==,
                   "{\"schemaVersion\":1,\"runId\":\"run_20261126T101530Z_abc\",\"whole\":2,"
                   "\"half\":12.5,\"notANumber\":null,\"infinite\":null,\"ok\":true,"
                   "\"missing\":null,\"nothing\":null,\"warnings\":[],\"parameters\":{},"
                   "\"series\":[{\"id\":\"a@A@DEFAULT\",\"bins\":[0,-3]},7]}");
}

static void
test_writer_member_order (void)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_OBJECT);
  g_autoptr(JsonObject) object = json_object_new ();
  g_autofree char *data = NULL;

  json_object_set_int_member (object, "zeta", 1);
  json_object_set_int_member (object, "alpha", 2);
  json_object_set_int_member (object, "mid", 3);
  /* Replacing a member keeps its place. */
  json_object_set_int_member (object, "alpha", 20);
  json_node_set_object (node, object);

  data = rb_json_to_compact (node);
  g_assert_cmpstr (data, ==, "{\"zeta\":1,\"alpha\":20,\"mid\":3}");
}

static void
test_writer_escapes (void)
{
  g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
  g_autofree char *data = NULL;

  json_node_set_string (node, "q\" b\\ n\n t\t r\r \x01\x1f / é ∞ 'x' <&>");
  data = rb_json_to_data (node, NULL);
  g_assert_cmpstr (data, ==,
                   "\"q\\\" b\\\\ n\\n t\\t r\\r \\u0001\\u001f / é ∞ 'x' <&>\"\n");

  /* A stray byte cannot make the output invalid UTF-8. */
  json_node_set_string (node, "a\xff" "b");
  g_clear_pointer (&data, g_free);
  data = rb_json_to_compact (node);
  g_assert_cmpstr (data, ==, "\"a\xef\xbf\xbd" "b\"");
  g_assert_true (g_utf8_validate (data, -1, NULL));

  /* A member name is escaped the same way. */
  {
    g_autoptr(JsonBuilder) builder = json_builder_new ();
    g_autoptr(JsonNode) root = NULL;
    g_autofree char *out = NULL;

    json_builder_begin_object (builder);
    rb_json_add_int (builder, "a\"b", 1);
    json_builder_end_object (builder);
    root = json_builder_get_root (builder);
    out = rb_json_to_data (root, NULL);
    g_assert_cmpstr (out, ==, "{\n  \"a\\\"b\": 1\n}\n");
  }
}

static void
test_writer_scalars (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0.0, "0\n" },
    { 1e15, "1E+15\n" },
    { 0.1, "0.1\n" },
    { -7.25, "-7.25\n" },
    { INFINITY, "null\n" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
      g_autofree char *data = NULL;

      json_node_set_double (node, cases[i].value);
      data = rb_json_to_data (node, NULL);
      g_assert_cmpstr (data, ==, cases[i].text);
    }

  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_VALUE);
    g_autofree char *data = NULL;

    json_node_set_int (node, G_MININT64);
    data = rb_json_to_compact (node);
    g_assert_cmpstr (data, ==, "-9223372036854775808");
  }
  {
    g_autoptr(JsonNode) node = json_node_new (JSON_NODE_NULL);
    g_autofree char *data = rb_json_to_data (node, NULL);

    g_assert_cmpstr (data, ==, "null\n");
  }
}

static void
test_parse_round_trip (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *data = NULL;
  g_autofree char *with_bom = g_strconcat ("\xef\xbb\xbf", sample_pretty, NULL);

  node = rb_json_parse (with_bom, -1, "run.json", &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  data = rb_json_to_data (node, NULL);
  g_assert_cmpstr (data, ==, sample_pretty);
}

static void
assert_parse_error (const char *text,
                    gssize      len,
                    const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = rb_json_parse (text, len, "run.json", &error);
  g_assert_null (node);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, message);
}

static void
test_parse_errors (void)
{
  assert_parse_error ("{\n  \"runId\": \"x\",\n  \"grid\": {", -1,
                      "run.json is not valid JSON at line 3: "
                      "the text ends before the JSON is complete");
  assert_parse_error ("{\n  \"runId\": \"x\\\"y", -1,
                      "run.json is not valid JSON at line 2: "
                      "the text ends before the JSON is complete");
  assert_parse_error ("{\"a\": 1} }", -1,
                      "run.json is not valid JSON at line 1: "
                      "unexpected character `}', expected end of file");
  assert_parse_error ("{\n\"a\": 1,\n\"b\": x}", -1,
                      "run.json is not valid JSON at line 3: "
                      "unexpected identifier `x', expected value");
  assert_parse_error ("[1, 2,]", -1,
                      "run.json is not valid JSON at line 1: "
                      "unexpected character `,', expected character `]'");
  assert_parse_error ("", 0, "run.json is empty");
  {
    g_autofree char *deep = g_strnfill (200000, '[');
    g_autofree char *ok_depth = NULL;
    g_autofree char *close = g_strnfill (512, ']');
    g_autoptr(JsonNode) node = NULL;

    assert_parse_error (deep, -1,
                        "run.json is not valid JSON at line 1: nesting is deeper than 512 levels");
    deep[512] = '\0';
    ok_depth = g_strconcat ("\n", deep, close, NULL);
    node = rb_json_parse (ok_depth, -1, "run.json", NULL);
    g_assert_nonnull (node);
    /* Brackets inside strings do not count. */
    g_clear_pointer (&node, json_node_unref);
    g_clear_pointer (&ok_depth, g_free);
    memset (deep, '[', 512);
    ok_depth = g_strconcat ("[\"", deep, deep, "\"]", NULL);
    node = rb_json_parse (ok_depth, -1, "run.json", NULL);
    g_assert_nonnull (node);
  }
  assert_parse_error (" \r\n\t\n", -1, "run.json is empty");
  assert_parse_error ("\xef\xbb\xbf", -1, "run.json is empty");
  assert_parse_error ("{\n\"a\": \"caf\xe9\"}", -1,
                      "run.json is not valid JSON at line 2: it is not UTF-8 text");
  assert_parse_error ("{\"a\": 1}\0{}", 11,
                      "run.json is not valid JSON at line 1: it contains a NUL byte");
}

static void
test_parse_file (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "run.json", NULL);
  g_autofree char *big = g_build_filename (dir, "big.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  int fd;

  node = rb_json_parse_file (path, "run.json", &error);
  g_assert_null (node);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "run.json is missing");
  g_clear_error (&error);

  rb_test_write_file (path, "{\"a\": [1, 2.5]}", -1);
  node = rb_json_parse_file (path, "run.json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (json_array_get_length (rb_json_get_array (json_node_get_object (node), "a")), ==, 2);

  rb_test_write_file (path, "{\"a\": [1,", -1);
  g_clear_pointer (&node, json_node_unref);
  node = rb_json_parse_file (path, "run.json", &error);
  g_assert_null (node);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==,
                   "run.json is not valid JSON at line 1: the text ends before the JSON is complete");
  g_clear_error (&error);

  /* A sparse file over the cap is refused before it is read. */
  fd = g_open (big, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ftruncate (fd, 64 * 1024 * 1024 + 1), ==, 0);
  close (fd);
  node = rb_json_parse_file (big, "big.json", &error);
  g_assert_null (node);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==, "big.json is larger than 64 MiB");

  rb_test_remove_tree (dir);
}

static void
test_getters (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  node = rb_json_parse ("{\"s\": \"x\", \"i\": 42, \"d\": 12.0, \"f\": 2.5, \"b\": true,"
                        " \"n\": null, \"o\": {\"k\": 1}, \"a\": [1]}", -1, "x.json", &error);
  g_assert_no_error (error);
  object = json_node_get_object (node);

  g_assert_cmpstr (rb_json_get_string (object, "s"), ==, "x");
  g_assert_null (rb_json_get_string (object, "i"));
  g_assert_null (rb_json_get_string (object, "n"));
  g_assert_null (rb_json_get_string (object, "absent"));
  g_assert_null (rb_json_get_string (NULL, "s"));

  g_assert_cmpint (rb_json_get_int (object, "i", -1), ==, 42);
  g_assert_cmpint (rb_json_get_int (object, "d", -1), ==, 12);
  g_assert_cmpint (rb_json_get_int (object, "f", -1), ==, -1);
  g_assert_cmpint (rb_json_get_int (object, "s", -1), ==, -1);
  g_assert_cmpint (rb_json_get_int (object, "o", -1), ==, -1);

  g_assert_cmpfloat (rb_json_get_double (object, "f", 0), ==, 2.5);
  g_assert_cmpfloat (rb_json_get_double (object, "i", 0), ==, 42.0);
  g_assert_cmpfloat (rb_json_get_double (object, "b", -1), ==, -1);

  g_assert_true (rb_json_get_bool (object, "b", FALSE));
  g_assert_true (rb_json_get_bool (object, "i", TRUE));
  g_assert_false (rb_json_get_bool (object, "absent", FALSE));

  g_assert_nonnull (rb_json_get_object (object, "o"));
  g_assert_null (rb_json_get_object (object, "a"));
  g_assert_nonnull (rb_json_get_array (object, "a"));
  g_assert_null (rb_json_get_array (object, "o"));
  g_assert_null (rb_json_get_array (object, "n"));
}

/* json-glib would cut "a\u0000b" to "a"; an escaped NUL must never shorten a
 * string (a bad id must not turn into a good one). */
static void
test_parse_escaped_nul (void)
{
  const char *text = "{\"runId\": \"run_a\\u0000/../x\", \"ok\": \"\\\\u0000\"}";
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = rb_json_parse (text, -1, "body", &error);
  JsonObject *object;

  g_assert_no_error (error);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "runId"), ==, "run_a\x01/../x");
  /* an escaped backslash followed by u0000 is plain text, left alone */
  g_assert_cmpstr (json_object_get_string_member (object, "ok"), ==, "\\u0000");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/json/parse/escaped-nul", test_parse_escaped_nul);
  g_test_add_func ("/json/writer/golden", test_writer_golden);
  g_test_add_func ("/json/writer/compact", test_writer_compact);
  g_test_add_func ("/json/writer/member-order", test_writer_member_order);
  g_test_add_func ("/json/writer/escapes", test_writer_escapes);
  g_test_add_func ("/json/writer/scalars", test_writer_scalars);
  g_test_add_func ("/json/parse/round-trip", test_parse_round_trip);
  g_test_add_func ("/json/parse/errors", test_parse_errors);
  g_test_add_func ("/json/parse/file", test_parse_file);
  g_test_add_func ("/json/getters", test_getters);

  return g_test_run ();
}
