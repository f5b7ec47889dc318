/* test-server.c — the real runboard-server on loopback, over HTTP
 *
 * Each test starts the built runboard-server (RUNBOARD_SERVER) on
 * 127.0.0.1:0 with a temp data folder, reads the port from its first line of
 * output and talks to it with a SoupSession (or a raw socket, to send paths
 * no client library would). The server dies with the test process even when
 * an assertion aborts it (PR_SET_PDEATHSIG).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>

#include "rb-data-dir.h"
#include "rb-test-runs.h"
#include "rb-test-util.h"

typedef struct
{
  char        *tmp;
  char        *data_dir;
  char        *log_path;
  RbTestServerProc *server;
  GSubprocess *proc;        /* the server's, borrowed */
  guint16      port;
  SoupSession *session;
} Fixture;

static void
server_start (Fixture    *f,
              const char *extra_arg)
{
  const char *extra[] = { extra_arg, NULL };

  f->server = rb_test_server_proc_start (f->data_dir, f->log_path, extra, NULL);
  f->proc = rb_test_server_proc_get_subprocess (f->server);
  f->port = rb_test_server_proc_get_port (f->server);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->tmp = rb_test_runs_make_data_dir (&f->data_dir);
  f->log_path = g_build_filename (f->tmp, "server.log", NULL);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  server_start (f, data);
}

/* The shared sample data folder (tests/data/sample), copied so nothing can
 * touch the original. */
static void
fixture_setup_sample (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);

  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = g_build_filename (f->tmp, "data", NULL);
  f->log_path = g_build_filename (f->tmp, "server.log", NULL);
  f->session = soup_session_new_with_options ("timeout", 20, NULL);
  if (!g_file_test (sample, G_FILE_TEST_IS_DIR))
    {
      g_test_skip ("tests/data/sample is missing");
      return;
    }
  rb_test_copy_tree (sample, f->data_dir);
  server_start (f, data);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->server, rb_test_server_proc_stop);
  f->proc = NULL;
  g_clear_object (&f->session);
  rb_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
  g_free (f->log_path);
}

/* Sends one request; returns the message (status, headers) and the body. */
static SoupMessage *
http (Fixture    *f,
      const char *method,
      const char *path_and_query,
      const char *if_none_match,
      char      **body)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", f->port, path_and_query);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (if_none_match != NULL)
    soup_message_headers_replace (soup_message_get_request_headers (msg), "If-None-Match", if_none_match);
  bytes = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (body != NULL)
    *body = g_bytes_get_size (bytes) > 0
              ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
              : g_strdup ("");
  return msg;
}

static void
assert_json_response (SoupMessage *msg,
                      guint        status)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (headers, NULL), ==, "application/json");
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Connection"), ==, "close");
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = json_from_string (text, &error);
  JsonObject *object;

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  object = json_object_ref (json_node_get_object (node));
  json_node_unref (node);
  return object;
}

/* runboard-cli --data-dir DATA ARGS… --json: its stdout. */
static char *
cli_json (Fixture            *f,
          const char * const *args,
          int                 expected_status)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) rb_test_cli_path ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, f->data_dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--json");
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (rb_test_spawn ((const char * const *) argv->pdata, NULL, &out, NULL),
                   ==, expected_status);
  return out;
}

/* Writes @request on a fresh TCP connection and returns the status; the
 * body (after the blank line) in @body. For paths a client would clean up. */
static guint
raw_request (Fixture    *f,
             const char *request_line,
             char      **body)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autofree char *text = NULL;
  GOutputStream *out;
  GInputStream *in;
  guint8 buffer[4096];
  gssize n;
  const char *sep;
  guint status = 0;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, &error);
  g_assert_no_error (error);
  request = g_strdup_printf ("%s HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nConnection: close\r\n\r\n",
                             request_line, f->port);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  g_output_stream_write_all (out, request, strlen (request), NULL, NULL, &error);
  g_assert_no_error (error);
  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (response, buffer, n);
  g_assert_no_error (error);

  text = g_strndup ((const char *) response->data, response->len);
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 "));
  status = (guint) g_ascii_strtoull (text + strlen ("HTTP/1.1 "), NULL, 10);
  sep = strstr (text, "\r\n\r\n");
  g_assert_nonnull (sep);
  if (body != NULL)
    *body = g_strdup (sep + 4);
  return status;
}

