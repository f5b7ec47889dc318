/* test-server-api.c — templates, run creation, series and telemetry
 * captures over HTTP, against the real runboard-server, and the CLI's
 * --json bodies and exit statuses for the same requests
 *
 * Each test starts the built runboard-server on 127.0.0.1:0 with a temp
 * data folder holding the four small runs of rb-test-runs.c and two tiny
 * templates of its own (tiny-flow: one service node, captureKey tiny-key;
 * tiny-flat: no topology, so nothing to capture). Shipped templates come
 * from RUNBOARD_TEMPLATE_DIR.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include "rb-test-runs.h"
#include "rb-test-util.h"

#define MISSING_BUNDLE_MESSAGE "Run %s has no telemetry bundle. Generate telemetry for it first."

static const char tiny_flow_yaml[] =
  "schemaVersion: 1\n"
  "generator: runboard\n"
  "mode: simulation\n"
  "metadata:\n"
  "  id: tiny-flow\n"
  "  title: Tiny flow\n"
  "  version: 1.0.0\n"
  "  description: One service node for the server tests.\n"
  "  tags: [test]\n"
  "  captureKey: tiny-key\n"
  "window:\n"
  "  start: 2026-01-01T00:00:00Z\n"
  "parameters:\n"
  "  - name: rate\n"
  "    type: integer\n"
  "    title: Arrivals per bin\n"
  "    default: 10\n"
  "    minimum: 1\n"
  "    maximum: 100\n"
  "grid:\n"
  "  bins: 6\n"
  "  binSize: 1\n"
  "  binUnit: hours\n"
  "topology:\n"
  "  nodes:\n"
  "    - id: Desk\n"
  "      kind: service\n"
  "      semantics:\n"
  "        arrivals: arrivals\n"
  "        served: served\n"
  "        capacity: capacity\n"
  "  edges: []\n"
  "nodes:\n"
  "  - id: arrivals\n"
  "    kind: expr\n"
  "    expr: \"${rate} + 0 * capacity\"\n"
  "  - id: capacity\n"
  "    kind: const\n"
  "    values: [8, 8, 8, 8, 8, 8]\n"
  "  - id: served\n"
  "    kind: expr\n"
  "    expr: \"MIN(arrivals, capacity)\"\n"
  "outputs:\n"
  "  - series: arrivals\n"
  "  - series: served\n";

static const char tiny_flat_yaml[] =
  "schemaVersion: 1\n"
  "generator: runboard\n"
  "mode: simulation\n"
  "metadata:\n"
  "  id: tiny-flat\n"
  "  title: Tiny flat\n"
  "  version: 1.0.0\n"
  "  description: No topology at all.\n"
  "window:\n"
  "  start: 2026-01-01T00:00:00Z\n"
  "grid:\n"
  "  bins: 3\n"
  "  binSize: 1\n"
  "  binUnit: hours\n"
  "nodes:\n"
  "  - id: load\n"
  "    kind: const\n"
  "    values: [1, 2, 3]\n";

typedef struct
{
  char        *tmp;
  char        *data_dir;
  char        *log_path;
  char        *exports;
  RbTestServerProc *server;
  guint16      port;
  SoupSession *session;
} Fixture;

/* @mode: NULL, "disabled" or "exports" (--allow-output-root <tmp>/exports) */
static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  const char *mode = data;
  g_autoptr(GPtrArray) extra = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *flow = NULL;
  g_autofree char *flat = NULL;

  f->tmp = rb_test_runs_make_data_dir (&f->data_dir);
  f->log_path = g_build_filename (f->tmp, "server.log", NULL);
  f->exports = g_build_filename (f->tmp, "exports", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->exports, 0755), ==, 0);
  flow = g_build_filename (f->data_dir, "templates", "tiny-flow.yaml", NULL);
  flat = g_build_filename (f->data_dir, "templates", "tiny-flat.yaml", NULL);
  rb_test_write_file (flow, tiny_flow_yaml, -1);
  rb_test_write_file (flat, tiny_flat_yaml, -1);
  f->session = soup_session_new_with_options ("timeout", 30, NULL);

  if (g_strcmp0 (mode, "disabled") == 0)
    g_ptr_array_add (extra, g_strdup ("--disable-telemetry-generation"));
  if (g_strcmp0 (mode, "exports") == 0)
    g_ptr_array_add (extra, g_strconcat ("--allow-output-root=", f->exports, NULL));
  g_ptr_array_add (extra, NULL);

  f->server = rb_test_server_proc_start (f->data_dir, f->log_path,
                                         (const char * const *) extra->pdata, NULL);
  f->port = rb_test_server_proc_get_port (f->server);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_pointer (&f->server, rb_test_server_proc_stop);
  g_clear_object (&f->session);
  rb_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
  g_free (f->log_path);
  g_free (f->exports);
}

/*
 * HTTP and CLI helpers
 */

/* Sends @method @path with an optional body; returns the message and the
 * response body (NUL-terminated, *len its size). */
static SoupMessage *
http_full (Fixture    *f,
           const char *method,
           const char *path,
           const char *content_type,
           const char *body,
           gsize       body_len,
           char      **out,
           gsize      *out_len)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u%s", f->port, path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  SoupMessage *msg = soup_message_new (method, url);

  g_assert_nonnull (msg);
  if (body != NULL)
    {
      g_autoptr(GBytes) request = g_bytes_new (body, body_len);

      soup_message_set_request_body_from_bytes (msg, content_type, request);
    }
  bytes = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  if (out != NULL)
    *out = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  if (out_len != NULL)
    *out_len = g_bytes_get_size (bytes);
  return msg;
}

static SoupMessage *
http_get (Fixture    *f,
          const char *path,
          char      **out)
{
  return http_full (f, "GET", path, NULL, NULL, 0, out, NULL);
}

static SoupMessage *
http_post (Fixture    *f,
           const char *path,
           const char *json,
           char      **out)
{
  return http_full (f, "POST", path, "application/json", json, strlen (json), out, NULL);
}

