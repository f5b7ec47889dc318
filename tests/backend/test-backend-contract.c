/* test-backend-contract.c — one contract, two backends
 *
 * Every contract test below runs twice: against RbLocalBackend on a temp
 * copy of tests/data/sample, and against RbRemoteBackend talking to a real
 * runboard-server (RUNBOARD_SERVER) that the fixture starts on
 * 127.0.0.1:0 with another temp copy. The expected values come from core
 * (RbRunStore on the fixture's own copy), so both backends are held to the
 * same bytes, codes and messages. The server dies with the test process
 * even when an assertion aborts it (PR_SET_PDEATHSIG).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "rb-data-dir.h"
#include "rb-error.h"
#include "rb-json.h"
#include "rb-local-backend.h"
#include "rb-remote-backend.h"
#include "rb-ident.h"
#include "rb-orchestrator.h"
#include "rb-run-replay.h"
#include "rb-run-series.h"
#include "rb-run-store.h"
#include "rb-telemetry.h"
#include "rb-test-util.h"

/* Remote change polling in these tests (the default is 3 s). */
#define TEST_POLL_INTERVAL_MS 100
/* A simulation run of the sample with series and a telemetry bundle. */
#define RUN_WITH_SERIES "run_20261120T081500Z_7c1e2a90"
/* A telemetry run of the sample (no bundle of its own). */
#define RUN_NO_INDEX    "run_20261122T093000Z_5e6f7a8b"

typedef enum
{
  BACKEND_LOCAL,
  BACKEND_REMOTE,
} BackendKind;

typedef struct
{
  BackendKind  kind;
  char        *tmp;
  char        *data_dir;
  char        *log_path;
  RbTestServerProc *server; /* remote: the server */
  char        *base_url;   /* remote: http://127.0.0.1:PORT/ */
  RbBackend   *backend;
} Fixture;

/*
 * The server
 */

/* Starts runboard-server on a free loopback port over @data_dir (with
 * @extra_arg, nullable); its base URL is in *base_url. */
static RbTestServerProc *
server_start (const char  *data_dir,
              const char  *log_path,
              const char  *extra_arg,
              char       **base_url)
{
  const char *extra[] = { extra_arg, NULL };
  RbTestServerProc *server = rb_test_server_proc_start (data_dir, log_path, extra, NULL);

  *base_url = g_strdup (rb_test_server_proc_get_url (server));
  return server;
}

/* A loopback port nothing listens on (bound, then closed). */
static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

/*
 * Fixture
 */

/* A fresh temp copy of tests/data/sample. */
static char *
copy_sample (const char *tmp,
             const char *name)
{
  g_autofree char *sample = rb_test_data_path ("sample", NULL);
  char *data_dir = g_build_filename (tmp, name, NULL);

  g_assert_true (g_file_test (sample, G_FILE_TEST_IS_DIR));
  rb_test_copy_tree (sample, data_dir);
  return data_dir;
}

static RbBackend *
new_backend (Fixture *f)
{
  if (f->kind == BACKEND_LOCAL)
    return RB_BACKEND (rb_local_backend_new (f->data_dir));

  return g_object_new (RB_TYPE_REMOTE_BACKEND,
                       "base-url", f->base_url,
                       "poll-interval-ms", TEST_POLL_INTERVAL_MS,
                       NULL);
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  f->kind = GPOINTER_TO_INT (data);
  f->tmp = rb_test_make_temp_dir ();
  f->data_dir = copy_sample (f->tmp, f->kind == BACKEND_LOCAL ? "local" : "served");
  f->log_path = g_build_filename (f->tmp, "server.log", NULL);

  if (f->kind == BACKEND_REMOTE)
    f->server = server_start (f->data_dir, f->log_path, NULL, &f->base_url);

  f->backend = new_backend (f);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  if (f->backend != NULL)
    rb_test_assert_finalized_soon (f->backend);
  g_clear_pointer (&f->server, rb_test_server_proc_stop);
  rb_test_remove_tree (f->tmp);
  g_free (f->tmp);
  g_free (f->data_dir);
  g_free (f->log_path);
  g_free (f->base_url);
}

/*
 * Calling the backend synchronously (spinning the default context)
 */

static void
store_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (result);
}

static GAsyncResult *
wait_result (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *slot;
}

static GPtrArray *
list_runs (RbBackend     *backend,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_list_runs_async (backend, cancellable, store_result_cb, &result);
  return rb_backend_list_runs_finish (backend, wait_result (&result), error);
}

static RbRun *
get_run (RbBackend     *backend,
         const char    *run_id,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_get_run_async (backend, run_id, cancellable, store_result_cb, &result);
  return rb_backend_get_run_finish (backend, wait_result (&result), error);
}

static GPtrArray *
list_templates (RbBackend     *backend,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_list_templates_async (backend, NULL, store_result_cb, &result);
  return rb_backend_list_templates_finish (backend, wait_result (&result), error);
}

static RbTemplate *
get_template (RbBackend     *backend,
              const char    *template_id,
              GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_get_template_async (backend, template_id, NULL, store_result_cb, &result);
  return rb_backend_get_template_finish (backend, wait_result (&result), error);
}

static JsonNode *
list_captures (RbBackend     *backend,
               GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_list_captures_async (backend, NULL, store_result_cb, &result);
  return rb_backend_list_captures_finish (backend, wait_result (&result), error);
}

static JsonNode *
generate_telemetry (RbBackend     *backend,
                    const char    *request_json,
                    guint         *http_status,
                    GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) request = json_from_string (request_json, NULL);

  g_assert_nonnull (request);
  rb_backend_generate_telemetry_async (backend, request, NULL, store_result_cb, &result);
  return rb_backend_generate_telemetry_finish (backend, wait_result (&result), http_status, error);
}

/* What core answers to @request_json on @data_dir: the body (and status)
 * or the error. */
static JsonNode *
core_generate (const char  *data_dir,
               const char  *request_json,
               guint       *http_status,
               GError     **error)
{
  g_autoptr(JsonNode) body = json_from_string (request_json, NULL);
  g_autoptr(RbCaptureRequest) request = NULL;
  g_autoptr(RbCaptureResult) result = NULL;

  request = rb_capture_request_from_json (body, error);
  if (request == NULL)
    return NULL;
  result = rb_telemetry_generate (data_dir, NULL, request, NULL, NULL, NULL, error);
  if (result == NULL)
    return NULL;
  *http_status = rb_capture_result_get_http_status (result);
  return rb_capture_result_to_json (result);
}

static JsonNode *
create_run (RbBackend     *backend,
            const char    *request_json,
            guint         *http_status,
            GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(JsonNode) request = json_from_string (request_json, NULL);

  g_assert_nonnull (request);
  rb_backend_create_run_async (backend, request, NULL, store_result_cb, &result);
  return rb_backend_create_run_finish (backend, wait_result (&result), http_status, error);
}

/* What core answers to a POST /v1/runs body on @data_dir. */
static JsonNode *
core_create_run (const char  *data_dir,
                 const char  *request_json,
                 GError     **error)
{
  g_autoptr(JsonNode) body = json_from_string (request_json, NULL);
  g_autoptr(RbRunRequest) request = NULL;
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (data_dir);
  g_autoptr(RbRunResult) result = NULL;

  request = rb_run_request_from_json (body, error);
  if (request == NULL)
    return NULL;
  result = rb_orchestrator_create_run (data_dir, catalog, request, NULL, error);
  if (result == NULL)
    return NULL;
  return rb_run_result_to_json (result);
}

static RbBackendCapabilities *
get_capabilities (RbBackend     *backend,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_get_capabilities_async (backend, cancellable, store_result_cb, &result);
  return rb_backend_get_capabilities_finish (backend, wait_result (&result), error);
}

/* Spins the default main context until *flag or @timeout_ms passed. */
static gboolean
spin_until (const gboolean *flag,
            guint           timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!*flag && g_get_monotonic_time () < deadline)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }

  return *flag;
}

static char *
summary_json (RbRun *run)
{
  g_autoptr(JsonNode) node = rb_run_to_summary_json (run);

  return rb_json_to_data (node, NULL);
}

static char *
detail_json (RbRun *run)
{
  g_autoptr(JsonNode) node = rb_run_to_detail_json (run);

  return rb_json_to_data (node, NULL);
}

/* What core says about @run_id in @data_dir: the error, if any. */
static GError *
store_get_error (const char *data_dir,
                 const char *run_id)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (data_dir);
  g_autoptr(RbRun) run = NULL;
  GError *error = NULL;

  run = rb_run_store_get (store, run_id, &error);
  g_assert_true ((run == NULL) == (error != NULL));
  return error;
}

/* Same domain, code, message and field. */
static void
assert_same_error (const GError *actual,
                   const GError *expected)
{
  g_assert_nonnull (actual);
  g_assert_nonnull (expected);
  g_assert_error (actual, expected->domain, expected->code);
  g_assert_cmpstr (actual->message, ==, expected->message);
  g_assert_cmpstr (rb_error_get_field (actual), ==, rb_error_get_field (expected));
}