/*
 * Tests
 */

static void
test_healthz (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = http (f, "GET", "/v1/healthz", NULL, &body);

  assert_json_response (msg, 200);
  g_assert_cmpstr (body, ==,
                   "{\n"
                   "  \"status\": \"ok\",\n"
                   "  \"version\": \"0.1.0\",\n"
                   "  \"capabilities\": {\n"
                   "    \"telemetryGeneration\": true\n"
                   "  }\n"
                   "}\n");
}

static void
test_healthz_disabled (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = http (f, "GET", "/v1/healthz", NULL, &body);

  assert_json_response (msg, 200);
  g_assert_nonnull (strstr (body, "\"telemetryGeneration\": false\n"));
}

static void
test_list (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *cli = NULL;
  g_autoptr(SoupMessage) msg = http (f, "GET", "/v1/runs", NULL, &body);
  g_autoptr(JsonObject) page = NULL;
  JsonArray *items;
  const char *args[] = { "runs", "list", NULL };

  assert_json_response (msg, 200);
  page = parse_object (body);
  g_assert_cmpint (json_object_get_int_member (page, "totalCount"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (page, "page"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (page, "pageSize"), ==, 50);
  items = json_object_get_array_member (page, "items");
  g_assert_cmpuint (json_array_get_length (items), ==, 4);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "runId"),
                   ==, RB_TEST_RUN_PICKING);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 3), "runId"),
                   ==, RB_TEST_RUN_BROKEN);
  g_assert_null (strstr (body, f->tmp));

  /* the CLI prints exactly the server's body for the same data */
  cli = cli_json (f, args, 0);
  g_assert_cmpstr (cli, ==, body);
}

static void
test_list_filters (Fixture       *f,
                   gconstpointer  data)
{
  struct {
    const char *query;
    const char *cli_args[16];
    gint64      total;
    guint       n_items;
    const char *first;
  } cases[] = {
    { "?templateId=warehouse-picker-waves",
      { "runs", "list", "--template", "warehouse-picker-waves", NULL }, 2, 2, RB_TEST_RUN_PICKING },
    { "?templateId=warehouse-picker-waves&order=asc&pageSize=1&page=2",
      { "runs", "list", "--template", "warehouse-picker-waves", "--order", "asc",
        "--page-size", "1", "--page", "2", NULL }, 2, 1, RB_TEST_RUN_PICKING },
    { "?mode=telemetry", { "runs", "list", "--mode", "telemetry", NULL }, 1, 1, RB_TEST_RUN_PICKING },
    { "?hasWarnings=true", { "runs", "list", "--has-warnings", NULL }, 1, 1, RB_TEST_RUN_CLINIC },
    { "?search=clinic", { "runs", "list", "--search", "clinic", NULL }, 1, 1, RB_TEST_RUN_CLINIC },
    { "?telemetry=available", { "runs", "list", "--telemetry", "available", NULL }, 0, 0, NULL },
    { "?page=9", { "runs", "list", "--page", "9", NULL }, 4, 0, NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/runs", cases[i].query, NULL);
      g_autofree char *body = NULL;
      g_autofree char *cli = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonObject) page = NULL;
      JsonArray *items;

      g_test_message ("GET %s", path);
      msg = http (f, "GET", path, NULL, &body);
      assert_json_response (msg, 200);
      page = parse_object (body);
      g_assert_cmpint (json_object_get_int_member (page, "totalCount"), ==, cases[i].total);
      items = json_object_get_array_member (page, "items");
      g_assert_cmpuint (json_array_get_length (items), ==, cases[i].n_items);
      if (cases[i].first != NULL)
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (items, 0), "runId"),
                         ==, cases[i].first);
      cli = cli_json (f, cases[i].cli_args, 0);
      g_assert_cmpstr (cli, ==, body);
    }
}