static void
assert_status (SoupMessage *msg,
               guint        status)
{
  SoupMessageHeaders *headers = soup_message_get_response_headers (msg);

  g_assert_cmpuint (soup_message_get_status (msg), ==, status);
  g_assert_cmpstr (soup_message_headers_get_one (headers, "Connection"), ==, "close");
}

static void
assert_json (SoupMessage *msg,
             guint        status)
{
  assert_status (msg, status);
  g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (msg), NULL),
                   ==, "application/json");
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = json_from_string (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (node));
  return json_object_ref (json_node_get_object (node));
}

/* Asserts an api.md error body; @field NULL = not checked. */
static void
assert_error_body (const char *body,
                   const char *code,
                   const char *field)
{
  g_autoptr(JsonObject) error = parse_object (body);

  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, code);
  g_assert_cmpstr (json_object_get_string_member (error, "error"), !=, "");
  if (field != NULL)
    g_assert_cmpstr (json_object_get_string_member_with_default (error, "field", "(none)"), ==, field);
}

/* runboard-cli --data-dir DATA ARGS… --json with @env ("NAME=VALUE", or
 * NULL); asserts the exit status and returns stdout. */
static char *
cli_json_env (Fixture            *f,
              const char * const *env,
              const char * const *args,
              int                 expected_status)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *err = NULL;
  char *out = NULL;

  g_ptr_array_add (argv, (gpointer) rb_test_cli_path ());
  g_ptr_array_add (argv, (gpointer) "--data-dir");
  g_ptr_array_add (argv, f->data_dir);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, (gpointer) "--json");
  g_ptr_array_add (argv, NULL);
  g_assert_cmpint (rb_test_spawn ((const char * const *) argv->pdata, env, &out, &err),
                   ==, expected_status);
  return out;
}

static char *
cli_json (Fixture            *f,
          const char * const *args,
          int                 expected_status)
{
  return cli_json_env (f, NULL, args, expected_status);
}

static guint
count_runs (Fixture *f)
{
  g_autofree char *runs = g_build_filename (f->data_dir, "runs", NULL);

  return rb_test_count_entries (runs, NULL);
}

/* POST /v1/runs for tiny-flow (deterministic, rate @rate): the run id. */
static char *
create_tiny_run (Fixture *f,
                 guint    rate)
{
  g_autofree char *request = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) run = NULL;

  request = g_strdup_printf ("{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", "
                             "\"parameters\": {\"rate\": %u}, "
                             "\"options\": {\"deterministicRunId\": true}}", rate);
  msg = http_post (f, "/v1/runs", request, &body);
  assert_json (msg, 201);
  run = parse_object (body);
  return g_strdup (json_object_get_string_member (run, "runId"));
}

/*
 * Templates
 */

static void
test_templates (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *cli = NULL;
  g_autoptr(SoupMessage) msg = http_get (f, "/v1/templates", &body);
  g_autoptr(JsonObject) list = NULL;
  const char *list_args[] = { "templates", "list", NULL };
  gboolean seen_tiny = FALSE;
  JsonArray *items;

  assert_json (msg, 200);
  list = parse_object (body);
  items = json_object_get_array_member (list, "items");
  g_assert_cmpuint (json_array_get_length (items), >=, 2);
  g_assert_null (strstr (body, f->tmp));

  /* the CLI prints the same bytes */
  cli = cli_json (f, list_args, 0);
  g_assert_cmpstr (cli, ==, body);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *summary = json_array_get_object_element (items, i);
      const char *id = json_object_get_string_member (summary, "id");
      g_autofree char *path = g_strconcat ("/v1/templates/", id, NULL);
      g_autofree char *detail = NULL;
      g_autofree char *cli_detail = NULL;
      g_autoptr(SoupMessage) detail_msg = NULL;
      g_autoptr(JsonObject) template = NULL;
      const char *show_args[] = { "templates", "show", id, NULL };

      g_test_message ("GET %s", path);
      detail_msg = http_get (f, path, &detail);
      assert_json (detail_msg, 200);
      template = parse_object (detail);
      g_assert_cmpstr (json_object_get_string_member (template, "id"), ==, id);
      g_assert_true (json_object_has_member (template, "parameters"));
      g_assert_true (json_object_has_member (template, "narrative"));
      cli_detail = cli_json (f, show_args, 0);
      g_assert_cmpstr (cli_detail, ==, detail);
      if (g_str_equal (id, "tiny-flow"))
        {
          seen_tiny = TRUE;
          g_assert_cmpstr (json_object_get_string_member (summary, "captureKey"), ==, "tiny-key");
        }
    }
  g_assert_true (seen_tiny);
}

static void
test_template_errors (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *body = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *bad = NULL;
  g_autoptr(SoupMessage) msg = http_get (f, "/v1/templates/no-such-template", &body);
  g_autoptr(SoupMessage) bad_msg = NULL;
  const char *args[] = { "templates", "show", "no-such-template", NULL };
  const char *bad_args[] = { "templates", "show", "../x", NULL };
  g_autofree char *cli_bad = NULL;

  assert_json (msg, 404);
  assert_error_body (body, "not_found", NULL);
  cli = cli_json (f, args, 4);
  g_assert_cmpstr (cli, ==, body);

  bad_msg = http_get (f, "/v1/templates/..%2Fx", &bad);
  assert_json (bad_msg, 400);
  assert_error_body (bad, "invalid_request", "templateId");
  cli_bad = cli_json (f, bad_args, 2);
  assert_error_body (cli_bad, "invalid_request", NULL);
}

/*
 * POST /v1/runs
 */