/*
 * The contract (each runs against both backends)
 */

static void
test_display_name (Fixture       *f,
                   gconstpointer  data)
{
  const char *expected = f->kind == BACKEND_LOCAL ? "Local" : "127.0.0.1";

  g_assert_cmpstr (rb_backend_get_display_name (f->backend), ==, expected);
}

static void
test_list_matches_core (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_broken = 0;

  expected = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  runs = list_runs (f->backend, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (runs);

  /* The sample: both eras, both modes, a replay, a broken run. */
  g_assert_cmpuint (runs->len, ==, 6);
  g_assert_cmpuint (runs->len, ==, expected->len);

  for (guint i = 0; i < runs->len; i++)
    {
      RbRun *run = g_ptr_array_index (runs, i);
      RbRun *want = g_ptr_array_index (expected, i);
      g_autofree char *got_json = NULL;
      g_autofree char *want_json = NULL;

      g_assert_true (RB_IS_RUN (run));
      g_assert_cmpstr (rb_run_get_run_id (run), ==, rb_run_get_run_id (want));

      got_json = summary_json (run);
      want_json = summary_json (want);
      g_assert_cmpstr (got_json, ==, want_json);

      /* Broken runs last, with their diagnostic. */
      g_assert_cmpstr (rb_run_get_diagnostic (run), ==, rb_run_get_diagnostic (want));
      if (rb_run_get_diagnostic (run) != NULL)
        n_broken++;
      else
        g_assert_cmpuint (n_broken, ==, 0);
    }

  g_assert_cmpuint (n_broken, ==, 1);
}

/* More runs than one page of the API holds (500): both pages, in order,
 * nothing twice. The copies share a creation time, so ties go by run id. */
static void
test_list_many_pages (Fixture       *f,
                      gconstpointer  data)
{
  static const char *files[] = { "run.json", "manifest.json", "model/metadata.json",
                                 "model/provenance.json" };
  g_autofree char *source = g_build_filename (f->data_dir, "runs",
                                              "run_20261120T081500Z_7c1e2a90", NULL);
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 510; i++)
    {
      g_autofree char *id = g_strdup_printf ("copy-%04u", i);

      for (guint j = 0; j < G_N_ELEMENTS (files); j++)
        {
          g_autofree char *from = g_build_filename (source, files[j], NULL);
          g_autofree char *to = g_build_filename (f->data_dir, "runs", id, files[j], NULL);
          g_autofree char *dir = g_path_get_dirname (to);
          g_autofree char *contents = NULL;
          gsize length = 0;

          /* No fsync per file (rb_test_write_file syncs): 2040 files. */
          contents = rb_test_read_file (from, &length);
          g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);
          g_file_set_contents_full (to, contents, (gssize) length,
                                    G_FILE_SET_CONTENTS_NONE, 0644, &error);
          g_assert_no_error (error);
        }
    }

  expected = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, 516);

  runs = list_runs (f->backend, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (runs->len, ==, expected->len);

  for (guint i = 0; i < runs->len; i++)
    {
      g_autofree char *got_json = summary_json (g_ptr_array_index (runs, i));
      g_autofree char *want_json = summary_json (g_ptr_array_index (expected, i));

      g_assert_cmpstr (got_json, ==, want_json);
    }
}

static void
test_get_matches_core (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_readable = 0;

  runs = list_runs (f->backend, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < runs->len; i++)
    {
      const char *run_id = rb_run_get_run_id (g_ptr_array_index (runs, i));
      g_autoptr(RbRun) want = NULL;
      g_autoptr(RbRun) run = NULL;
      g_autoptr(GError) want_error = NULL;
      g_autoptr(GError) get_error = NULL;
      g_autofree char *got_json = NULL;
      g_autofree char *want_json = NULL;

      want = rb_run_store_get (store, run_id, &want_error);
      run = get_run (f->backend, run_id, NULL, &get_error);

      if (want == NULL)
        {
          /* The broken run: 422 run_unreadable naming the file, same words. */
          g_assert_error (want_error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
          assert_same_error (get_error, want_error);
          g_assert_null (run);
          g_assert_null (strstr (get_error->message, f->tmp));
          continue;
        }

      g_assert_no_error (get_error);
      g_assert_true (RB_IS_RUN (run));
      g_assert_true (rb_run_has_detail (run));

      got_json = detail_json (run);
      want_json = detail_json (want);
      g_assert_cmpstr (got_json, ==, want_json);
      n_readable++;
    }

  g_assert_cmpuint (n_readable, ==, 5);
}

static void
test_get_not_found (Fixture       *f,
                    gconstpointer  data)
{
  const char *run_id = "run_20000101T000000Z_deadbeef";
  g_autoptr(GError) expected = store_get_error (f->data_dir, run_id);
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;

  run = get_run (f->backend, run_id, NULL, &error);
  g_assert_null (run);
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  assert_same_error (error, expected);
}

static void
test_get_invalid_id (Fixture       *f,
                     gconstpointer  data)
{
  const char *ids[] = { "../../etc", "a/b", "..", "-leading-dash", "sp ace", "" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(GError) expected = store_get_error (f->data_dir, ids[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(RbRun) run = NULL;

      run = get_run (f->backend, ids[i], NULL, &error);
      g_assert_null (run);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, "runId");
      assert_same_error (error, expected);
    }
}

static char *
node_to_data (JsonNode *node)
{
  char *data = rb_json_to_data (node, NULL);

  json_node_unref (node);
  return data;
}

static void
test_templates_list (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (f->data_dir);
  g_autoptr(GPtrArray) expected = NULL;
  g_autoptr(GPtrArray) templates = NULL;
  g_autoptr(GError) error = NULL;

  expected = rb_template_catalog_list (catalog, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, >=, 1);

  templates = list_templates (f->backend, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (templates->len, ==, expected->len);

  for (guint i = 0; i < templates->len; i++)
    {
      RbTemplate *got = g_ptr_array_index (templates, i);
      RbTemplate *want = g_ptr_array_index (expected, i);
      g_autofree char *got_json = node_to_data (rb_template_to_summary_json (got));
      g_autofree char *want_json = node_to_data (rb_template_to_summary_json (want));
      g_autoptr(RbTemplate) full = NULL;
      g_autoptr(RbTemplate) want_full = NULL;
      g_autofree char *full_json = NULL;
      g_autofree char *want_full_json = NULL;

      g_assert_cmpstr (rb_template_get_id (got), ==, rb_template_get_id (want));
      g_assert_cmpstr (got_json, ==, want_json);

      /* The whole template, parameters included. */
      full = get_template (f->backend, rb_template_get_id (want), &error);
      g_assert_no_error (error);
      want_full = rb_template_catalog_get (catalog, rb_template_get_id (want), &error);
      g_assert_no_error (error);
      full_json = node_to_data (rb_template_to_json (full));
      want_full_json = node_to_data (rb_template_to_json (want_full));
      g_assert_cmpstr (full_json, ==, want_full_json);
    }
}

static void
test_templates_errors (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (f->data_dir);
  const char *ids[] = { "no-such-template", "../templates", "a/b", "..", "" };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(RbTemplate) want = NULL;
      g_autoptr(RbTemplate) got = NULL;
      g_autoptr(GError) want_error = NULL;
      g_autoptr(GError) error = NULL;

      want = rb_template_catalog_get (catalog, ids[i], &want_error);
      g_assert_null (want);
      got = get_template (f->backend, ids[i], &error);
      g_assert_null (got);
      assert_same_error (error, want_error);
      if (i == 0)
        g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
      else
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
          g_assert_cmpstr (rb_error_get_field (error), ==, "templateId");
        }
    }
}

/* The sample has a shared-key bundle and run-scoped ones: the same body
 * bytes as core's listing. */
static void
test_captures_list (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *want = NULL;
  g_autofree char *got = NULL;
  JsonNode *node;

  node = rb_telemetry_list_captures (f->data_dir, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (rb_json_get_array (json_node_get_object (node), "items")),
                    >=, 2);
  want = node_to_data (node);

  node = list_captures (f->backend, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  got = node_to_data (node);

  g_assert_cmpstr (got, ==, want);
}

/* The first readable run of @mode in the sample. */
static char *
find_run (const char *data_dir,
          const char *mode)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (data_dir);
  g_autoptr(GPtrArray) runs = rb_run_store_list_all (store, NULL, NULL);

  for (guint i = 0; runs != NULL && i < runs->len; i++)
    {
      RbRun *run = g_ptr_array_index (runs, i);

      if (rb_run_get_diagnostic (run) == NULL && g_strcmp0 (rb_run_get_mode (run), mode) == 0)
        return g_strdup (rb_run_get_run_id (run));
    }

  return NULL;
}

static void
test_generate_telemetry (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *sim = find_run (f->data_dir, "simulation");
  g_autofree char *request = NULL;
  g_autofree char *dry_request = NULL;
  g_autofree char *generated_at = NULL;
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) dry = NULL;
  g_autoptr(JsonNode) want_dry = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dry_json = NULL;
  g_autofree char *want_dry_json = NULL;
  JsonObject *capture;
  guint status = 0;
  guint want_status = 0;

  g_assert_nonnull (sim);
  request = g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"},"
                             " \"output\": {\"captureKey\": \"contract-test\"}}", sim);
  dry_request = g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"},"
                                 " \"output\": {\"captureKey\": \"contract-test\"},"
                                 " \"options\": {\"dryRun\": true}}", sim);

  /* A dry run: exactly core's plan, and nothing written. */
  want_dry = core_generate (f->data_dir, dry_request, &want_status, &error);
  g_assert_no_error (error);
  dry = generate_telemetry (f->backend, dry_request, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpuint (want_status, ==, 200);
  dry_json = rb_json_to_data (dry, NULL);
  want_dry_json = rb_json_to_data (want_dry, NULL);
  g_assert_cmpstr (dry_json, ==, want_dry_json);
  g_assert_true (rb_json_get_bool (json_node_get_object (dry), "isDryRun", FALSE));

  /* Generated. */
  body = generate_telemetry (f->backend, request, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  capture = rb_json_get_object (json_node_get_object (body), "capture");
  g_assert_nonnull (capture);
  g_assert_cmpstr (rb_json_get_string (capture, "captureKey"), ==, "contract-test");
  g_assert_cmpstr (rb_json_get_string (capture, "captureDirectory"), ==, "telemetry/contract-test");
  g_assert_true (rb_json_get_bool (capture, "generated", FALSE));
  g_assert_false (rb_json_get_bool (capture, "alreadyExists", TRUE));
  g_assert_cmpstr (rb_json_get_string (capture, "sourceRunId"), ==, sim);
  g_assert_cmpint (rb_json_get_int (capture, "files", 0), ==,
                   json_array_get_length (rb_json_get_array (rb_json_get_object (json_node_get_object (want_dry),
                                                                                 "plan"),
                                                             "files")));
  g_assert_nonnull (rb_json_get_string (capture, "generatedAtUtc"));
  generated_at = g_strdup (rb_json_get_string (capture, "generatedAtUtc"));

  /* Again: 409, the existing bundle's own time and source, as an answer. */
  again = generate_telemetry (f->backend, request, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 409);
  capture = rb_json_get_object (json_node_get_object (again), "capture");
  g_assert_nonnull (capture);
  g_assert_false (rb_json_get_bool (capture, "generated", TRUE));
  g_assert_true (rb_json_get_bool (capture, "alreadyExists", FALSE));
  g_assert_cmpstr (rb_json_get_string (capture, "generatedAtUtc"), ==, generated_at);
  g_assert_cmpstr (rb_json_get_string (capture, "sourceRunId"), ==, sim);
  g_assert_cmpstr (rb_json_get_string (json_node_get_object (again), "code"), ==, "already_exists");
}

static void
test_generate_telemetry_errors (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *tel = find_run (f->data_dir, "telemetry");
  g_autofree char *from_tel = NULL;
  const char *requests[] = {
    "{\"source\": {\"type\": \"run\", \"runId\": \"run_20000101T000000Z_deadbeef\"}}",   /* 404 */
    "{\"source\": {\"type\": \"run\"}}",                                                 /* 400 */
    "{\"source\": {\"type\": \"run\", \"runId\": \"../x\"}}",                              /* 400 */
    "{\"source\": {\"type\": \"run\", \"runId\": \"run_20261124T160000Z_deadbeef\"}}",   /* broken */
    NULL,                                                                                /* 422 */
  };

  g_assert_nonnull (tel);
  from_tel = g_strdup_printf ("{\"source\": {\"type\": \"run\", \"runId\": \"%s\"}}", tel);
  requests[G_N_ELEMENTS (requests) - 1] = from_tel;

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GError) want_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) want = NULL;
      g_autoptr(JsonNode) got = NULL;
      guint want_status = 0;
      guint status = 0;

      want = core_generate (f->data_dir, requests[i], &want_status, &want_error);
      g_assert_null (want);
      got = generate_telemetry (f->backend, requests[i], &status, &error);
      g_assert_null (got);
      assert_same_error (error, want_error);
      g_assert_null (strstr (error->message, f->tmp));
    }
}