static void
test_list_bad_query (Fixture       *f,
                     gconstpointer  data)
{
  struct {
    const char *query;
    const char *field;
    const char *cli_args[8];
  } cases[] = {
    { "?pageSize=0", "pageSize", { "runs", "list", "--page-size", "0", NULL } },
    { "?pageSize=501", "pageSize", { "runs", "list", "--page-size", "501", NULL } },
    { "?page=0", "page", { "runs", "list", "--page", "0", NULL } },
    { "?sort=size", "sort", { "runs", "list", "--sort", "size", NULL } },
    { "?telemetry=maybe", "telemetry", { "runs", "list", "--telemetry", "maybe", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = g_strconcat ("/v1/runs", cases[i].query, NULL);
      g_autofree char *body = NULL;
      g_autofree char *cli = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonObject) error = NULL;

      g_test_message ("GET %s", path);
      msg = http (f, "GET", path, NULL, &body);
      assert_json_response (msg, 400);
      error = parse_object (body);
      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "invalid_request");
      g_assert_cmpstr (json_object_get_string_member (error, "field"), ==, cases[i].field);
      cli = cli_json (f, cases[i].cli_args, 2);
      g_assert_cmpstr (cli, ==, body);
    }
}

static void
test_list_etag (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(SoupMessage) first = NULL;
  g_autoptr(SoupMessage) again = NULL;
  g_autoptr(SoupMessage) changed = NULL;
  g_autoptr(SoupMessage) other_query = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *body = NULL;
  g_autofree char *body_again = NULL;
  g_autofree char *body_changed = NULL;
  g_autofree char *etag = NULL;
  const char *etag_changed;

  first = http (f, "GET", "/v1/runs", NULL, &body);
  assert_json_response (first, 200);
  etag = g_strdup (soup_message_headers_get_one (soup_message_get_response_headers (first), "ETag"));
  g_assert_nonnull (etag);
  g_assert_true (g_str_has_prefix (etag, "\"") && g_str_has_suffix (etag, "\""));

  again = http (f, "GET", "/v1/runs", etag, &body_again);
  g_assert_cmpuint (soup_message_get_status (again), ==, 304);
  g_assert_cmpstr (body_again, ==, "");
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (again), "ETag"), ==, etag);

  /* another query is another entity */
  other_query = http (f, "GET", "/v1/runs?pageSize=2", etag, NULL);
  g_assert_cmpuint (soup_message_get_status (other_query), ==, 200);

  /* a change in the data folder rewrites the stamp: 200 with a new ETag */
  g_assert_true (rb_data_dir_touch_stamp (f->data_dir, &error));
  g_assert_no_error (error);
  changed = http (f, "GET", "/v1/runs", etag, &body_changed);
  assert_json_response (changed, 200);
  etag_changed = soup_message_headers_get_one (soup_message_get_response_headers (changed), "ETag");
  g_assert_nonnull (etag_changed);
  g_assert_cmpstr (etag_changed, !=, etag);
  g_assert_cmpstr (body_changed, ==, body);
}

static void
test_detail (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *cli = NULL;
  g_autoptr(SoupMessage) msg = http (f, "GET", "/v1/runs/" RB_TEST_RUN_CLINIC, NULL, &body);
  g_autoptr(JsonObject) run = NULL;
  const char *args[] = { "runs", "show", RB_TEST_RUN_CLINIC, NULL };

  assert_json_response (msg, 200);
  run = parse_object (body);
  g_assert_cmpstr (json_object_get_string_member (run, "runId"), ==, RB_TEST_RUN_CLINIC);
  g_assert_cmpstr (json_object_get_string_member (run, "templateId"), ==, "clinic-intake");
  g_assert_cmpint (json_object_get_int_member (run, "warningCount"), ==, 2);
  g_assert_true (json_object_has_member (run, "parameters"));
  g_assert_true (json_object_has_member (run, "topology"));
  g_assert_null (strstr (body, f->tmp));

  cli = cli_json (f, args, 0);
  g_assert_cmpstr (cli, ==, body);
}