static void
test_create_run (Fixture       *f,
                 gconstpointer  data)
{
  const char *request = "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", "
                        "\"parameters\": {\"rate\": 12}, "
                        "\"options\": {\"deterministicRunId\": true}}";
  const char *cli_args[] = { "run", "tiny-flow", "--param", "rate=12", "--deterministic", NULL };
  g_autofree char *body = NULL;
  g_autofree char *again = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *location = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) again_msg = NULL;
  g_autoptr(SoupMessage) detail_msg = NULL;
  g_autoptr(JsonObject) run = NULL;
  g_autoptr(JsonObject) reused = NULL;
  const char *run_id;
  guint before = count_runs (f);

  msg = http_post (f, "/v1/runs", request, &body);
  assert_json (msg, 201);
  run = parse_object (body);
  run_id = json_object_get_string_member (run, "runId");
  g_assert_nonnull (run_id);
  location = g_strconcat ("/v1/runs/", run_id, NULL);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"),
                   ==, location);
  g_assert_cmpstr (json_object_get_string_member (run, "templateId"), ==, "tiny-flow");
  g_assert_cmpstr (json_object_get_string_member (run, "mode"), ==, "simulation");
  g_assert_true (json_object_has_member (run, "topology"));
  g_assert_true (json_object_has_member (run, "inputHash"));
  g_assert_false (json_object_get_boolean_member (run, "wasReused"));
  g_assert_false (json_object_has_member (run, "capture"));
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (run, "parameters"), "rate"), ==, 12);
  g_assert_null (strstr (body, f->tmp));
  g_assert_cmpuint (count_runs (f), ==, before + 1);

  /* the run is there */
  detail_msg = http_get (f, location, &detail);
  assert_json (detail_msg, 200);

  /* same inputs, deterministic id: reused, nothing written */
  again_msg = http_post (f, "/v1/runs", request, &again);
  assert_json (again_msg, 201);
  reused = parse_object (again);
  g_assert_cmpstr (json_object_get_string_member (reused, "runId"), ==, run_id);
  g_assert_true (json_object_get_boolean_member (reused, "wasReused"));
  g_assert_cmpuint (count_runs (f), ==, before + 1);

  /* the CLI's same request answers the same body, byte for byte */
  cli = cli_json (f, cli_args, 0);
  g_assert_cmpstr (cli, ==, again);
}

static void
test_create_run_explicit_id (Fixture       *f,
                             gconstpointer  data)
{
  const char *request = "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", "
                        "\"options\": {\"runId\": \"my-run-1\"}}";
  const char *overwrite = "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", "
                          "\"parameters\": {\"rate\": 3}, "
                          "\"options\": {\"runId\": \"my-run-1\", \"overwriteExisting\": true}}";
  const char *cli_args[] = { "run", "tiny-flow", "--run-id", "my-run-1", NULL };
  g_autofree char *body = NULL;
  g_autofree char *conflict = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *cli = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) conflict_msg = NULL;
  g_autoptr(SoupMessage) replaced_msg = NULL;
  g_autoptr(JsonObject) run = NULL;

  msg = http_post (f, "/v1/runs", request, &body);
  assert_json (msg, 201);
  g_assert_cmpstr (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"),
                   ==, "/v1/runs/my-run-1");

  conflict_msg = http_post (f, "/v1/runs", request, &conflict);
  assert_json (conflict_msg, 409);
  assert_error_body (conflict, "already_exists", NULL);
  cli = cli_json (f, cli_args, 3);
  g_assert_cmpstr (cli, ==, conflict);

  replaced_msg = http_post (f, "/v1/runs", overwrite, &replaced);
  assert_json (replaced_msg, 201);
  run = parse_object (replaced);
  g_assert_cmpstr (json_object_get_string_member (run, "runId"), ==, "my-run-1");
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (run, "parameters"), "rate"), ==, 3);
}

static void
test_create_run_dry (Fixture       *f,
                     gconstpointer  data)
{
  const char *request = "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", "
                        "\"options\": {\"dryRun\": true}}";
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autofree char *planned_dir = NULL;
  JsonObject *plan;
  guint before = count_runs (f);

  msg = http_post (f, "/v1/runs", request, &body);
  assert_json (msg, 200);
  g_assert_null (soup_message_headers_get_one (soup_message_get_response_headers (msg), "Location"));
  result = parse_object (body);
  g_assert_true (json_object_get_boolean_member (result, "isDryRun"));
  plan = json_object_get_object_member (result, "plan");
  g_assert_cmpstr (json_object_get_string_member (plan, "templateId"), ==, "tiny-flow");
  g_assert_cmpstr (json_object_get_string_member (plan, "mode"), ==, "simulation");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (plan, "files")), >, 0);
  g_assert_null (strstr (body, f->tmp));

  /* nothing written */
  planned_dir = g_build_filename (f->data_dir, "runs", json_object_get_string_member (plan, "runId"), NULL);
  g_assert_false (g_file_test (planned_dir, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (count_runs (f), ==, before);
}

static void
test_create_run_invalid (Fixture       *f,
                         gconstpointer  data)
{
  struct {
    const char *body;
    guint       status;
    const char *code;
    const char *field;
  } cases[] = {
    { "{\"mode\": \"simulation\"}", 400, "invalid_request", "templateId" },
    { "{\"templateId\": \"tiny-flow\"}", 400, "invalid_request", "mode" },
    { "{\"templateId\": \"tiny-flow\", \"mode\": \"sideways\"}", 400, "invalid_request", "mode" },
    { "{\"templateId\": 7, \"mode\": \"simulation\"}", 400, "invalid_request", "templateId" },
    { "{\"templateId\": \"../x\", \"mode\": \"simulation\"}", 400, "invalid_request", "templateId" },
    { "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", \"parameters\": {\"rate\": 1000}}",
      400, "invalid_parameter", "parameters.rate" },
    { "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", \"parameters\": {\"rate\": \"many\"}}",
      400, "invalid_parameter", "parameters.rate" },
    { "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", \"rng\": {\"kind\": \"pcg32\", \"seed\": \"x\"}}",
      400, "invalid_request", "rng.seed" },
    { "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", \"options\": {\"runId\": \"../x\"}}",
      400, "invalid_request", "options.runId" },
    { "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", \"options\": {\"deterministicRunId\": \"yes\"}}",
      400, "invalid_request", "options.deterministicRunId" },
    { "[1, 2]", 400, "invalid_request", NULL },
    { "{\"templateId\": \"no-such-template\", \"mode\": \"simulation\"}", 404, "not_found", NULL },
  };
  guint before = count_runs (f);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(SoupMessage) msg = NULL;

      g_test_message ("POST /v1/runs %s", cases[i].body);
      msg = http_post (f, "/v1/runs", cases[i].body, &body);
      assert_json (msg, cases[i].status);
      assert_error_body (body, cases[i].code, cases[i].field);
      g_assert_null (strstr (body, f->tmp));
    }
  g_assert_cmpuint (count_runs (f), ==, before);
}