/* A shipped simulation template. */
static char *
find_template (const char *data_dir)
{
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (data_dir);
  g_autoptr(GPtrArray) templates = rb_template_catalog_list (catalog, NULL);

  for (guint i = 0; templates != NULL && i < templates->len; i++)
    {
      RbTemplate *template = g_ptr_array_index (templates, i);

      if (g_strcmp0 (rb_template_get_mode (template), "simulation") == 0)
        return g_strdup (rb_template_get_id (template));
    }

  return NULL;
}

static void
test_create_run (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *template_id = find_template (f->data_dir);
  g_autofree char *request = NULL;
  g_autofree char *dry_request = NULL;
  g_autofree char *dry_json = NULL;
  g_autofree char *want_dry_json = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *want_detail = NULL;
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(JsonNode) dry = NULL;
  g_autoptr(JsonNode) want_dry = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(JsonNode) want_again = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(RbRun) want_run = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) want_error = NULL;
  guint status = 0;

  g_assert_nonnull (template_id);
  request = g_strdup_printf ("{\"templateId\": \"%s\", \"mode\": \"simulation\","
                             " \"rng\": {\"kind\": \"pcg32\", \"seed\": 7},"
                             " \"options\": {\"runId\": \"contract-run\"}}", template_id);
  dry_request = g_strdup_printf ("{\"templateId\": \"%s\", \"mode\": \"simulation\","
                                 " \"rng\": {\"kind\": \"pcg32\", \"seed\": 7},"
                                 " \"options\": {\"runId\": \"contract-run\", \"dryRun\": true}}",
                                 template_id);

  /* A dry run: core's plan, byte for byte, and nothing written. */
  want_dry = core_create_run (f->data_dir, dry_request, &error);
  g_assert_no_error (error);
  dry = create_run (f->backend, dry_request, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  dry_json = rb_json_to_data (dry, NULL);
  want_dry_json = rb_json_to_data (want_dry, NULL);
  g_assert_cmpstr (dry_json, ==, want_dry_json);
  g_assert_false (json_object_has_member (json_node_get_object (dry), "capture"));

  /* Created: 201, the run as core reads it back, wasReused false. */
  created = create_run (f->backend, request, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  g_assert_cmpstr (rb_json_get_string (json_node_get_object (created), "runId"), ==, "contract-run");
  g_assert_false (rb_json_get_bool (json_node_get_object (created), "wasReused", TRUE));
  g_assert_false (json_object_has_member (json_node_get_object (created), "capture"));

  run = get_run (f->backend, "contract-run", NULL, &error);
  g_assert_no_error (error);
  want_run = rb_run_store_get (store, "contract-run", &error);
  g_assert_no_error (error);
  detail = detail_json (run);
  want_detail = detail_json (want_run);
  g_assert_cmpstr (detail, ==, want_detail);

  /* The same explicit run id again: 409, as core says. */
  want_again = core_create_run (f->data_dir, request, &want_error);
  g_assert_null (want_again);
  again = create_run (f->backend, request, &status, &error);
  g_assert_null (again);
  g_assert_error (error, RB_ERROR, RB_ERROR_ALREADY_EXISTS);
  assert_same_error (error, want_error);
}

static void
test_create_run_errors (Fixture       *f,
                        gconstpointer  data)
{
  const char *requests[] = {
    "{\"templateId\": \"no-such-template\", \"mode\": \"simulation\"}",       /* 404 */
    "{\"templateId\": \"../x\", \"mode\": \"simulation\"}",                   /* 400 */
    "{\"mode\": 7}",                                                          /* 400 */
    "[]",                                                                     /* 400 */
  };

  for (guint i = 0; i < G_N_ELEMENTS (requests); i++)
    {
      g_autoptr(GError) want_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) want = NULL;
      g_autoptr(JsonNode) got = NULL;
      guint status = 0;

      want = core_create_run (f->data_dir, requests[i], &want_error);
      g_assert_null (want);
      got = create_run (f->backend, requests[i], &status, &error);
      g_assert_null (got);
      assert_same_error (error, want_error);
    }
}

