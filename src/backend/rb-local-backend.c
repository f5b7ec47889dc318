/* rb-local-backend.c — RbBackend over RbRunStore, in GTask worker threads
 *
 * Change detection: core rewrites <data>/.runboard/stamp on every change it
 * makes, and other tools may drop run folders into <data>/runs directly, so
 * both are watched with GFileMonitor. Bursts of events (an atomic rename is
 * several) collapse into one RbBackend::changed after CHANGE_DEBOUNCE_MS.
 * The stamp's events count only when its text changed: GLib 2.74 may
 * report one rename onto it twice, the second after a few hundred ms
 * under load (seen in the test suite), past any debounce.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "rb-local-backend"

#include "config.h"

#include <stdlib.h>   /* defines __GLIBC__ for the test below */
#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "rb-local-backend.h"
#include "rb-data-dir.h"
#include "rb-ident.h"
#include "rb-orchestrator.h"
#include "rb-run-replay.h"
#include "rb-run-series.h"
#include "rb-run-store.h"
#include "rb-telemetry.h"
#include "rb-template.h"

#define CHANGE_DEBOUNCE_MS 200

struct _RbLocalBackend
{
  GObject       parent_instance;

  /* Owned references */
  char         *data_dir;
  RbRunStore   *store;
  GFileMonitor *stamp_monitor;
  char         *stamp_path;
  char         *stamp_text;     /* nullable: the stamp as last seen */
  GFileMonitor *runs_monitor;

  guint         changed_source;
  GMainContext *context;   /* where RbBackend::changed is emitted */

  /* A first listing started early (rb_local_backend_prefetch_runs), for
   * the first list_runs call: the task reading it (until done), what it
   * read once done, and a list_runs call waiting for it. */
  GTask        *prefetch;
  GPtrArray    *prefetched;
  GError       *prefetch_error;
  GTask        *prefetch_waiter;
  gboolean      prefetch_done;
};