static void
test_create_run_cli_invalid (Fixture       *f,
                             gconstpointer  data)
{
  const char *out_of_range[] = { "run", "tiny-flow", "--param", "rate=1000", NULL };
  const char *not_integer[] = { "run", "tiny-flow", "--param", "rate=many", NULL };
  const char *bad_seed[] = { "run", "tiny-flow", "--seed", "x", NULL };
  const char *bad_mode[] = { "run", "tiny-flow", "--mode", "sideways", NULL };
  const char *unknown[] = { "run", "no-such-template", NULL };
  g_autofree char *a = cli_json (f, out_of_range, 2);
  g_autofree char *b = cli_json (f, not_integer, 2);
  g_autofree char *c = cli_json (f, bad_seed, 2);
  g_autofree char *d = cli_json (f, bad_mode, 2);
  g_autofree char *e = cli_json (f, unknown, 4);
  g_autofree char *server = NULL;
  g_autoptr(SoupMessage) msg = NULL;

  assert_error_body (a, "invalid_parameter", "parameters.rate");
  assert_error_body (b, "invalid_parameter", "parameters.rate");
  assert_error_body (c, "invalid_request", "rng.seed");
  assert_error_body (d, "invalid_request", "mode");
  assert_error_body (e, "not_found", NULL);

  /* one rule in core: the server's body for the same request is the same */
  msg = http_post (f, "/v1/runs",
                   "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", \"parameters\": {\"rate\": 1000}}",
                   &server);
  g_assert_cmpstr (a, ==, server);
}

static void
test_create_run_telemetry_missing (Fixture       *f,
                                   gconstpointer  data)
{
  g_autofree char *source = create_tiny_run (f, 4);
  g_autofree char *request = NULL;
  g_autofree char *body = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *cli = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) error = NULL;
  const char *cli_args[] = { "run", "tiny-flow", "--mode", "telemetry", "--from-run", source, NULL };
  guint before = count_runs (f);

  request = g_strdup_printf ("{\"templateId\": \"tiny-flow\", \"mode\": \"telemetry\", "
                             "\"telemetry\": {\"sourceRunId\": \"%s\"}}", source);
  msg = http_post (f, "/v1/runs", request, &body);
  assert_json (msg, 422);
  error = parse_object (body);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "telemetry_bundle_missing");
  expected = g_strdup_printf (MISSING_BUNDLE_MESSAGE, source);
  g_assert_cmpstr (json_object_get_string_member (error, "error"), ==, expected);
  g_assert_cmpuint (count_runs (f), ==, before);

  cli = cli_json (f, cli_args, 5);
  g_assert_cmpstr (cli, ==, body);
}

static void
test_create_run_media (Fixture       *f,
                       gconstpointer  data)
{
  const char *valid = "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\"}";
  g_autofree char *plain = NULL;
  g_autofree char *malformed = NULL;
  g_autofree char *large_body = NULL;
  g_autoptr(SoupMessage) plain_msg = NULL;
  g_autoptr(SoupMessage) malformed_msg = NULL;
  g_autoptr(SoupMessage) large_msg = NULL;
  g_autoptr(JsonObject) error = NULL;
  g_autoptr(GString) large = g_string_new ("{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", \"pad\": \"");
  guint before = count_runs (f);

  plain_msg = http_full (f, "POST", "/v1/runs", "text/plain", valid, strlen (valid), &plain, NULL);
  assert_json (plain_msg, 415);
  assert_error_body (plain, "unsupported_media_type", NULL);

  malformed_msg = http_post (f, "/v1/runs", "{\n  \"templateId\": \"tiny-flow\",\n  \"mode\": \n", &malformed);
  assert_json (malformed_msg, 400);
  error = parse_object (malformed);
  g_assert_cmpstr (json_object_get_string_member (error, "code"), ==, "invalid_request");
  g_assert_nonnull (strstr (json_object_get_string_member (error, "error"), "line"));

  /* 2 MiB: refused on Content-Length, with Connection: close */
  while (large->len < 2 * 1024 * 1024)
    g_string_append (large, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
  g_string_append (large, "\"}");
  large_msg = http_full (f, "POST", "/v1/runs", "application/json", large->str, large->len,
                         &large_body, NULL);
  assert_json (large_msg, 413);
  assert_error_body (large_body, "payload_too_large", NULL);
  g_assert_cmpuint (count_runs (f), ==, before);
}

static void
test_create_run_never_captures (Fixture       *f,
                                gconstpointer  data)
{
  const char *request = "{\"templateId\": \"tiny-flow\", \"mode\": \"simulation\", "
                        "\"options\": {\"autoCapture\": true, \"deterministicRunId\": false}, "
                        "\"capture\": {\"captureKey\": \"tiny-key\"}}";
  g_autofree char *body = NULL;
  g_autofree char *captures = NULL;
  g_autofree char *telemetry_dir = g_build_filename (f->data_dir, "telemetry", NULL);
  g_autofree char *run_telemetry = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) list_msg = NULL;
  g_autoptr(JsonObject) run = NULL;
  g_autoptr(JsonObject) list = NULL;

  msg = http_post (f, "/v1/runs", request, &body);
  assert_json (msg, 201);
  run = parse_object (body);
  g_assert_false (json_object_has_member (run, "capture"));
  g_assert_false (json_object_get_boolean_member (json_object_get_object_member (run, "telemetry"),
                                                  "available"));

  /* no bundle anywhere */
  g_assert_cmpuint (rb_test_count_entries (telemetry_dir, NULL), ==, 0);
  run_telemetry = g_build_filename (f->data_dir, "runs", json_object_get_string_member (run, "runId"),
                                    "model", "telemetry", NULL);
  g_assert_false (g_file_test (run_telemetry, G_FILE_TEST_EXISTS));
  list_msg = http_get (f, "/v1/telemetry/captures", &captures);
  assert_json (list_msg, 200);
  list = parse_object (captures);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (list, "items")), ==, 0);
}