static void
test_capabilities (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(RbBackendCapabilities) caps = NULL;
  g_autoptr(RbBackendCapabilities) copy = NULL;
  g_autoptr(GError) error = NULL;

  caps = get_capabilities (f->backend, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (caps);
  g_assert_true (caps->telemetry_generation);
  g_assert_cmpstr (caps->version, ==, PACKAGE_VERSION);

  copy = g_boxed_copy (RB_TYPE_BACKEND_CAPABILITIES, caps);
  g_assert_true (copy->telemetry_generation);
  g_assert_cmpstr (copy->version, ==, PACKAGE_VERSION);
}

/* Generation switched off: locally by the environment, remotely by the
 * server's option; both report it the same way. */
static void
test_capabilities_disabled (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autofree char *local_dir = copy_sample (tmp, "local");
  g_autofree char *served_dir = copy_sample (tmp, "served");
  g_autofree char *log_path = g_build_filename (tmp, "server.log", NULL);
  g_autofree char *base_url = NULL;
  g_autoptr(RbTestServerProc) server = NULL;
  g_autoptr(GError) disabled_error = NULL;
  RbBackend *backends[2];

  rb_telemetry_set_disabled_error (&disabled_error);
  server = server_start (served_dir, log_path, "--disable-telemetry-generation", &base_url);
  backends[0] = RB_BACKEND (rb_local_backend_new (local_dir));
  backends[1] = RB_BACKEND (rb_remote_backend_new (base_url, NULL));

  g_setenv ("RUNBOARD_DISABLE_TELEMETRY_GENERATION", "1", TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    {
      g_autoptr(RbBackendCapabilities) caps = NULL;
      g_autoptr(GError) error = NULL;

      g_autoptr(JsonNode) body = NULL;
      guint status = 0;

      caps = get_capabilities (backends[i], NULL, &error);
      g_assert_no_error (error);
      g_assert_false (caps->telemetry_generation);
      g_assert_cmpstr (caps->version, ==, PACKAGE_VERSION);

      /* Refused before the request is even read. */
      body = generate_telemetry (backends[i], "{}", &status, &error);
      g_assert_null (body);
      g_assert_error (error, RB_ERROR, RB_ERROR_DISABLED);
      g_assert_cmpstr (error->message, ==, disabled_error->message);
      rb_test_assert_finalized_soon (backends[i]);
    }
  g_unsetenv ("RUNBOARD_DISABLE_TELEMETRY_GENERATION");

  g_clear_pointer (&server, rb_test_server_proc_stop);
  rb_test_remove_tree (tmp);
}

static void
on_changed_cb (RbBackend *backend,
               gboolean  *fired)
{
  *fired = TRUE;
}

static void
test_changed_on_stamp (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  gboolean fired = FALSE;
  gulong handler;

  g_assert_true (rb_data_dir_ensure (f->data_dir, &error));
  g_assert_no_error (error);

  handler = g_signal_connect (f->backend, "changed", G_CALLBACK (on_changed_cb), &fired);

  /* A listing is what goes stale: take one, then let the folder settle.
   * GFileMonitor reports a "virtual" changes-done 2 s after a file is
   * created (ensure() may have created the stamp): wait for a quiet spell
   * longer than that. */
  runs = list_runs (f->backend, NULL, &error);
  g_assert_no_error (error);
  do
    fired = FALSE;
  while (spin_until (&fired, 2500));

  g_assert_true (rb_data_dir_touch_stamp (f->data_dir, &error));
  g_assert_no_error (error);
  g_assert_true (spin_until (&fired, 5000));

  /* One change, one signal; then quiet. */
  fired = FALSE;
  g_assert_false (spin_until (&fired, 500));

  g_signal_handler_disconnect (f->backend, handler);
}

static void
assert_cancelled (GError *error)
{
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_cancelled_before (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(RbBackendCapabilities) caps = NULL;
  g_autoptr(GError) list_error = NULL;
  g_autoptr(GError) get_error = NULL;
  g_autoptr(GError) caps_error = NULL;

  g_cancellable_cancel (cancellable);

  runs = list_runs (f->backend, cancellable, &list_error);
  g_assert_null (runs);
  assert_cancelled (list_error);

  run = get_run (f->backend, "run_20261120T081500Z_7c1e2a90", cancellable, &get_error);
  g_assert_null (run);
  assert_cancelled (get_error);

  caps = get_capabilities (f->backend, cancellable, &caps_error);
  g_assert_null (caps);
  assert_cancelled (caps_error);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_REMOVE;
}

/* Cancelled after the call started (the first main loop iteration). */
static void
test_cancelled_in_flight (Fixture       *f,
                          gconstpointer  data)
{
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GAsyncResult) result = NULL;
      g_autoptr(GError) error = NULL;

      g_idle_add_full (G_PRIORITY_HIGH, cancel_cb, g_object_ref (cancellable), g_object_unref);
      if (i == 0)
        {
          g_autoptr(GPtrArray) runs = NULL;

          rb_backend_list_runs_async (f->backend, cancellable, store_result_cb, &result);
          runs = rb_backend_list_runs_finish (f->backend, wait_result (&result), &error);
          g_assert_null (runs);
        }
      else
        {
          g_autoptr(RbRun) run = NULL;

          rb_backend_get_run_async (f->backend, "run_20261120T081500Z_7c1e2a90",
                                    cancellable, store_result_cb, &result);
          run = rb_backend_get_run_finish (f->backend, wait_result (&result), &error);
          g_assert_null (run);
        }
      assert_cancelled (error);
    }
}

/*
 * Remote only
 */

static void
test_remote_unreachable (void)
{
  guint16 port = closed_port ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", port);
  g_autofree char *prefix = g_strdup_printf ("Can't reach the server at 127.0.0.1:%u: ", port);
  g_autoptr(RbRemoteBackend) backend = rb_remote_backend_new (url, NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(RbBackendCapabilities) caps = NULL;
  g_autoptr(GError) list_error = NULL;
  g_autoptr(GError) get_error = NULL;
  g_autoptr(GError) caps_error = NULL;


  runs = list_runs (RB_BACKEND (backend), NULL, &list_error);
  g_assert_null (runs);
  g_assert_error (list_error, RB_ERROR, RB_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (list_error->message, prefix));

  run = get_run (RB_BACKEND (backend), "run_20261120T081500Z_7c1e2a90", NULL, &get_error);
  g_assert_null (run);
  g_assert_error (get_error, RB_ERROR, RB_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (get_error->message, prefix));

  caps = get_capabilities (RB_BACKEND (backend), NULL, &caps_error);
  g_assert_null (caps);
  g_assert_error (caps_error, RB_ERROR, RB_ERROR_UNREACHABLE);
  g_assert_true (g_str_has_prefix (caps_error->message, prefix));

  g_assert_cmpstr (rb_backend_get_display_name (RB_BACKEND (backend)), ==, "127.0.0.1");
  g_assert_cmpstr (rb_remote_backend_get_base_url (backend), ==, url);
}

static void
test_remote_bad_url (void)
{
  g_autoptr(RbRemoteBackend) backend = rb_remote_backend_new ("ftp://example.org", NULL);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;

  runs = list_runs (RB_BACKEND (backend), NULL, &error);
  g_assert_null (runs);
  g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
  g_assert_cmpstr (error->message, ==,
                   "“ftp://example.org/” is not a server address (expected http://HOST:PORT/)");
}

/* A server that is not runboard-server (or a broken one): errors still
 * say what happened, and the token and user agent go out as documented.
 * A plain socket service (one thread per connection) answers canned
 * HTTP/1.1 responses; it records the headers of the last request. */
typedef struct
{
  GMutex  lock;
  char   *authorization;
  char   *user_agent;
} ForeignState;

static const struct
{
  const char *path;
  guint       status;
  const char *type;
  const char *body;
} foreign_answers[] = {
  { "/v1/healthz",      200, "application/json", "[1, 2]" },
  { "/v1/runs",         200, "application/json", "{\"items\": [{oops" },
  { "/v1/runs/down",    503, "text/html",        "<h1>Down for maintenance</h1>" },
  { "/v1/runs/gone",    404, "text/plain",       "no such thing" },
  { "/v1/runs/locked",  401, "text/plain",       "who are you" },
  { "/v1/runs/fielded", 400, "application/json",
    "{\"error\": \"Run ids are short.\", \"code\": \"invalid_request\", \"field\": \"runId\"}" },
  { "/v1/runs/odd",     200, "application/json", "{\"runId\": 42}" },
};

static gboolean
foreign_run_cb (GThreadedSocketService *service,
                GSocketConnection      *connection,
                GObject                *source_object,
                gpointer                user_data)
{
  ForeignState *state = user_data;
  g_autoptr(GDataInputStream) in = NULL;
  g_autofree char *request_line = NULL;
  g_autofree char *response = NULL;
  g_auto(GStrv) parts = NULL;
  guint status = 500;
  const char *type = "text/plain";
  const char *body = "";
  char *query;

  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  request_line = g_data_input_stream_read_line (in, NULL, NULL, NULL);
  if (request_line == NULL)
    return TRUE;

  for (;;)
    {
      g_autofree char *line = g_data_input_stream_read_line (in, NULL, NULL, NULL);

      if (line == NULL || *line == '\0')
        break;

      g_mutex_lock (&state->lock);
      if (g_ascii_strncasecmp (line, "Authorization: ", 15) == 0)
        {
          g_free (state->authorization);
          state->authorization = g_strdup (line + 15);
        }
      else if (g_ascii_strncasecmp (line, "User-Agent: ", 12) == 0)
        {
          g_free (state->user_agent);
          state->user_agent = g_strdup (line + 12);
        }
      g_mutex_unlock (&state->lock);
    }

  /* "GET /path?query HTTP/1.1" */
  parts = g_strsplit (request_line, " ", 3);
  if (g_strv_length (parts) == 3)
    {
      query = strchr (parts[1], '?');
      if (query != NULL)
        *query = '\0';
      for (guint i = 0; i < G_N_ELEMENTS (foreign_answers); i++)
        {
          if (g_str_equal (parts[1], foreign_answers[i].path))
            {
              status = foreign_answers[i].status;
              type = foreign_answers[i].type;
              body = foreign_answers[i].body;
            }
        }
    }

  response = g_strdup_printf ("HTTP/1.1 %u %s\r\n"
                              "Content-Type: %s\r\n"
                              "Content-Length: %zu\r\n"
                              "Connection: close\r\n"
                              "\r\n"
                              "%s",
                              status, soup_status_get_phrase (status), type, strlen (body), body);
  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             response, strlen (response), NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  return TRUE;
}

static void
test_remote_foreign_server (void)
{
  g_autoptr(GSocketService) service = g_threaded_socket_service_new (4);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(RbRemoteBackend) backend = NULL;
  g_autoptr(RbBackendCapabilities) caps = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *message = NULL;
  ForeignState state = { 0 };
  guint port;

  g_mutex_init (&state.lock);
  g_signal_connect (service, "run", G_CALLBACK (foreign_run_cb), &state);
  g_socket_listener_add_address (G_SOCKET_LISTENER (service), address, G_SOCKET_TYPE_STREAM,
                                 G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error);
  g_assert_no_error (error);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_service_start (service);
  url = g_strdup_printf ("http://127.0.0.1:%u", port);   /* no trailing "/" */

  backend = rb_remote_backend_new (url, "s3cret");
  g_object_set (backend, "poll-interval-ms", 0, NULL);

  caps = get_capabilities (RB_BACKEND (backend), NULL, &error);
  g_assert_null (caps);
  g_assert_error (error, RB_ERROR, RB_ERROR_INTERNAL);
  message = g_strdup_printf ("The server at 127.0.0.1:%u sent a response that is not a JSON object",
                             port);
  g_assert_cmpstr (error->message, ==, message);
  g_clear_error (&error);
  g_clear_pointer (&message, g_free);
  g_mutex_lock (&state.lock);
  g_assert_cmpstr (state.authorization, ==, "Bearer s3cret");
  g_assert_cmpstr (state.user_agent, ==, "runboard/" PACKAGE_VERSION);
  g_mutex_unlock (&state.lock);

  runs = list_runs (RB_BACKEND (backend), NULL, &error);
  g_assert_null (runs);
  g_assert_error (error, RB_ERROR, RB_ERROR_INTERNAL);
  message = g_strdup_printf ("The server at 127.0.0.1:%u sent a response that is not valid JSON",
                             port);
  g_assert_true (g_str_has_prefix (error->message, message));
  g_clear_error (&error);
  g_clear_pointer (&message, g_free);

  {
    g_autoptr(RbRun) run = get_run (RB_BACKEND (backend), "down", NULL, &error);

    g_assert_null (run);
    g_assert_error (error, RB_ERROR, RB_ERROR_INTERNAL);
    message = g_strdup_printf ("The server at 127.0.0.1:%u answered 503 Service Unavailable", port);
    g_assert_cmpstr (error->message, ==, message);
    g_clear_error (&error);
    g_clear_pointer (&message, g_free);
  }
  {
    g_autoptr(RbRun) run = get_run (RB_BACKEND (backend), "gone", NULL, &error);

    g_assert_null (run);
    g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
    message = g_strdup_printf ("The server at 127.0.0.1:%u answered 404 Not Found", port);
    g_assert_cmpstr (error->message, ==, message);
    g_clear_error (&error);
    g_clear_pointer (&message, g_free);
  }
  {
    g_autoptr(RbRun) run = get_run (RB_BACKEND (backend), "locked", NULL, &error);

    g_assert_null (run);
    g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
    message = g_strdup_printf ("The server at 127.0.0.1:%u answered 401 Unauthorized", port);
    g_assert_cmpstr (error->message, ==, message);
    g_clear_error (&error);
    g_clear_pointer (&message, g_free);
  }
  {
    g_autoptr(RbRun) run = get_run (RB_BACKEND (backend), "fielded", NULL, &error);

    g_assert_null (run);
    g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
    g_assert_cmpstr (error->message, ==, "Run ids are short.");
    g_assert_cmpstr (rb_error_get_field (error), ==, "runId");
    g_clear_error (&error);
  }
  {
    g_autoptr(RbRun) run = get_run (RB_BACKEND (backend), "odd", NULL, &error);

    g_assert_null (run);
    g_assert_error (error, RB_ERROR, RB_ERROR_INTERNAL);
    message = g_strdup_printf ("The server at 127.0.0.1:%u sent a run that cannot be read: ", port);
    g_assert_true (g_str_has_prefix (error->message, message));
    g_clear_error (&error);
    g_clear_pointer (&message, g_free);
  }

  g_clear_object (&backend);
  g_socket_service_stop (service);
  g_socket_listener_close (G_SOCKET_LISTENER (service));
  g_free (state.authorization);
  g_free (state.user_agent);
  g_mutex_clear (&state.lock);
}

/*
 * Paging, series and replay (each runs against both backends)
 */

static JsonNode *
list_runs_page (RbBackend     *backend,
                GHashTable    *params,
                GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_list_runs_page_async (backend, params, NULL, store_result_cb, &result);
  return rb_backend_list_runs_page_finish (backend, wait_result (&result), error);
}

/* What core answers to GET /v1/runs with @params on @data_dir. */
static JsonNode *
core_runs_page (const char  *data_dir,
                GHashTable  *params,
                GError     **error)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (data_dir);
  g_autoptr(GHashTable) empty = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) runs = NULL;
  JsonNode *body = NULL;
  RbRunQuery query;
  guint total_count = 0;

  rb_run_query_init (&query);
  if (rb_run_query_parse (&query, params != NULL ? params : empty, error))
    runs = rb_run_store_list (store, &query, &total_count, NULL, error);
  if (runs != NULL)
    body = rb_run_page_to_json (runs, total_count, &query);
  rb_run_query_clear (&query);
  return body;
}