static void
test_detail_errors (Fixture       *f,
                    gconstpointer  data)
{
  struct {
    const char *path;
    guint       status;
    const char *code;
    const char *cli_id;
    int         exit_status;
  } cases[] = {
    { "/v1/runs/run_20990101T000000Z_nope", 404, "not_found", "run_20990101T000000Z_nope", 4 },
    { "/v1/runs/" RB_TEST_RUN_BROKEN, 422, "run_unreadable", RB_TEST_RUN_BROKEN, 5 },
    { "/v1/runs/..%2Fx", 400, "invalid_request", "../x", 2 },
    { "/v1/runs/.hidden", 400, "invalid_request", ".hidden", 2 },
    { "/v1/runs/a%2e%2eb", 400, "invalid_request", "a..b", 2 },
  };
  /* ids no client library would send: written on a raw socket */
  const char *raw[] = { "GET /v1/runs/a%00b", "GET /v1/runs/%E9t%E9" };
  g_autofree char *malformed = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonObject) error = NULL;
      const char *args[] = { "runs", "show", cases[i].cli_id, NULL };
      g_autofree char *cli = NULL;

      g_test_message ("GET %s", cases[i].path);
      msg = http (f, "GET", cases[i].path, NULL, &body);
      assert_json_response (msg, cases[i].status);
      error = parse_object (body);
      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, cases[i].code);
      g_assert_null (strstr (body, f->tmp));
      if (cases[i].status == 400)
        g_assert_cmpstr (json_object_get_string_member (error, "field"), ==, "runId");
      if (cases[i].status == 422)
        g_assert_nonnull (strstr (json_object_get_string_member (error, "error"), "run.json"));

      /* the CLI answers the same body for the same id */
      cli = cli_json (f, args, cases[i].exit_status);
      g_assert_cmpstr (cli, ==, body);
    }

  for (guint i = 0; i < G_N_ELEMENTS (raw); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(JsonObject) error = NULL;

      g_test_message ("%s", raw[i]);
      g_assert_cmpuint (raw_request (f, raw[i], &body), ==, 400);
      error = parse_object (body);
      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "invalid_request");
      g_assert_cmpstr (json_object_get_string_member (error, "field"), ==, "runId");
    }

  /* A request line GUri cannot parse never reaches a handler: libsoup
   * answers a bare 400 itself. */
  g_assert_cmpuint (raw_request (f, "GET /v1/runs/%zz", &malformed), ==, 400);
}

static void
test_traversal (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *outside = g_build_filename (f->tmp, "x", NULL);
  g_autofree char *beside = g_build_filename (f->data_dir, "x", NULL);
  RbTestRunSpec decoy = { "x", "decoy-template", "Decoy", "simulation", "2026-02-01T00:00:00Z", 0, 1 };
  const char *requests[] = {
    "GET /v1/runs/../x",
    "GET /v1/runs/../../x",
    "GET /v1/runs/..%2Fx",
    "GET /v1/runs/..%2F..%2Fx",
    "GET /v1/runs/%2e%2e/x",
    "GET /v1/runs/%2e%2e%2f%2e%2e%2fx",
    "GET /v1/runs/%2E%2E",
    "GET /v1/runs/.hidden",
    "GET /v1/runs/..",
    "GET /v1/runs/x%2F..%2F..%2Fx",
    "GET /v1/runs/%252e%252e%252fx",
  };

  /* readable runs that a traversal would reach */
  rb_test_runs_write_at (outside, &decoy);
  rb_test_runs_write_at (beside, &decoy);

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(JsonObject) error = NULL;
      guint status;

      g_test_message ("%s", requests[i]);
      status = raw_request (f, requests[i], &body);
      g_assert_true (status == 400 || status == 404);
      error = parse_object (body);
      g_assert_true (g_str_equal (json_object_get_string_member (error, "code"), "invalid_request") ||
                     g_str_equal (json_object_get_string_member (error, "code"), "not_found"));
      g_assert_null (strstr (body, "decoy"));
      g_assert_null (strstr (body, f->tmp));
    }
}