/*
 * Series
 */

static void
test_series (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *run_id = create_tiny_run (f, 9);
  g_autofree char *index_path = g_build_filename (f->data_dir, "runs", run_id, "series", "index.json", NULL);
  g_autofree char *stored_index = rb_test_read_file (index_path, NULL);
  g_autofree char *path = g_strdup_printf ("/v1/runs/%s/series", run_id);
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = http_get (f, path, &body);
  g_autoptr(JsonObject) index = NULL;
  JsonArray *series;

  /* our own runs: the stored bytes, through the same writer */
  assert_json (msg, 200);
  g_assert_cmpstr (body, ==, stored_index);
  g_assert_null (strstr (body, f->tmp));
  index = parse_object (body);
  series = json_object_get_array_member (index, "series");
  g_assert_cmpuint (json_array_get_length (series), >, 0);

  for (guint i = 0; i < json_array_get_length (series); i++)
    {
      JsonObject *entry = json_array_get_object_element (series, i);
      const char *id = json_object_get_string_member (entry, "id");
      const char *rel = json_object_get_string_member (entry, "path");
      g_autofree char *file = g_build_filename (f->data_dir, "runs", run_id, rel, NULL);
      g_autofree char *stored = NULL;
      g_autofree char *csv = NULL;
      g_autofree char *csv_path = g_strdup_printf ("/v1/runs/%s/series/%s", run_id, id);
      g_autoptr(SoupMessage) csv_msg = NULL;
      gsize stored_len = 0, csv_len = 0;

      g_assert_true (g_str_has_prefix (rel, "series/"));
      stored = rb_test_read_file (file, &stored_len);
      csv_msg = http_full (f, "GET", csv_path, NULL, NULL, 0, &csv, &csv_len);
      assert_status (csv_msg, 200);
      g_assert_cmpstr (soup_message_headers_get_content_type (soup_message_get_response_headers (csv_msg), NULL),
                       ==, "text/csv");
      g_assert_cmpmem (csv, csv_len, stored, stored_len);
    }
}

static void
test_series_hand_made (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *index_path = g_build_filename (f->data_dir, "runs", RB_TEST_RUN_CLINIC,
                                                  "series", "index.json", NULL);
  g_autofree char *stored_index = rb_test_read_file (index_path, NULL);
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = http_get (f, "/v1/runs/" RB_TEST_RUN_CLINIC "/series", &body);
  g_autoptr(JsonNode) a = NULL;
  g_autoptr(JsonNode) b = NULL;

  /* re-serialised: the same JSON as stored, in core's formatting */
  assert_json (msg, 200);
  a = json_from_string (body, NULL);
  b = json_from_string (stored_index, NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_true (json_node_equal (a, b));
}

static void
test_series_errors (Fixture       *f,
                    gconstpointer  data)
{
  struct {
    const char *path;
    guint       status;
    const char *code;
    const char *field;
  } cases[] = {
    { "/v1/runs/" RB_TEST_RUN_CLINIC "/series/nope@NOPE@DEFAULT", 404, "not_found", NULL },
    { "/v1/runs/" RB_TEST_RUN_CLINIC "/series/abc", 400, "invalid_request", "seriesId" },
    { "/v1/runs/" RB_TEST_RUN_CLINIC "/series/..%2F..%2Frun.json", 400, "invalid_request", "seriesId" },
    { "/v1/runs/" RB_TEST_RUN_CLINIC "/series/a@B@..%2Fx", 400, "invalid_request", "seriesId" },
    { "/v1/runs/" RB_TEST_RUN_CLINIC "/series/a%2e%2eb", 400, "invalid_request", "seriesId" },
    { "/v1/runs/run_20990101T000000Z_nope/series", 404, "not_found", NULL },
    { "/v1/runs/run_20990101T000000Z_nope/series/arrivals@ARRIVALS@DEFAULT", 404, "not_found", NULL },
    { "/v1/runs/..%2Fx/series", 400, "invalid_request", "runId" },
    { "/v1/runs/..%2Fx/series/arrivals@ARRIVALS@DEFAULT", 400, "invalid_request", "runId" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(SoupMessage) msg = NULL;

      g_test_message ("GET %s", cases[i].path);
      msg = http_get (f, cases[i].path, &body);
      assert_json (msg, cases[i].status);
      assert_error_body (body, cases[i].code, cases[i].field);
      g_assert_null (strstr (body, f->tmp));
    }
}

/*
 * Telemetry captures
 */

static char *
capture_request (const char *run_id,
                 const char *output)
{
  return g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"}%s%s}",
                          run_id, output != NULL ? ", " : "", output != NULL ? output : "");
}

static void
test_captures (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *run_id = create_tiny_run (f, 10);
  g_autofree char *request = capture_request (run_id, NULL);
  g_autofree char *overwrite = capture_request (run_id, "\"output\": {\"overwrite\": true}");
  g_autofree char *first = NULL;
  g_autofree char *conflict = NULL;
  g_autofree char *replaced = NULL;
  g_autofree char *cli_conflict = NULL;
  g_autofree char *manifest = g_build_filename (f->data_dir, "telemetry", "tiny-key", "manifest.json", NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) conflict_msg = NULL;
  g_autoptr(SoupMessage) replaced_msg = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) conflict_result = NULL;
  g_autoptr(JsonObject) replaced_result = NULL;
  JsonObject *capture;
  JsonObject *existing;
  const char *cli_args[] = { "telemetry", "generate", run_id, NULL };
  g_autofree char *generated_at = NULL;

  /* generated: the template's captureKey */
  msg = http_post (f, "/v1/telemetry/captures", request, &first);
  assert_json (msg, 200);
  result = parse_object (first);
  capture = json_object_get_object_member (result, "capture");
  g_assert_cmpstr (json_object_get_string_member (capture, "captureKey"), ==, "tiny-key");
  g_assert_cmpstr (json_object_get_string_member (capture, "captureDirectory"), ==, "telemetry/tiny-key");
  g_assert_true (json_object_get_boolean_member (capture, "generated"));
  g_assert_false (json_object_get_boolean_member (capture, "alreadyExists"));
  g_assert_cmpstr (json_object_get_string_member (capture, "sourceRunId"), ==, run_id);
  g_assert_cmpint (json_object_get_int_member (capture, "files"), >, 0);
  generated_at = g_strdup (json_object_get_string_member (capture, "generatedAtUtc"));
  g_assert_nonnull (generated_at);
  g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
  g_assert_null (strstr (first, f->tmp));

  /* already exists: 409 with the existing bundle's real facts */
  conflict_msg = http_post (f, "/v1/telemetry/captures", request, &conflict);
  assert_json (conflict_msg, 409);
  conflict_result = parse_object (conflict);
  existing = json_object_get_object_member (conflict_result, "capture");
  g_assert_false (json_object_get_boolean_member (existing, "generated"));
  g_assert_true (json_object_get_boolean_member (existing, "alreadyExists"));
  g_assert_cmpstr (json_object_get_string_member (existing, "generatedAtUtc"), ==, generated_at);
  g_assert_cmpstr (json_object_get_string_member (existing, "sourceRunId"), ==, run_id);
  g_assert_cmpstr (json_object_get_string_member (conflict_result, "code"), ==, "already_exists");
  g_assert_cmpstr (json_object_get_string_member (conflict_result, "error"), !=, "");

  /* the CLI: exit 3 and the same 409 body */
  cli_conflict = cli_json (f, cli_args, 3);
  g_assert_cmpstr (cli_conflict, ==, conflict);

  /* overwrite: generated again */
  g_usleep (2000);
  replaced_msg = http_post (f, "/v1/telemetry/captures", overwrite, &replaced);
  assert_json (replaced_msg, 200);
  replaced_result = parse_object (replaced);
  capture = json_object_get_object_member (replaced_result, "capture");
  g_assert_true (json_object_get_boolean_member (capture, "generated"));
  g_assert_cmpstr (json_object_get_string_member (capture, "generatedAtUtc"), !=, generated_at);
}