/* "k1", "v1", "k2", "v2", …, NULL → a query parameter table. */
static GHashTable *
params_new (const char * const *pairs)
{
  GHashTable *params = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; pairs[i] != NULL; i += 2)
    g_hash_table_insert (params, (gpointer) pairs[i], (gpointer) pairs[i + 1]);
  return params;
}

static void
test_runs_page (Fixture       *f,
                gconstpointer  data)
{
  /* NULL-separated queries; an empty one is the default page */
  static const char * const queries[][9] = {
    { NULL },
    { "mode", "simulation", NULL },
    { "mode", "telemetry", NULL },
    { "sort", "template", "order", "asc", NULL },
    { "sort", "created", "order", "desc", NULL },
    { "page", "2", "pageSize", "2", NULL },
    { "page", "3", "pageSize", "2", NULL },
    { "page", "99", "pageSize", "500", NULL },                /* past the end: empty items */
    { "telemetry", "available", NULL },
    { "telemetry", "missing", "hasWarnings", "false", NULL },
    { "hasWarnings", "true", NULL },
    { "search", "transport", NULL },
    { "search", "a&b c=d%+/?#", NULL },                       /* escaped on the wire */
    { "templateId", "warehouse-picker-waves", "pageSize", "1", NULL },
  };
  g_autoptr(GError) error = NULL;
  guint n_with_items = 0;

  /* the backend without a table is the default page too */
  {
    g_autoptr(JsonNode) want = core_runs_page (f->data_dir, NULL, &error);
    g_autoptr(JsonNode) got = NULL;
    g_autofree char *want_json = NULL;
    g_autofree char *got_json = NULL;

    g_assert_no_error (error);
    got = list_runs_page (f->backend, NULL, &error);
    g_assert_no_error (error);
    want_json = rb_json_to_data (want, NULL);
    got_json = rb_json_to_data (got, NULL);
    g_assert_cmpstr (got_json, ==, want_json);
    g_assert_cmpint (rb_json_get_int (json_node_get_object (got), "totalCount", -1), ==, 6);
    g_assert_cmpint (rb_json_get_int (json_node_get_object (got), "page", -1), ==, 1);
    g_assert_cmpint (rb_json_get_int (json_node_get_object (got), "pageSize", -1), ==, 50);
  }

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(GHashTable) params = params_new (queries[i]);
      g_autoptr(JsonNode) want = NULL;
      g_autoptr(JsonNode) got = NULL;
      g_autofree char *want_json = NULL;
      g_autofree char *got_json = NULL;

      want = core_runs_page (f->data_dir, params, &error);
      g_assert_no_error (error);
      got = list_runs_page (f->backend, params, &error);
      g_assert_no_error (error);
      g_assert_nonnull (got);
      want_json = rb_json_to_data (want, NULL);
      got_json = rb_json_to_data (got, NULL);
      g_assert_cmpstr (got_json, ==, want_json);
      if (json_array_get_length (rb_json_get_array (json_node_get_object (got), "items")) > 0)
        n_with_items++;
    }

  /* the filters are not all empty answers */
  g_assert_cmpuint (n_with_items, >=, 8);
}