static void rb_local_backend_iface_init (RbBackendInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (RbLocalBackend, rb_local_backend, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (RB_TYPE_BACKEND,
                                                      rb_local_backend_iface_init))

enum {
  PROP_0,
  PROP_DATA_DIR,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/*
 * Change monitoring
 */

static void
emit_changed_cb (gpointer user_data)
{
  RbLocalBackend *self = user_data;

  self->changed_source = 0;
  g_debug ("Data folder changed");
  rb_backend_emit_changed (RB_BACKEND (self));
}

static void
clear_prefetch (RbLocalBackend *self)
{
  g_clear_object (&self->prefetch);
  g_clear_pointer (&self->prefetched, g_ptr_array_unref);
  g_clear_error (&self->prefetch_error);
  self->prefetch_done = FALSE;
}

/* Debounced: a burst of events (or a stale index among them) gives one
 * RbBackend::changed, CHANGE_DEBOUNCE_MS after the last of them. */
static void
schedule_changed (RbLocalBackend *self)
{
  /* A prefetched listing nobody waits for is out of date now (one that
   * is waited for is still handed over: this change follows it). */
  if (self->prefetch_waiter == NULL)
    clear_prefetch (self);

  g_clear_handle_id (&self->changed_source, g_source_remove);
  self->changed_source = g_timeout_add_once (CHANGE_DEBOUNCE_MS, emit_changed_cb, self);
}

/* In self->context: a listing that came from the index unchecked turned
 * out stale. */
static gboolean
index_stale_cb (gpointer user_data)
{
  g_debug ("The run index was stale");
  schedule_changed (user_data);
  return G_SOURCE_REMOVE;
}

/* Reads the stamp; TRUE when its text is not what it was last time. */
static gboolean
stamp_text_changed (RbLocalBackend *self)
{
  g_autofree char *text = NULL;

  if (!g_file_get_contents (self->stamp_path, &text, NULL, NULL))
    g_clear_pointer (&text, g_free);
  if (g_strcmp0 (text, self->stamp_text) == 0)
    return FALSE;
  g_free (self->stamp_text);
  self->stamp_text = g_steal_pointer (&text);
  return TRUE;
}

static void
on_monitor_changed_cb (RbLocalBackend    *self,
                       GFile             *file,
                       GFile             *other_file,
                       GFileMonitorEvent  event,
                       GFileMonitor      *monitor)
{
  switch (event)
    {
    /* CHANGES_DONE_HINT carries no news: every change already came as
     * CREATED/CHANGED/MOVED (core publishes by rename), and GLib emits a
     * virtual one up to 2 s later, which would announce the change twice. */
    case G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT:
    case G_FILE_MONITOR_EVENT_ATTRIBUTE_CHANGED:
    case G_FILE_MONITOR_EVENT_PRE_UNMOUNT:
    case G_FILE_MONITOR_EVENT_UNMOUNTED:
      return;

    case G_FILE_MONITOR_EVENT_CHANGED:
    case G_FILE_MONITOR_EVENT_DELETED:
    case G_FILE_MONITOR_EVENT_CREATED:
    case G_FILE_MONITOR_EVENT_MOVED:
    case G_FILE_MONITOR_EVENT_RENAMED:
    case G_FILE_MONITOR_EVENT_MOVED_IN:
    case G_FILE_MONITOR_EVENT_MOVED_OUT:
    default:
      break;
    }

  if (monitor == self->stamp_monitor && !stamp_text_changed (self))
    return;
  schedule_changed (self);
}

static GFileMonitor *
watch (RbLocalBackend *self,
       GFile          *file,
       gboolean        directory)
{
  g_autoptr(GFileMonitor) monitor = NULL;
  g_autoptr(GError) error = NULL;

  /* Monitors work for files and folders that do not exist yet. */
  if (directory)
    monitor = g_file_monitor_directory (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  else
    monitor = g_file_monitor_file (file, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);

  if (monitor == NULL)
    {
      /* Not fatal: the list still refreshes on demand. */
      g_warning ("Cannot watch the data folder for changes: %s", error->message);
      return NULL;
    }

  g_signal_connect_object (monitor, "changed",
                           G_CALLBACK (on_monitor_changed_cb),
                           self, G_CONNECT_SWAPPED);

  return g_steal_pointer (&monitor);
}

/*
 * Workers (run in GTask threads; touch nothing but the store)
 */

/* A run that changed behind the index (or is gone) means the list just
 * shown from it is stale: say so, and the window lists again. */
static void
check_index_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  gboolean stale = FALSE;

  if (rb_run_store_check_index (self->store, &stale, cancellable, NULL) && stale)
    g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT,
                                index_stale_cb, g_object_ref (self), g_object_unref);
#ifdef __GLIBC__
  /* The check held every index entry (100 000 runs: tens of MB in small
   * blocks of this thread's arena); give the freed pages back. */
  malloc_trim (0);
#endif
  g_task_return_boolean (task, TRUE);
}

static void
list_runs_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  g_autoptr(GError) error = NULL;
  GPtrArray *runs;

  /* Straight from the index, so the list shows at once (100 000 runs:
   * well under a second instead of seconds of stat() calls)… */
  runs = rb_run_store_list_unchecked (self->store, cancellable, &error);
#ifdef __GLIBC__
  /* Reading the index took more than the runs keep (the whole file, a
   * table of its entries), all freed by now: give those pages back
   * before the list shows. */
  malloc_trim (0);
#endif

  if (runs == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, runs, (GDestroyNotify) g_ptr_array_unref);
}

/* GET /v1/runs: the query from parameters, then core's page body. */
static void
list_runs_page_worker (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  GHashTable *params = task_data;
  g_autoptr(GHashTable) empty = NULL;
  g_autoptr(GPtrArray) runs = NULL;
  g_autoptr(GError) error = NULL;
  RbRunQuery query;
  guint total_count = 0;

  if (g_task_return_error_if_cancelled (task))
    return;

  if (params == NULL)
    params = empty = g_hash_table_new (g_str_hash, g_str_equal);
  rb_run_query_init (&query);
  if (rb_run_query_parse (&query, params, &error))
    runs = rb_run_store_list (self->store, &query, &total_count, cancellable, &error);
  if (runs == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, rb_run_page_to_json (runs, total_count, &query),
                           (GDestroyNotify) json_node_unref);
  rb_run_query_clear (&query);
}