static void
test_captures_targets (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *run_id = create_tiny_run (f, 11);
  g_autofree char *scoped = capture_request (run_id, "\"output\": {\"runScoped\": true}");
  g_autofree char *keyed = capture_request (run_id, "\"output\": {\"captureKey\": \"other-key\"}");
  g_autofree char *dry = capture_request (run_id, "\"output\": {\"captureKey\": \"dry-key\"}, "
                                                  "\"options\": {\"dryRun\": true}");
  g_autofree char *scoped_dir = g_strdup_printf ("runs/%s/model/telemetry", run_id);
  g_autofree char *dry_dir = g_build_filename (f->data_dir, "telemetry", "dry-key", NULL);
  g_autofree char *body = NULL;
  g_autofree char *keyed_body = NULL;
  g_autofree char *dry_body = NULL;
  g_autofree char *list = NULL;
  g_autofree char *cli_list = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) keyed_msg = NULL;
  g_autoptr(SoupMessage) dry_msg = NULL;
  g_autoptr(SoupMessage) list_msg = NULL;
  g_autoptr(JsonObject) result = NULL;
  g_autoptr(JsonObject) dry_result = NULL;
  g_autoptr(JsonObject) items = NULL;
  const char *list_args[] = { "telemetry", "list", NULL };

  msg = http_post (f, "/v1/telemetry/captures", scoped, &body);
  assert_json (msg, 200);
  result = parse_object (body);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (result, "capture"),
                                                  "captureDirectory"), ==, scoped_dir);

  keyed_msg = http_post (f, "/v1/telemetry/captures", keyed, &keyed_body);
  assert_json (keyed_msg, 200);

  dry_msg = http_post (f, "/v1/telemetry/captures", dry, &dry_body);
  assert_json (dry_msg, 200);
  dry_result = parse_object (dry_body);
  g_assert_true (json_object_get_boolean_member (dry_result, "isDryRun"));
  g_assert_false (g_file_test (dry_dir, G_FILE_TEST_EXISTS));

  /* the list: the shared key and the run-scoped bundle; the CLI agrees */
  list_msg = http_get (f, "/v1/telemetry/captures", &list);
  assert_json (list_msg, 200);
  items = parse_object (list);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (items, "items")), ==, 2);
  cli_list = cli_json (f, list_args, 0);
  g_assert_cmpstr (cli_list, ==, list);

  /* a telemetry replay binds to the run's bundle */
  {
    g_autofree char *replay = g_strdup_printf ("{\"templateId\": \"tiny-flow\", \"mode\": \"telemetry\", "
                                               "\"parameters\": {\"rate\": 11}, "
                                               "\"telemetry\": {\"captureKey\": \"other-key\"}}");
    g_autofree char *replay_body = NULL;
    g_autoptr(SoupMessage) replay_msg = http_post (f, "/v1/runs", replay, &replay_body);
    g_autoptr(JsonObject) run = NULL;

    assert_json (replay_msg, 201);
    run = parse_object (replay_body);
    g_assert_cmpstr (json_object_get_string_member (run, "mode"), ==, "telemetry");
  }
}