static void
test_runs_page_errors (Fixture       *f,
                       gconstpointer  data)
{
  static const struct
  {
    const char *key;
    const char *value;
  } bad[] = {
    { "pageSize", "0" },
    { "pageSize", "501" },
    { "pageSize", "ten" },
    { "pageSize", "-1" },
    { "page", "0" },
    { "page", "x" },
    { "sort", "size" },
    { "order", "up" },
    { "hasWarnings", "maybe" },
    { "telemetry", "sometimes" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *pairs[] = { bad[i].key, bad[i].value, NULL };
      g_autoptr(GHashTable) params = params_new (pairs);
      g_autoptr(GError) want_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) want = NULL;
      g_autoptr(JsonNode) got = NULL;

      want = core_runs_page (f->data_dir, params, &want_error);
      g_assert_null (want);
      got = list_runs_page (f->backend, params, &error);
      g_assert_null (got);
      g_assert_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST);
      g_assert_cmpstr (rb_error_get_field (error), ==, bad[i].key);
      assert_same_error (error, want_error);
    }
}

static JsonNode *
read_series_index (RbBackend     *backend,
                   const char    *run_id,
                   GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_read_series_index_async (backend, run_id, NULL, store_result_cb, &result);
  return rb_backend_read_series_index_finish (backend, wait_result (&result), error);
}

static GBytes *
read_series (RbBackend     *backend,
             const char    *run_id,
             const char    *series_id,
             RbSeries     **values,
             GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_read_series_async (backend, run_id, series_id, NULL, store_result_cb, &result);
  return rb_backend_read_series_finish (backend, wait_result (&result), values, error);
}

/* Core's series index body for @run_id, or its error. */
static JsonNode *
core_series_index (const char  *data_dir,
                   const char  *run_id,
                   GError     **error)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (data_dir);
  g_autoptr(RbRun) run = rb_run_store_get (store, run_id, error);

  return run != NULL ? rb_run_series_index_json (run, error) : NULL;
}

/* Core's CSV bytes, checking the ids first as GET
 * /v1/runs/{runId}/series/{seriesId} does. */
static GBytes *
core_series_csv (const char  *data_dir,
                 const char  *run_id,
                 const char  *series_id,
                 GError     **error)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (data_dir);
  g_autoptr(RbRun) run = NULL;

  if (!rb_ident_validate (RB_IDENT_RUN_ID, run_id, -1, "runId", error) ||
      !rb_ident_validate (RB_IDENT_SERIES_ID, series_id, -1, "seriesId", error))
    return NULL;
  run = rb_run_store_get (store, run_id, error);
  return run != NULL ? rb_run_series_csv (run, series_id, error) : NULL;
}

static void
test_series (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_series = 0;
  guint n_index_errors = 0;

  runs = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < runs->len; i++)
    {
      const char *run_id = rb_run_get_run_id (g_ptr_array_index (runs, i));
      g_autoptr(GError) want_error = NULL;
      g_autoptr(JsonNode) want = NULL;
      g_autoptr(JsonNode) got = NULL;
      g_autofree char *want_json = NULL;
      g_autofree char *got_json = NULL;
      JsonArray *items;

      want = core_series_index (f->data_dir, run_id, &want_error);
      got = read_series_index (f->backend, run_id, &error);
      if (want == NULL)
        {
          /* no series/index.json, or a broken run: core's error */
          g_assert_null (got);
          assert_same_error (error, want_error);
          g_assert_null (strstr (error->message, f->tmp));
          g_clear_error (&error);
          n_index_errors++;
          continue;
        }

      g_assert_no_error (error);
      want_json = rb_json_to_data (want, NULL);
      got_json = rb_json_to_data (got, NULL);
      g_assert_cmpstr (got_json, ==, want_json);

      items = rb_json_get_array (json_node_get_object (want), "series");
      g_assert_nonnull (items);
      for (guint j = 0; j < json_array_get_length (items); j++)
        {
          JsonObject *item = json_array_get_object_element (items, j);
          const char *series_id = rb_json_get_string (item, "id");
          g_autoptr(GBytes) want_csv = NULL;
          g_autoptr(GBytes) csv = NULL;
          g_autoptr(RbSeries) values = NULL;
          g_autoptr(RbSeries) want_values = NULL;

          want_csv = core_series_csv (f->data_dir, run_id, series_id, &error);
          g_assert_no_error (error);
          csv = read_series (f->backend, run_id, series_id, &values, &error);
          g_assert_no_error (error);
          g_assert_nonnull (csv);
          g_assert_true (g_bytes_equal (csv, want_csv));

          /* the values, as core parses the stored file */
          want_values = rb_series_parse_csv (g_bytes_get_data (want_csv, NULL),
                                             g_bytes_get_size (want_csv), "x.csv", &error);
          g_assert_no_error (error);
          g_assert_nonnull (values);
          g_assert_cmpuint (values->n_bins, ==, want_values->n_bins);
          g_assert_cmpuint (values->n_bins, >, 0);
          for (guint b = 0; b < values->n_bins; b++)
            {
              g_assert_cmpint (rb_series_is_missing (values, b), ==,
                               rb_series_is_missing (want_values, b));
              if (!rb_series_is_missing (values, b))
                g_assert_cmpfloat (values->values[b], ==, want_values->values[b]);
            }

          /* without values: the same bytes */
          g_clear_pointer (&csv, g_bytes_unref);
          csv = read_series (f->backend, run_id, series_id, NULL, &error);
          g_assert_no_error (error);
          g_assert_true (g_bytes_equal (csv, want_csv));
          n_series++;
        }
    }

  /* the sample: five runs with series and a broken run */
  g_assert_cmpuint (n_series, >=, 30);
  g_assert_cmpuint (n_index_errors, ==, 1);
}