static void
test_method_not_allowed (Fixture       *f,
                         gconstpointer  data)
{
  const char *cases[][3] = {
    { "POST", "/v1/healthz", "GET" },
    { "DELETE", "/v1/runs/" RB_TEST_RUN_CLINIC, "GET" },
    { "PUT", "/v1/runs", "GET, POST" },
    { "DELETE", "/v1/telemetry/captures", "GET, POST" },
    { "POST", "/v1/templates", "GET" },
    { "POST", "/v1/runs/" RB_TEST_RUN_CLINIC "/series", "GET" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonObject) error = NULL;

      g_test_message ("%s %s", cases[i][0], cases[i][1]);
      msg = http (f, cases[i][0], cases[i][1], NULL, &body);
      assert_json_response (msg, 405);
      g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Allow"),
                       ==, cases[i][2]);
      error = parse_object (body);
      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "method_not_allowed");
      g_assert_false (json_object_has_member (error, "field"));
    }
}

static void
test_unknown_path (Fixture       *f,
                   gconstpointer  data)
{
  const char *paths[] = { "/", "/v1", "/v1/nope", "/v2/runs", "/v1/runs/" RB_TEST_RUN_CLINIC "/nope/deeper" };

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(SoupMessage) msg = NULL;
      g_autoptr(JsonObject) error = NULL;

      g_test_message ("GET %s", paths[i]);
      msg = http (f, "GET", paths[i], NULL, &body);
      assert_json_response (msg, 404);
      error = parse_object (body);
      g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "not_found");
      g_assert_cmpstr (json_object_get_string_member (error, "error"), !=, "");
    }
}

typedef struct
{
  guint      remaining;
  guint      ok;
  GMainLoop *loop;
} Parallel;

static void
parallel_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Parallel *p = user_data;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, NULL);

  if (bytes != NULL && soup_message_get_status (soup_session_get_async_result_message (SOUP_SESSION (source), result)) == 200)
    p->ok++;
  if (--p->remaining == 0)
    g_main_loop_quit (p->loop);
}

static void
test_parallel (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("max-conns", 32,
                                                                  "max-conns-per-host", 32,
                                                                  "timeout", 20, NULL);
  Parallel p = { 24, 0, loop };

  for (guint i = 0; i < p.remaining; i++)
    {
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", f->port,
                                              i % 2 ? "/v1/runs" : "/v1/runs/" RB_TEST_RUN_CLINIC);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);

      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, NULL, parallel_done_cb, &p);
    }
  g_main_loop_run (loop);
  g_assert_cmpuint (p.ok, ==, 24);
}

static guint
count_fds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", (int) pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

static void
test_no_fd_leak (Fixture       *f,
                 gconstpointer  data)
{
  GPid pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (f->proc), NULL, 10);
  guint before, after;

  /* warm up (thread pool, first store read) */
  g_object_unref (http (f, "GET", "/v1/runs", NULL, NULL));
  g_usleep (100 * 1000);
  before = count_fds (pid);

  /* short-lived clients: the libsoup 3.2.3 keep-alive leak would add one
   * fd each (style guide §9.5) */
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1/healthz", f->port);
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) bytes = soup_session_send_and_read (session, msg, NULL, NULL);

      g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
    }
  g_usleep (200 * 1000);
  after = count_fds (pid);
  g_test_message ("server fds: %u before, %u after 100 clients", before, after);
  g_assert_cmpuint (after, <=, before + 3);
}