typedef struct
{
  char *run_id;
  char *series_id;
} SeriesData;

static void
series_data_free (SeriesData *data)
{
  g_free (data->run_id);
  g_free (data->series_id);
  g_free (data);
}

static void
read_series_index_worker (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  SeriesData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  JsonNode *index = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  run = rb_run_store_get (self->store, data->run_id, &error);
  if (run != NULL)
    index = rb_run_series_index_json (run, &error);
  if (index == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, index, (GDestroyNotify) json_node_unref);
}

static void
read_series_worker (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  SeriesData *data = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(RbRun) run = NULL;
  GBytes *bytes = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;

  /* the server checks both ids before it looks for the run */
  if (!rb_ident_validate (RB_IDENT_RUN_ID, data->run_id, -1, "runId", &error) ||
      !rb_ident_validate (RB_IDENT_SERIES_ID, data->series_id, -1, "seriesId", &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  run = rb_run_store_get (self->store, data->run_id, &error);
  if (run != NULL)
    bytes = rb_run_series_csv (run, data->series_id, &error);
  if (bytes == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, bytes, (GDestroyNotify) g_bytes_unref);
}

static void
get_run_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  const char *run_id = task_data;
  g_autoptr(GError) error = NULL;
  RbRun *run;

  if (g_task_return_error_if_cancelled (task))
    return;

  run = rb_run_store_get (self->store, run_id, &error);

  if (run == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, run, g_object_unref);
}

/* The catalogue is read afresh each time: templates are small files that
 * other processes may add at any moment (as the server does). */
static void
list_templates_worker (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *templates;

  if (g_task_return_error_if_cancelled (task))
    return;

  catalog = rb_template_catalog_new (self->data_dir);
  templates = rb_template_catalog_list (catalog, &error);

  if (templates == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, templates, (GDestroyNotify) g_ptr_array_unref);
}

static void
get_template_worker (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  const char *template_id = task_data;
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(GError) error = NULL;
  RbTemplate *template;

  if (g_task_return_error_if_cancelled (task))
    return;

  catalog = rb_template_catalog_new (self->data_dir);
  template = rb_template_catalog_get (catalog, template_id, &error);

  if (template == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, template, g_object_unref);
}

static void
list_captures_worker (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  RbLocalBackend *self = source_object;
  g_autoptr(GError) error = NULL;
  JsonNode *captures;

  if (g_task_return_error_if_cancelled (task))
    return;

  captures = rb_telemetry_list_captures (self->data_dir, &error);

  if (captures == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, captures, (GDestroyNotify) json_node_unref);
}

typedef struct
{
  JsonNode *body;     /* the response body */
  guint     status;   /* 200, 201 or 409 */
} BodyResult;

static void
body_result_free (BodyResult *result)
{
  g_clear_pointer (&result->body, json_node_unref);
  g_free (result);
}

/* Its own thread, not GTask's pool: a generation may wait on another's
 * lock for a long time, and must not starve listings meanwhile. */
static gpointer
generate_telemetry_thread (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  RbLocalBackend *self = g_task_get_source_object (task);
  JsonNode *body = g_task_get_task_data (task);
  g_autoptr(RbCaptureRequest) request = NULL;
  g_autoptr(RbCaptureResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = NULL;
  const char *allowed[2] = { NULL, NULL };
  BodyResult *out;

  if (g_task_return_error_if_cancelled (task))
    return NULL;

  /* The removal path is refused before anything else (the server's 403). */
  if (rb_telemetry_generation_disabled ())
    {
      rb_telemetry_set_disabled_error (&error);
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  request = rb_capture_request_from_json (body, &error);
  if (request == NULL || !rb_data_dir_ensure (self->data_dir, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  if (request->directory != NULL && g_path_is_absolute (request->directory))
    {
      parent = g_path_get_dirname (request->directory);
      allowed[0] = parent;
    }

  result = rb_telemetry_generate (self->data_dir, allowed[0] != NULL ? allowed : NULL,
                                  request, NULL, NULL, g_task_get_cancellable (task), &error);
  if (result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  out = g_new0 (BodyResult, 1);
  out->body = rb_capture_result_to_json (result);
  out->status = rb_capture_result_get_http_status (result);
  g_task_return_pointer (task, out, (GDestroyNotify) body_result_free);
  return NULL;
}

/* Its own thread too: creating a run waits on the run's lock. */
static gpointer
create_run_thread (gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  RbLocalBackend *self = g_task_get_source_object (task);
  JsonNode *body = g_task_get_task_data (task);
  g_autoptr(RbRunRequest) request = NULL;
  g_autoptr(RbTemplateCatalog) catalog = NULL;
  g_autoptr(RbRunResult) result = NULL;
  g_autoptr(GError) error = NULL;
  BodyResult *out;

  if (g_task_return_error_if_cancelled (task))
    return NULL;

  /* a bare replayOf body is resolved here, where the files are */
  request = rb_run_request_from_json_in (self->data_dir, body, &error);
  if (request == NULL || !rb_data_dir_ensure (self->data_dir, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  catalog = rb_template_catalog_new (self->data_dir);
  result = rb_orchestrator_create_run (self->data_dir, catalog, request,
                                       g_task_get_cancellable (task), &error);
  if (result == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return NULL;
    }

  out = g_new0 (BodyResult, 1);
  out->body = rb_run_result_to_json (result);
  out->status = rb_run_result_is_dry_run (result) ? 200 : 201;
  g_task_return_pointer (task, out, (GDestroyNotify) body_result_free);
  return NULL;
}

/*
 * RbBackend
 */

static const char *
rb_local_backend_get_display_name (RbBackend *backend)
{
  /* Translated by the front end: core and backend link no gettext domain. */
  return "Local";
}

/* Every read runs core in a worker thread: one task, tagged and named,
 * owning @data (nullable). */
static void
run_in_thread (RbBackend           *backend,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag,
               const char          *name,
               gpointer             data,
               GDestroyNotify       data_destroy,
               GTaskThreadFunc      worker)
{
  g_autoptr(GTask) task = g_task_new (backend, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, name);
  if (data != NULL)
    g_task_set_task_data (task, data, data_destroy);
  g_task_run_in_thread (task, worker);
}

/* The prefetched listing becomes @task's result. */
static void
hand_over_prefetch (RbLocalBackend *self,
                    GTask          *task)
{
  if (!g_task_return_error_if_cancelled (task))
    {
      if (self->prefetched != NULL)
        g_task_return_pointer (task, g_steal_pointer (&self->prefetched),
                               (GDestroyNotify) g_ptr_array_unref);
      else
        g_task_return_error (task, g_steal_pointer (&self->prefetch_error));
    }
  clear_prefetch (self);
}

static void
prefetch_ready_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  RbLocalBackend *self = RB_LOCAL_BACKEND (object);
  g_autoptr(GTask) waiter = NULL;

  if (G_TASK (result) != self->prefetch)
    return;   /* dropped as out of date */
  self->prefetched = g_task_propagate_pointer (G_TASK (result), &self->prefetch_error);
  self->prefetch_done = TRUE;
  /* The task holds the backend: let go of it now, not when taken. */
  g_clear_object (&self->prefetch);
  waiter = g_steal_pointer (&self->prefetch_waiter);
  if (waiter != NULL)
    hand_over_prefetch (self, waiter);
}

static void
rb_local_backend_list_runs_async (RbBackend           *backend,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  RbLocalBackend *self = RB_LOCAL_BACKEND (backend);
  g_autoptr(GTask) task = NULL;

  if ((self->prefetch == NULL && !self->prefetch_done) || self->prefetch_waiter != NULL)
    {
      run_in_thread (backend, cancellable, callback, user_data, rb_local_backend_list_runs_async,
                     "[runboard] list runs", NULL, NULL, list_runs_worker);
      return;
    }

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_local_backend_list_runs_async);
  g_task_set_name (task, "[runboard] list runs (prefetched)");
  if (self->prefetch_done)
    hand_over_prefetch (self, task);
  else
    self->prefetch_waiter = g_steal_pointer (&task);
}

static gboolean
start_index_check_cb (gpointer user_data)
{
  GTask *list_task = user_data;
  g_autoptr(GTask) check = g_task_new (g_task_get_source_object (list_task),
                                       g_task_get_cancellable (list_task), NULL, NULL);

  g_task_set_name (check, "[runboard] check run index");
  g_task_run_in_thread (check, check_index_worker);
  return G_SOURCE_REMOVE;
}

static GPtrArray *
rb_local_backend_list_runs_finish (RbBackend     *backend,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  GPtrArray *runs;

  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  runs = g_task_propagate_pointer (G_TASK (result), error);
  /* The list came from the index unchecked: check it against the files,
   * once the caller has shown it (an idle below redraw priority), so
   * the first frame does not wait for nor share a core with the check. */
  if (runs != NULL)
    {
      g_autoptr(GSource) idle = g_idle_source_new ();

      g_source_set_priority (idle, G_PRIORITY_LOW);
      g_source_set_callback (idle, start_index_check_cb, g_object_ref (result), g_object_unref);
      g_source_set_static_name (idle, "[runboard] start run index check");
      g_source_attach (idle, g_main_context_get_thread_default ());
    }
  return runs;
}

static void
rb_local_backend_get_run_async (RbBackend           *backend,
                                const char          *run_id,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  run_in_thread (backend, cancellable, callback, user_data, rb_local_backend_get_run_async, "[runboard] get run",
                 g_strdup (run_id), g_free, get_run_worker);
}

static RbRun *
rb_local_backend_get_run_finish (RbBackend     *backend,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_local_backend_get_capabilities_async (RbBackend           *backend,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_local_backend_get_capabilities_async);
  g_task_set_name (task, "[runboard] get capabilities");

  if (g_task_return_error_if_cancelled (task))
    return;

  /* Nothing to wait for: GTask delivers the result from an idle. */
  g_task_return_pointer (task,
                         rb_backend_capabilities_new (!rb_telemetry_generation_disabled (),
                                                      PACKAGE_VERSION),
                         (GDestroyNotify) rb_backend_capabilities_free);
}

static RbBackendCapabilities *
rb_local_backend_get_capabilities_finish (RbBackend     *backend,
                                          GAsyncResult  *result,
                                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_local_backend_list_templates_async (RbBackend           *backend,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  run_in_thread (backend, cancellable, callback, user_data, rb_local_backend_list_templates_async, "[runboard] list templates",
                 NULL, NULL, list_templates_worker);
}

static GPtrArray *
rb_local_backend_list_templates_finish (RbBackend     *backend,
                                        GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_local_backend_get_template_async (RbBackend           *backend,
                                     const char          *template_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  run_in_thread (backend, cancellable, callback, user_data, rb_local_backend_get_template_async, "[runboard] get template",
                 g_strdup (template_id), g_free, get_template_worker);
}

static RbTemplate *
rb_local_backend_get_template_finish (RbBackend     *backend,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_local_backend_list_captures_async (RbBackend           *backend,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  run_in_thread (backend, cancellable, callback, user_data, rb_local_backend_list_captures_async, "[runboard] list captures",
                 NULL, NULL, list_captures_worker);
}

static JsonNode *
rb_local_backend_list_captures_finish (RbBackend     *backend,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_local_backend_generate_telemetry_async (RbBackend           *backend,
                                           JsonNode            *request,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_local_backend_generate_telemetry_async);
  g_task_set_name (task, "[runboard] generate telemetry");
  g_task_set_task_data (task, json_node_copy (request), (GDestroyNotify) json_node_unref);
  g_thread_unref (g_thread_new ("runboard-generate", generate_telemetry_thread,
                                g_steal_pointer (&task)));
}

static JsonNode *
rb_local_backend_generate_telemetry_finish (RbBackend     *backend,
                                            GAsyncResult  *result,
                                            guint         *http_status,
                                            GError       **error)
{
  BodyResult *out;
  JsonNode *body;

  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  out = g_task_propagate_pointer (G_TASK (result), error);
  if (out == NULL)
    return NULL;

  if (http_status != NULL)
    *http_status = out->status;
  body = g_steal_pointer (&out->body);
  body_result_free (out);
  return body;
}

static void
rb_local_backend_create_run_async (RbBackend           *backend,
                                   JsonNode            *request,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_local_backend_create_run_async);
  g_task_set_name (task, "[runboard] create run");
  g_task_set_task_data (task, json_node_copy (request), (GDestroyNotify) json_node_unref);
  g_thread_unref (g_thread_new ("runboard-create-run", create_run_thread,
                                g_steal_pointer (&task)));
}

static gpointer
propagate_pointer (RbBackend     *backend,
                   GAsyncResult  *result,
                   GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, backend), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
rb_local_backend_list_runs_page_async (RbBackend           *backend,
                                       GHashTable          *params,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, rb_local_backend_list_runs_page_async);
  g_task_set_name (task, "[runboard] list runs page");
  if (params != NULL)
    g_task_set_task_data (task, g_hash_table_ref (params), (GDestroyNotify) g_hash_table_unref);
  g_task_run_in_thread (task, list_runs_page_worker);
}

static void
start_series_task (RbBackend           *backend,
                   const char          *run_id,
                   const char          *series_id,
                   GTaskThreadFunc      worker,
                   gpointer             source_tag,
                   GCancellable        *cancellable,
                   GAsyncReadyCallback  callback,
                   gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SeriesData *data = g_new0 (SeriesData, 1);

  data->run_id = g_strdup (run_id);
  data->series_id = g_strdup (series_id);
  task = g_task_new (backend, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  g_task_set_name (task, "[runboard] read series");
  g_task_set_task_data (task, data, (GDestroyNotify) series_data_free);
  g_task_run_in_thread (task, worker);
}

static void
rb_local_backend_read_series_index_async (RbBackend           *backend,
                                          const char          *run_id,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  start_series_task (backend, run_id, NULL, read_series_index_worker,
                     rb_local_backend_read_series_index_async,
                     cancellable, callback, user_data);
}

static void
rb_local_backend_read_series_async (RbBackend           *backend,
                                    const char          *run_id,
                                    const char          *series_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  start_series_task (backend, run_id, series_id, read_series_worker,
                     rb_local_backend_read_series_async,
                     cancellable, callback, user_data);
}

static void
rb_local_backend_iface_init (RbBackendInterface *iface)
{
  iface->get_display_name = rb_local_backend_get_display_name;
  iface->list_runs_async = rb_local_backend_list_runs_async;
  iface->list_runs_finish = rb_local_backend_list_runs_finish;
  iface->get_run_async = rb_local_backend_get_run_async;
  iface->get_run_finish = rb_local_backend_get_run_finish;
  iface->get_capabilities_async = rb_local_backend_get_capabilities_async;
  iface->get_capabilities_finish = rb_local_backend_get_capabilities_finish;
  iface->list_templates_async = rb_local_backend_list_templates_async;
  iface->list_templates_finish = rb_local_backend_list_templates_finish;
  iface->get_template_async = rb_local_backend_get_template_async;
  iface->get_template_finish = rb_local_backend_get_template_finish;
  iface->list_captures_async = rb_local_backend_list_captures_async;
  iface->list_captures_finish = rb_local_backend_list_captures_finish;
  iface->generate_telemetry_async = rb_local_backend_generate_telemetry_async;
  iface->generate_telemetry_finish = rb_local_backend_generate_telemetry_finish;
  iface->create_run_async = rb_local_backend_create_run_async;
  /* Same result shape: a body and its status. */
  iface->create_run_finish = rb_local_backend_generate_telemetry_finish;
  iface->list_runs_page_async = rb_local_backend_list_runs_page_async;
  iface->list_runs_page_finish = (JsonNode *(*) (RbBackend *, GAsyncResult *, GError **)) propagate_pointer;
  iface->read_series_index_async = rb_local_backend_read_series_index_async;
  iface->read_series_index_finish = (JsonNode *(*) (RbBackend *, GAsyncResult *, GError **)) propagate_pointer;
  iface->read_series_async = rb_local_backend_read_series_async;
  iface->read_series_finish = (GBytes *(*) (RbBackend *, GAsyncResult *, GError **)) propagate_pointer;
}

/*
 * GObject
 */

static void
rb_local_backend_constructed (GObject *object)
{
  RbLocalBackend *self = (RbLocalBackend *)object;
  g_autoptr(GFile) stamp = NULL;
  g_autoptr(GFile) runs = NULL;

  G_OBJECT_CLASS (rb_local_backend_parent_class)->constructed (object);

  g_assert (self->data_dir != NULL);

  self->store = rb_run_store_new (self->data_dir);

  stamp = g_file_new_build_filename (self->data_dir, ".runboard", "stamp", NULL);
  runs = g_file_new_build_filename (self->data_dir, "runs", NULL);
  self->stamp_path = g_file_get_path (stamp);
  stamp_text_changed (self);
  self->stamp_monitor = watch (self, stamp, FALSE);
  self->runs_monitor = watch (self, runs, TRUE);
}

static void
rb_local_backend_dispose (GObject *object)
{
  RbLocalBackend *self = (RbLocalBackend *)object;

  g_clear_handle_id (&self->changed_source, g_source_remove);

  if (self->stamp_monitor != NULL)
    g_file_monitor_cancel (self->stamp_monitor);
  if (self->runs_monitor != NULL)
    g_file_monitor_cancel (self->runs_monitor);
  g_clear_object (&self->stamp_monitor);
  g_clear_object (&self->runs_monitor);
  clear_prefetch (self);

  G_OBJECT_CLASS (rb_local_backend_parent_class)->dispose (object);
}

static void
rb_local_backend_finalize (GObject *object)
{
  RbLocalBackend *self = (RbLocalBackend *)object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->data_dir, g_free);
  g_clear_pointer (&self->stamp_path, g_free);
  g_clear_pointer (&self->stamp_text, g_free);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (rb_local_backend_parent_class)->finalize (object);
}

static void
rb_local_backend_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  RbLocalBackend *self = RB_LOCAL_BACKEND (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      g_value_set_string (value, self->data_dir);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_local_backend_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  RbLocalBackend *self = RB_LOCAL_BACKEND (object);

  switch (prop_id)
    {
    case PROP_DATA_DIR:
      self->data_dir = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
rb_local_backend_class_init (RbLocalBackendClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = rb_local_backend_constructed;
  object_class->dispose = rb_local_backend_dispose;
  object_class->finalize = rb_local_backend_finalize;
  object_class->get_property = rb_local_backend_get_property;
  object_class->set_property = rb_local_backend_set_property;

  properties[PROP_DATA_DIR] =
    g_param_spec_string ("data-dir", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE |
                          G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
rb_local_backend_init (RbLocalBackend *self)
{
  self->context = g_main_context_ref_thread_default ();
}

RbLocalBackend *
rb_local_backend_new (const char *data_dir)
{
  g_return_val_if_fail (data_dir != NULL, NULL);

  return g_object_new (RB_TYPE_LOCAL_BACKEND,
                       "data-dir", data_dir,
                       NULL);
}

void
rb_local_backend_prefetch_runs (RbLocalBackend *self)
{
  g_return_if_fail (RB_IS_LOCAL_BACKEND (self));

  if (self->prefetch != NULL || self->prefetch_done)
    return;
  self->prefetch = g_task_new (self, NULL, prefetch_ready_cb, NULL);
  g_task_set_source_tag (self->prefetch, rb_local_backend_prefetch_runs);
  g_task_set_name (self->prefetch, "[runboard] prefetch runs");
  g_task_run_in_thread (self->prefetch, list_runs_worker);
}

const char *
rb_local_backend_get_data_dir (RbLocalBackend *self)
{
  g_return_val_if_fail (RB_IS_LOCAL_BACKEND (self), NULL);

  return self->data_dir;
}