static void
test_series_errors (Fixture       *f,
                    gconstpointer  data)
{
  static const struct
  {
    const char *run_id;
    const char *series_id;
    RbErrorCode code;
    const char *field;
  } cases[] = {
    { RUN_WITH_SERIES, "nope@NOPE@DEFAULT", RB_ERROR_NOT_FOUND, NULL },
    { RUN_WITH_SERIES, "packed@PACKED@DEFAULT", RB_ERROR_RUN_UNREADABLE, NULL },   /* file removed */
    { RUN_NO_INDEX, "hub_queue@HUB_QUEUE@DEFAULT", RB_ERROR_NOT_FOUND, NULL },
    { RUN_WITH_SERIES, "../series/index.json", RB_ERROR_INVALID_REQUEST, "seriesId" },
    { RUN_WITH_SERIES, "orders", RB_ERROR_INVALID_REQUEST, "seriesId" },
    { RUN_WITH_SERIES, "a@b@c d", RB_ERROR_INVALID_REQUEST, "seriesId" },
    { RUN_WITH_SERIES, "", RB_ERROR_INVALID_REQUEST, "seriesId" },
    { "run_20000101T000000Z_deadbeef", "orders@ORDERS@DEFAULT", RB_ERROR_NOT_FOUND, NULL },
    { "..", "orders@ORDERS@DEFAULT", RB_ERROR_INVALID_REQUEST, "runId" },
    { "a b", "orders@ORDERS@DEFAULT", RB_ERROR_INVALID_REQUEST, "runId" },
  };
  static const struct
  {
    const char *run_id;
    RbErrorCode code;
  } index_cases[] = {
    { "run_20000101T000000Z_deadbeef", RB_ERROR_NOT_FOUND },
    { RUN_NO_INDEX, RB_ERROR_NOT_FOUND },      /* series/index.json removed below */
    { "..", RB_ERROR_INVALID_REQUEST },
    { "a/b", RB_ERROR_INVALID_REQUEST },
  };
  g_autofree char *index_path = g_build_filename (f->data_dir, "runs", RUN_NO_INDEX,
                                                  "series", "index.json", NULL);
  g_autofree char *csv_path = g_build_filename (f->data_dir, "runs", RUN_WITH_SERIES, "series",
                                                "packed@PACKED@DEFAULT.csv", NULL);
  g_autofree char *bad_csv_path = g_build_filename (f->data_dir, "runs", RUN_WITH_SERIES, "series",
                                                    "orders@ORDERS@DEFAULT.csv", NULL);
  g_autoptr(GError) parse_error = NULL;

  /* damage the served data behind the backend's back */
  g_assert_cmpint (g_remove (index_path), ==, 0);
  g_assert_cmpint (g_remove (csv_path), ==, 0);
  rb_test_write_file (bad_csv_path, "bin_index,value\n0,1\n1,abc\n", -1);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) want_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) want = NULL;
      g_autoptr(GBytes) got = NULL;
      g_autoptr(RbSeries) values = NULL;

      g_test_message ("series %s / %s", cases[i].run_id, cases[i].series_id);
      want = core_series_csv (f->data_dir, cases[i].run_id, cases[i].series_id, &want_error);
      g_assert_null (want);
      got = read_series (f->backend, cases[i].run_id, cases[i].series_id, &values, &error);
      g_assert_null (got);
      g_assert_null (values);
      g_assert_error (error, RB_ERROR, cases[i].code);
      g_assert_cmpstr (rb_error_get_field (error), ==, cases[i].field);
      assert_same_error (error, want_error);
    }

  for (guint i = 0; i < G_N_ELEMENTS (index_cases); i++)
    {
      g_autoptr(GError) want_error = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) want = NULL;
      g_autoptr(JsonNode) got = NULL;

      want = core_series_index (f->data_dir, index_cases[i].run_id, &want_error);
      g_assert_null (want);
      got = read_series_index (f->backend, index_cases[i].run_id, &error);
      g_assert_null (got);
      g_assert_error (error, RB_ERROR, index_cases[i].code);
      assert_same_error (error, want_error);
    }

  /* A stored CSV that does not parse: the bytes as stored, and asked for
   * values, run_unreadable with the parser's words (never a path). */
  {
    g_autoptr(GBytes) want = NULL;
    g_autoptr(GBytes) got = NULL;
    g_autoptr(RbSeries) values = NULL;
    g_autoptr(GError) error = NULL;

    want = core_series_csv (f->data_dir, RUN_WITH_SERIES, "orders@ORDERS@DEFAULT", &error);
    g_assert_no_error (error);
    got = read_series (f->backend, RUN_WITH_SERIES, "orders@ORDERS@DEFAULT", NULL, &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (got, want));
    g_clear_pointer (&got, g_bytes_unref);

    got = read_series (f->backend, RUN_WITH_SERIES, "orders@ORDERS@DEFAULT", &values, &error);
    g_assert_null (got);
    g_assert_null (values);
    g_assert_error (error, RB_ERROR, RB_ERROR_RUN_UNREADABLE);
    g_assert_null (rb_series_parse_csv (g_bytes_get_data (want, NULL), g_bytes_get_size (want),
                                        "the series file", &parse_error));
    g_assert_cmpstr (error->message, ==, parse_error->message);
    g_assert_null (strstr (error->message, f->tmp));
  }
}

static JsonNode *
replay (RbBackend     *backend,
        const char    *run_id,
        const char    *kind,
        gboolean       dry_run,
        guint         *http_status,
        GError       **error)
{
  g_autoptr(GAsyncResult) result = NULL;

  rb_backend_replay_async (backend, run_id, kind, dry_run, NULL, store_result_cb, &result);
  return rb_backend_replay_finish (backend, wait_result (&result), http_status, error);
}

/* What core answers to the replay body on @data_dir. */
static JsonNode *
core_replay (const char  *data_dir,
             const char  *run_id,
             const char  *kind,
             gboolean     dry_run,
             GError     **error)
{
  g_autoptr(JsonNode) body = rb_run_request_replay_body (run_id, kind, dry_run);
  g_autoptr(RbRunRequest) request = NULL;
  g_autoptr(RbTemplateCatalog) catalog = rb_template_catalog_new (data_dir);
  g_autoptr(RbRunResult) result = NULL;

  request = rb_run_request_from_json_in (data_dir, body, error);
  if (request == NULL)
    return NULL;
  result = rb_orchestrator_create_run (data_dir, catalog, request, NULL, error);
  if (result == NULL)
    return NULL;
  return rb_run_result_to_json (result);
}

/* @body's JSON with its plan's runId (time-based for a replay) blanked. */
static char *
plan_json_without_run_id (JsonNode *body)
{
  g_autoptr(JsonNode) copy = json_node_copy (body);
  JsonObject *plan = rb_json_get_object (json_node_get_object (copy), "plan");

  g_assert_nonnull (plan);
  g_assert_true (g_str_has_prefix (rb_json_get_string (plan, "runId"), "run_"));
  json_object_set_string_member (plan, "runId", "-");
  return rb_json_to_data (copy, NULL);
}

static void
test_replay (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(JsonNode) dry = NULL;
  g_autoptr(JsonNode) want_dry = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(RbRun) run = NULL;
  g_autoptr(RbRun) want_run = NULL;
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dry_json = NULL;
  g_autofree char *want_dry_json = NULL;
  g_autofree char *detail = NULL;
  g_autofree char *want_detail = NULL;
  g_autofree char *new_id = NULL;
  g_autoptr(JsonNode) detail_node = NULL;
  JsonObject *source;
  guint status = 0;

  before = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);

  /* A dry run: core's plan (the new run id is time-based), nothing written. */
  want_dry = core_replay (f->data_dir, RUN_WITH_SERIES, "model", TRUE, &error);
  g_assert_no_error (error);
  dry = replay (f->backend, RUN_WITH_SERIES, "model", TRUE, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_true (rb_json_get_bool (json_node_get_object (dry), "isDryRun", FALSE));
  dry_json = plan_json_without_run_id (dry);
  want_dry_json = plan_json_without_run_id (want_dry);
  g_assert_cmpstr (dry_json, ==, want_dry_json);
  after = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len);
  g_clear_pointer (&after, g_ptr_array_unref);

  /* Replayed from the model: 201, a new run whose source is the old one. */
  created = replay (f->backend, RUN_WITH_SERIES, "model", FALSE, &status, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  g_assert_false (rb_json_get_bool (json_node_get_object (created), "wasReused", TRUE));
  g_assert_false (json_object_has_member (json_node_get_object (created), "capture"));
  new_id = g_strdup (rb_json_get_string (json_node_get_object (created), "runId"));
  g_assert_nonnull (new_id);
  g_assert_cmpstr (new_id, !=, RUN_WITH_SERIES);
  source = rb_json_get_object (json_node_get_object (created), "source");
  g_assert_nonnull (source);
  g_assert_cmpstr (rb_json_get_string (source, "runId"), ==, RUN_WITH_SERIES);
  g_assert_cmpstr (rb_json_get_string (source, "kind"), ==, "model");

  /* read back through the backend: RunDetail as core reads it */
  run = get_run (f->backend, new_id, NULL, &error);
  g_assert_no_error (error);
  want_run = rb_run_store_get (store, new_id, &error);
  g_assert_no_error (error);
  detail = detail_json (run);
  want_detail = detail_json (want_run);
  g_assert_cmpstr (detail, ==, want_detail);
  detail_node = json_from_string (detail, &error);
  g_assert_no_error (error);
  source = rb_json_get_object (json_node_get_object (detail_node), "source");
  g_assert_nonnull (source);
  g_assert_cmpuint (json_object_get_size (source), ==, 2);
  g_assert_cmpstr (rb_json_get_string (source, "runId"), ==, RUN_WITH_SERIES);
  g_assert_cmpstr (rb_json_get_string (source, "kind"), ==, "model");
  after = rb_run_store_list_all (store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (after->len, ==, before->len + 1);
}

static void
test_replay_errors (Fixture       *f,
                    gconstpointer  data)
{
  static const struct
  {
    const char *run_id;
    const char *kind;
    RbErrorCode code;
    const char *field;
  } cases[] = {
    /* a simulation run and a telemetry run, neither with a bundle */
    { "run_20261123T110000Z_0d9c8b7a", "telemetry", RB_ERROR_TELEMETRY_BUNDLE_MISSING, NULL },
    { "run_20261122T093000Z_5e6f7a8b", "telemetry", RB_ERROR_TELEMETRY_BUNDLE_MISSING, NULL },
    { "run_20000101T000000Z_deadbeef", "model", RB_ERROR_NOT_FOUND, NULL },
    { "run_20000101T000000Z_deadbeef", "telemetry", RB_ERROR_NOT_FOUND, NULL },
    { "..", "model", RB_ERROR_INVALID_REQUEST, "replayOf.runId" },
    { RUN_WITH_SERIES, "sideways", RB_ERROR_INVALID_REQUEST, "replayOf.kind" },
  };
  g_autoptr(RbRunStore) store = rb_run_store_new (f->data_dir);
  g_autoptr(GPtrArray) before = rb_run_store_list_all (store, NULL, NULL);
  g_autoptr(GPtrArray) after = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      for (guint dry_run = 0; dry_run < 2; dry_run++)
        {
          g_autoptr(GError) want_error = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(JsonNode) want = NULL;
          g_autoptr(JsonNode) got = NULL;
          guint status = 0;

          g_test_message ("replay %s from %s%s", cases[i].run_id, cases[i].kind,
                          dry_run ? " (dry run)" : "");
          want = core_replay (f->data_dir, cases[i].run_id, cases[i].kind, dry_run, &want_error);
          g_assert_null (want);
          got = replay (f->backend, cases[i].run_id, cases[i].kind, dry_run, &status, &error);
          g_assert_null (got);
          g_assert_error (error, RB_ERROR, cases[i].code);
          g_assert_cmpstr (rb_error_get_field (error), ==, cases[i].field);
          assert_same_error (error, want_error);
          if (cases[i].code == RB_ERROR_TELEMETRY_BUNDLE_MISSING)
            {
              g_autofree char *message = g_strdup_printf ("Run %s has no telemetry bundle. "
                                                          "Generate telemetry for it first.",
                                                          cases[i].run_id);

              g_assert_cmpstr (error->message, ==, message);
            }
        }
    }

  /* nothing was written */
  after = rb_run_store_list_all (store, NULL, NULL);
  g_assert_cmpuint (after->len, ==, before->len);
}