static void
test_sigterm (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = http (f, "GET", "/v1/healthz", NULL, NULL);
  g_autofree char *log = NULL;

  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_subprocess_send_signal (f->proc, SIGTERM);
  g_subprocess_wait (f->proc, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (f->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (f->proc), ==, 0);

  /* one log line per request: method, path, status, duration */
  log = rb_test_read_file (f->log_path, NULL);
  g_assert_true (g_regex_match_simple ("^GET /v1/healthz 200 [0-9]+ ms$", log, G_REGEX_MULTILINE, 0));
}

/* Every run of the sample folder (both eras, replays, telemetry, a broken
 * run): the CLI's --json equals the server's body byte for byte. */
static void
test_sample_parity (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *cli = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) page = NULL;
  const char *list_args[] = { "runs", "list", NULL };
  JsonArray *items;

  if (f->proc == NULL)
    return;
  msg = http (f, "GET", "/v1/runs", NULL, &body);
  assert_json_response (msg, 200);
  cli = cli_json (f, list_args, 0);
  g_assert_cmpstr (cli, ==, body);

  page = parse_object (body);
  items = json_object_get_array_member (page, "items");
  g_assert_cmpuint (json_array_get_length (items), >, 0);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      const char *run_id = json_object_get_string_member (json_array_get_object_element (items, i), "runId");
      g_autofree char *path = g_strconcat ("/v1/runs/", run_id, NULL);
      g_autofree char *detail = NULL;
      g_autofree char *cli_detail = NULL;
      g_autoptr(SoupMessage) detail_msg = NULL;
      const char *show_args[] = { "runs", "show", run_id, NULL };
      guint status;

      g_test_message ("GET %s", path);
      detail_msg = http (f, "GET", path, NULL, &detail);
      status = soup_message_get_status (detail_msg);
      g_assert_true (status == 200 || status == 422);
      assert_json_response (detail_msg, status);
      cli_detail = cli_json (f, show_args, status == 200 ? 0 : 5);
      g_assert_cmpstr (cli_detail, ==, detail);
      g_assert_null (strstr (detail, f->tmp));
    }
}

static void
test_listen_errors (void)
{
  const char *bad[] = { "nowhere", "127.0.0.1", "127.0.0.1:99999", "300.1.1.1:80", ":80" };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *argv[] = { rb_test_server_path (), "--listen", bad[i], NULL };
      g_autofree char *err = NULL;

      g_test_message ("--listen %s", bad[i]);
      g_assert_cmpint (rb_test_spawn (argv, NULL, NULL, &err), ==, 2);
      g_assert_nonnull (strstr (err, "is not of the form ADDRESS:PORT"));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/server/healthz", test_healthz);
  g_test_add ("/server/healthz/disabled", Fixture, "--disable-telemetry-generation",
              fixture_setup, test_healthz_disabled, fixture_teardown);
  ADD ("/server/runs/list", test_list);
  ADD ("/server/runs/list/filters", test_list_filters);
  ADD ("/server/runs/list/bad-query", test_list_bad_query);
  ADD ("/server/runs/list/etag", test_list_etag);
  ADD ("/server/runs/detail", test_detail);
  ADD ("/server/runs/detail/errors", test_detail_errors);
  ADD ("/server/runs/traversal", test_traversal);
  ADD ("/server/method-not-allowed", test_method_not_allowed);
  ADD ("/server/unknown-path", test_unknown_path);
  ADD ("/server/parallel", test_parallel);
  ADD ("/server/no-fd-leak", test_no_fd_leak);
  ADD ("/server/sigterm", test_sigterm);
  g_test_add ("/server/sample/cli-parity", Fixture, NULL,
              fixture_setup_sample, test_sample_parity, fixture_teardown);
  g_test_add_func ("/server/listen-errors", test_listen_errors);

#undef ADD

  return g_test_run ();
}