static void
test_captures_invalid (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *run_id = create_tiny_run (f, 5);
  g_autofree char *flat_body = NULL;
  g_autofree char *flat_run = NULL;
  g_autofree char *outside = g_build_filename (f->tmp, "elsewhere", NULL);
  g_autofree char *telemetry_dir = g_build_filename (f->data_dir, "telemetry", NULL);
  g_autoptr(SoupMessage) flat_msg = NULL;
  g_autoptr(JsonObject) flat = NULL;
  struct {
    char       *body;
    guint       status;
    const char *code;
    const char *field;
  } cases[] = {
    { g_strdup ("{}"), 400, "invalid_request", "source" },
    { g_strdup ("{\"source\": {\"type\": \"run\"}}"), 400, "invalid_request", "source.runId" },
    { g_strdup ("{\"source\": {\"type\": \"bucket\", \"runId\": \"x\"}}"), 400, "invalid_request", "source.type" },
    { capture_request ("../x", NULL), 400, "invalid_request", "source.runId" },
    { capture_request (".hidden", NULL), 400, "invalid_request", "source.runId" },
    { capture_request (run_id, "\"output\": {\"captureKey\": \"a/b\"}"), 400, "invalid_request", "output.captureKey" },
    { capture_request (run_id, "\"output\": {\"captureKey\": 5}"), 400, "invalid_request", "output.captureKey" },
    { capture_request (run_id, "\"output\": {\"overwrite\": \"yes\"}"), 400, "invalid_request", "output.overwrite" },
    { capture_request (run_id, "\"output\": {\"runScoped\": 1}"), 400, "invalid_request", "output.runScoped" },
    { capture_request (run_id, "\"output\": {\"directory\": \"relative/dir\"}"), 400, "invalid_request", "output.directory" },
    { g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"}, \"output\": {\"directory\": \"%s\"}}",
                       run_id, outside), 400, "invalid_request", "output.directory" },
    { capture_request (run_id, "\"options\": {\"gapFill\": \"maybe\"}"), 400, "invalid_request", "options.gapFill" },
    { capture_request (run_id, "\"options\": {\"dryRun\": \"no\"}"), 400, "invalid_request", "options.dryRun" },
    { capture_request ("run_20990101T000000Z_nope", NULL), 404, "not_found", NULL },
    { capture_request (RB_TEST_RUN_PICKING, NULL), 422, "source_not_simulation", NULL },
    { NULL, 422, "nothing_to_capture", NULL },
  };

  /* a run with no topology: nothing to capture */
  flat_msg = http_post (f, "/v1/runs", "{\"templateId\": \"tiny-flat\", \"mode\": \"simulation\"}", &flat_body);
  assert_json (flat_msg, 201);
  flat = parse_object (flat_body);
  flat_run = g_strdup (json_object_get_string_member (flat, "runId"));
  cases[G_N_ELEMENTS (cases) - 1].body = capture_request (flat_run, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(SoupMessage) msg = NULL;

      g_test_message ("POST /v1/telemetry/captures %s", cases[i].body);
      msg = http_post (f, "/v1/telemetry/captures", cases[i].body, &body);
      assert_json (msg, cases[i].status);
      assert_error_body (body, cases[i].code, cases[i].field);
      g_assert_null (strstr (body, f->tmp));
      g_free (cases[i].body);
    }

  /* nothing generated, nothing outside the data folder */
  g_assert_cmpuint (rb_test_count_entries (telemetry_dir, NULL), ==, 0);
  g_assert_false (g_file_test (outside, G_FILE_TEST_EXISTS));
}

static void
test_captures_directory (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *run_id = create_tiny_run (f, 6);
  g_autofree char *target = g_build_filename (f->exports, "bundle-1", NULL);
  g_autofree char *manifest = g_build_filename (target, "manifest.json", NULL);
  g_autofree char *request = NULL;
  g_autofree char *body = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(JsonObject) result = NULL;
  JsonObject *capture;

  request = g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"}, "
                             "\"output\": {\"directory\": \"%s\"}}", run_id, target);
  msg = http_post (f, "/v1/telemetry/captures", request, &body);
  assert_json (msg, 200);
  result = parse_object (body);
  capture = json_object_get_object_member (result, "capture");
  g_assert_true (json_object_get_null_member (capture, "captureDirectory"));
  g_assert_true (json_object_get_boolean_member (capture, "generated"));
  g_assert_true (g_file_test (manifest, G_FILE_TEST_IS_REGULAR));
  g_assert_null (strstr (body, f->tmp));
}