/*
 * A server that wants a token (remote only)
 */

static void
test_remote_token (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autofree char *served_dir = copy_sample (tmp, "served");
  g_autofree char *log_path = g_build_filename (tmp, "server.log", NULL);
  g_autofree char *token_path = g_build_filename (tmp, "token", NULL);
  g_autofree char *token_arg = g_strconcat ("--token-file=", token_path, NULL);
  g_autofree char *base_url = NULL;
  g_autoptr(RbTestServerProc) server = NULL;
  const char *tokens[] = { "tok-3n", "tok-3m", "", NULL };
  g_autoptr(GError) error = NULL;

  /* surrounding whitespace is not part of the token */
  g_file_set_contents (token_path, "  tok-3n\n", -1, &error);
  g_assert_no_error (error);
  server = server_start (served_dir, log_path, token_arg, &base_url);

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      gboolean right = i == 0;
      g_autoptr(RbRemoteBackend) backend = rb_remote_backend_new (base_url, tokens[i]);
      g_autoptr(RbBackendCapabilities) caps = NULL;
      g_autoptr(GPtrArray) runs = NULL;
      g_autoptr(JsonNode) page = NULL;
      g_autoptr(JsonNode) index = NULL;
      g_autoptr(JsonNode) replayed = NULL;
      g_autoptr(RbRun) run = NULL;
      g_autoptr(GBytes) csv = NULL;
      guint status = 0;

      g_object_set (backend, "poll-interval-ms", 0, NULL);
      g_test_message ("token %s", tokens[i] != NULL ? tokens[i] : "(none)");

      caps = get_capabilities (RB_BACKEND (backend), NULL, &error);
      g_assert_true ((caps != NULL) == right);
      if (!right)
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
        }
      runs = list_runs (RB_BACKEND (backend), NULL, &error);
      g_assert_true ((runs != NULL) == right);
      if (right)
        g_assert_cmpuint (runs->len, ==, 6);
      else
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
        }

      /* every method, not only the first */
      page = list_runs_page (RB_BACKEND (backend), NULL, &error);
      g_assert_true ((page != NULL) == right);
      if (!right)
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
        }
      run = get_run (RB_BACKEND (backend), RUN_WITH_SERIES, NULL, &error);
      g_assert_true ((run != NULL) == right);
      if (!right)
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
        }
      index = read_series_index (RB_BACKEND (backend), RUN_WITH_SERIES, &error);
      g_assert_true ((index != NULL) == right);
      if (!right)
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
        }
      csv = read_series (RB_BACKEND (backend), RUN_WITH_SERIES, "orders@ORDERS@DEFAULT", NULL, &error);
      g_assert_true ((csv != NULL) == right);
      if (!right)
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
        }
      replayed = replay (RB_BACKEND (backend), RUN_WITH_SERIES, "model", TRUE, &status, &error);
      g_assert_true ((replayed != NULL) == right);
      if (right)
        g_assert_cmpuint (status, ==, 200);
      else
        {
          g_assert_error (error, RB_ERROR, RB_ERROR_UNAUTHORIZED);
          g_clear_error (&error);
        }
      g_assert_no_error (error);
    }

  g_clear_pointer (&server, rb_test_server_proc_stop);
  rb_test_remove_tree (tmp);
}

/* Both backends side by side over copies of the same data: the same bytes. */
static void
test_parity (void)
{
  g_autofree char *tmp = rb_test_make_temp_dir ();
  g_autofree char *local_dir = copy_sample (tmp, "local");
  g_autofree char *served_dir = copy_sample (tmp, "served");
  g_autofree char *log_path = g_build_filename (tmp, "server.log", NULL);
  g_autofree char *base_url = NULL;
  g_autoptr(RbTestServerProc) server = server_start (served_dir, log_path, NULL, &base_url);
  g_autoptr(RbLocalBackend) local = rb_local_backend_new (local_dir);
  g_autoptr(RbRemoteBackend) remote = rb_remote_backend_new (base_url, NULL);
  g_autoptr(GPtrArray) local_runs = NULL;
  g_autoptr(GPtrArray) remote_runs = NULL;
  g_autoptr(GError) error = NULL;

  local_runs = list_runs (RB_BACKEND (local), NULL, &error);
  g_assert_no_error (error);
  remote_runs = list_runs (RB_BACKEND (remote), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (local_runs->len, ==, remote_runs->len);

  for (guint i = 0; i < local_runs->len; i++)
    {
      RbRun *a = g_ptr_array_index (local_runs, i);
      RbRun *b = g_ptr_array_index (remote_runs, i);
      g_autofree char *a_json = summary_json (a);
      g_autofree char *b_json = summary_json (b);
      g_autoptr(RbRun) a_detail = NULL;
      g_autoptr(RbRun) b_detail = NULL;
      g_autoptr(GError) a_error = NULL;
      g_autoptr(GError) b_error = NULL;

      g_assert_cmpstr (a_json, ==, b_json);

      a_detail = get_run (RB_BACKEND (local), rb_run_get_run_id (a), NULL, &a_error);
      b_detail = get_run (RB_BACKEND (remote), rb_run_get_run_id (b), NULL, &b_error);
      if (a_detail == NULL)
        {
          g_assert_null (b_detail);
          assert_same_error (b_error, a_error);
        }
      else
        {
          g_autofree char *a_detail_json = detail_json (a_detail);
          g_autofree char *b_detail_json = detail_json (b_detail);

          g_assert_no_error (b_error);
          g_assert_cmpstr (a_detail_json, ==, b_detail_json);
        }
    }

  g_clear_object (&remote);
  g_clear_pointer (&server, rb_test_server_proc_stop);
  rb_test_remove_tree (tmp);
}

int
main (int   argc,
      char *argv[])
{
  static const struct
  {
    const char *name;
    void (*func) (Fixture *, gconstpointer);
  } contract[] = {
    { "display-name",        test_display_name },
    { "list/matches-core",   test_list_matches_core },
    { "list/many-pages",     test_list_many_pages },
    { "get/matches-core",    test_get_matches_core },
    { "get/not-found",       test_get_not_found },
    { "get/invalid-id",      test_get_invalid_id },
    { "capabilities",        test_capabilities },
    { "templates/list",      test_templates_list },
    { "templates/errors",    test_templates_errors },
    { "captures/list",       test_captures_list },
    { "generate",            test_generate_telemetry },
    { "generate/errors",     test_generate_telemetry_errors },
    { "create-run",          test_create_run },
    { "create-run/errors",   test_create_run_errors },
    { "runs-page",           test_runs_page },
    { "runs-page/errors",    test_runs_page_errors },
    { "series",              test_series },
    { "series/errors",       test_series_errors },
    { "replay",              test_replay },
    { "replay/errors",       test_replay_errors },
    { "changed/stamp",       test_changed_on_stamp },
    { "cancelled/before",    test_cancelled_before },
    { "cancelled/in-flight", test_cancelled_in_flight },
  };
  static const char *kinds[] = { "local", "remote" };

  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (contract); i++)
        {
          g_autofree char *path = g_strdup_printf ("/backend-contract/%s/%s",
                                                   kinds[k], contract[i].name);

          g_test_add (path, Fixture, GINT_TO_POINTER (k),
                      fixture_setup, contract[i].func, fixture_teardown);
        }
    }

  g_test_add_func ("/backend-contract/parity", test_parity);
  g_test_add_func ("/backend-contract/capabilities-disabled", test_capabilities_disabled);
  g_test_add_func ("/backend-contract/remote-only/unreachable", test_remote_unreachable);
  g_test_add_func ("/backend-contract/remote-only/bad-url", test_remote_bad_url);
  g_test_add_func ("/backend-contract/remote-only/foreign-server", test_remote_foreign_server);
  g_test_add_func ("/backend-contract/remote-only/token", test_remote_token);

  return g_test_run ();
}