static void
test_captures_disabled (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *run_id = create_tiny_run (f, 7);
  g_autofree char *request = capture_request (run_id, NULL);
  g_autofree char *body = NULL;
  g_autofree char *health = NULL;
  g_autofree char *cli = NULL;
  g_autofree char *telemetry_dir = g_build_filename (f->data_dir, "telemetry", NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(SoupMessage) health_msg = NULL;
  const char *env[] = { "RUNBOARD_DISABLE_TELEMETRY_GENERATION=1", NULL };
  const char *args[] = { "telemetry", "generate", run_id, NULL };

  msg = http_post (f, "/v1/telemetry/captures", request, &body);
  assert_json (msg, 403);
  assert_error_body (body, "disabled", NULL);
  health_msg = http_get (f, "/v1/healthz", &health);
  g_assert_nonnull (strstr (health, "\"telemetryGeneration\": false"));

  /* the CLI's removal path: exit 7, the same body */
  cli = cli_json_env (f, env, args, 7);
  g_assert_cmpstr (cli, ==, body);
  g_assert_cmpuint (rb_test_count_entries (telemetry_dir, NULL), ==, 0);
}

/* A chunked body (no Content-Length) over 1 MiB: counted as it arrives. */
static void
test_create_run_chunked_too_large (Fixture       *f,
                                   gconstpointer  data)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GSocketConnection) conn = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GByteArray) response = g_byte_array_new ();
  g_autofree char *head = NULL;
  g_autofree char *chunk = NULL;
  g_autofree char *text = NULL;
  GOutputStream *out;
  GInputStream *in;
  guint8 buffer[4096];
  gssize n;
  const char *sep;
  gsize chunk_size = 64 * 1024;

  conn = g_socket_client_connect_to_host (client, "127.0.0.1", f->port, NULL, &error);
  g_assert_no_error (error);
  out = g_io_stream_get_output_stream (G_IO_STREAM (conn));
  head = g_strdup_printf ("POST /v1/runs HTTP/1.1\r\nHost: 127.0.0.1:%u\r\n"
                          "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
                          "Connection: close\r\n\r\n", f->port);
  g_output_stream_write_all (out, head, strlen (head), NULL, NULL, &error);
  g_assert_no_error (error);
  chunk = g_malloc (chunk_size);
  memset (chunk, ' ', chunk_size);
  for (guint i = 0; i < 32; i++)
    {
      g_autofree char *size_line = g_strdup_printf ("%zx\r\n", chunk_size);

      g_output_stream_write_all (out, size_line, strlen (size_line), NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (out, chunk, chunk_size, NULL, NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (out, "\r\n", 2, NULL, NULL, &error);
      g_assert_no_error (error);
    }
  g_output_stream_write_all (out, "0\r\n\r\n", 5, NULL, NULL, &error);
  g_assert_no_error (error);

  in = g_io_stream_get_input_stream (G_IO_STREAM (conn));
  while ((n = g_input_stream_read (in, buffer, sizeof buffer, NULL, &error)) > 0)
    g_byte_array_append (response, buffer, n);
  g_assert_no_error (error);
  text = g_strndup ((const char *) response->data, response->len);
  g_assert_true (g_str_has_prefix (text, "HTTP/1.1 413 "));
  g_assert_nonnull (strstr (text, "Connection: close\r\n"));
  sep = strstr (text, "\r\n\r\n");
  g_assert_nonnull (sep);
  assert_error_body (sep + 4, "payload_too_large", NULL);
}

typedef struct
{
  Fixture *f;
  char    *request;
  guint    status;
} Generation;

static gpointer
generation_thread (gpointer data)
{
  Generation *g = data;
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/v1/telemetry/captures", g->f->port);
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
  g_autoptr(GBytes) request = g_bytes_new (g->request, strlen (g->request));
  g_autoptr(GBytes) body = NULL;

  soup_message_set_request_body_from_bytes (msg, "application/json", request);
  body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_atomic_int_set (&g->status, soup_message_get_status (msg));
  return NULL;
}

/* Generations waiting on a held lock never starve reads: more of them than
 * GTask's pool has threads, and GET requests are still answered. */
static void
test_captures_lock_wait (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *run_id = create_tiny_run (f, 13);
  g_autofree char *lock_path = g_build_filename (f->data_dir, "telemetry", ".tiny-key.lock", NULL);
  Generation generations[16];
  GThread *threads[G_N_ELEMENTS (generations)];
  guint generated = 0, exists = 0;
  int fd;

  fd = open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (flock (fd, LOCK_EX), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (generations); i++)
    {
      generations[i].f = f;
      generations[i].request = capture_request (run_id, NULL);
      generations[i].status = 0;
      threads[i] = g_thread_new ("generation", generation_thread, &generations[i]);
    }
  g_usleep (300 * 1000);

  /* the lock is held: every generation waits, reads go on */
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *body = NULL;
      g_autoptr(SoupMessage) msg = http_get (f, i % 2 ? "/v1/runs" : "/v1/templates", &body);

      assert_json (msg, 200);
    }
  for (guint i = 0; i < G_N_ELEMENTS (generations); i++)
    g_assert_cmpuint (g_atomic_int_get (&generations[i].status), ==, 0);

  /* released: exactly one generates, the others find it there */
  flock (fd, LOCK_UN);
  close (fd);
  for (guint i = 0; i < G_N_ELEMENTS (generations); i++)
    {
      g_thread_join (threads[i]);
      if (generations[i].status == 200)
        generated++;
      else if (generations[i].status == 409)
        exists++;
      g_free (generations[i].request);
    }
  g_assert_cmpuint (generated, ==, 1);
  g_assert_cmpuint (exists, ==, G_N_ELEMENTS (generations) - 1);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  ADD ("/server-api/templates", test_templates);
  ADD ("/server-api/templates/errors", test_template_errors);
  ADD ("/server-api/runs/create", test_create_run);
  ADD ("/server-api/runs/create/explicit-id", test_create_run_explicit_id);
  ADD ("/server-api/runs/create/dry-run", test_create_run_dry);
  ADD ("/server-api/runs/create/invalid", test_create_run_invalid);
  ADD ("/server-api/runs/create/cli-invalid", test_create_run_cli_invalid);
  ADD ("/server-api/runs/create/telemetry-missing", test_create_run_telemetry_missing);
  ADD ("/server-api/runs/create/media", test_create_run_media);
  ADD ("/server-api/runs/create/never-captures", test_create_run_never_captures);
  ADD ("/server-api/series", test_series);
  ADD ("/server-api/series/hand-made", test_series_hand_made);
  ADD ("/server-api/series/errors", test_series_errors);
  ADD ("/server-api/captures", test_captures);
  ADD ("/server-api/captures/targets", test_captures_targets);
  ADD ("/server-api/captures/invalid", test_captures_invalid);
  ADD ("/server-api/captures/lock-wait", test_captures_lock_wait);
  ADD ("/server-api/runs/create/chunked-too-large", test_create_run_chunked_too_large);
  g_test_add ("/server-api/captures/directory", Fixture, "exports",
              fixture_setup, test_captures_directory, fixture_teardown);
  g_test_add ("/server-api/captures/disabled", Fixture, "disabled",
              fixture_setup, test_captures_disabled, fixture_teardown);

#undef ADD

  return g_test_run ();
}
